// HistorySeries: one (unikernel, cell) along the first-parent history, as
// `ci-run history` analyses it: its points (commits with enough samples),
// and the measurements history takes of them, interleaved and stored as
// they come. Suspects (possible change points) live here too; finding and
// bisecting them is history_command.cc's and history_bisect.h's.
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"
#include "jobs/job_plan.h"
#include "runner/perf/bench_measurement.h"
#include "runner/perf/perf_session.h"

namespace cirun {

constexpr int kMinHistorySamples = 3;  // a commit with fewer samples of a metric is no point

/// What `ci-run history` was asked to do.
struct HistoryOptions {
  PerfOptions perf;
  std::string rev;
  int commits = 0;
  std::string since;
  int points = 8;
  double max_p_value = 0.05;  // lenient: every candidate is confirmed by interleaved runs
};

/// One (unikernel, cell) along the history.
struct HistorySeries {
  JobPlan plan;                            // at the newest commit that has it
  std::vector<size_t> positions;           // indices into the history (oldest first)
  std::map<size_t, JobPlan> plans;         // per position
  std::map<size_t, BenchSamples> samples;  // per position, stored and measured
  std::set<size_t> unmeasurable;           // build or boot failed there
  int measured_points = 0, stored_points = 0;
};

/// What every step of one history run shares.
struct HistoryContext {
  PerfSession& s;
  const HistoryOptions& o;
  std::vector<std::string> commits;  // first-parent history, oldest first
  std::string location;              // for reproducers
};

/// The runs of `metric` in `s` (0 if none).
int RunsOf(const BenchSamples& s, const std::string& metric);

/// log(median) of `metric` in `s`, which must have values of it.
double LogMedian(const BenchSamples& s, const std::string& metric);

/// Appends the runs of `from` to `into`, metric by metric.
void MergeSamples(BenchSamples* into, const BenchSamples& from);

/// Builds the subjects at `positions` and measures them interleaved,
/// `rounds` rounds; stores the samples and merges them into the series.
/// Positions that cannot be built or booted are marked unmeasurable (and
/// left out of *fresh, which gets the new samples of the others in order).
Status MeasurePositions(HistoryContext& c, HistorySeries& series,
                        const std::vector<size_t>& positions, int rounds,
                        std::vector<BenchSamples>* fresh = nullptr);

/// Builds the commits at positions `base` and `head` and compares them
/// interleaved (CompareInterleaved, escalating while inconclusive); stores
/// the samples of both. Does not merge them into the series.
Result<InterleavedComparison> CompareCommits(HistoryContext& c, const HistorySeries& series,
                                             size_t base, size_t head,
                                             const CompareOptions& options,
                                             const std::string& base_label,
                                             const std::string& head_label);

/// A change point between two measured positions, for some metrics.
struct HistorySuspect {
  size_t before = 0, after = 0;      // positions
  std::vector<std::string> metrics;  // that changed there
  std::string primary;               // bisected on: an exact one, else the largest change
  double primary_change = 0;         // |log ratio|
  bool edge = false;                 // found by CheckNewest, not by FindChangePoints
  bool primary_exact = false;        // primary is a deciding (exact) metric

  // Records that `metric` changed by `change` (|log ratio|) here; `exact`:
  // it is a deciding metric (CompareOptions::deciding), which is bisected on
  // in preference to any other, as the others may be left undecided.
  void Add(const std::string& metric, double change, bool exact = false) {
    metrics.push_back(metric);
    const bool wins = primary.empty() || (exact && !primary_exact) ||
                      (exact == primary_exact && change > primary_change);
    if (wins) {
      primary_change = change;
      primary = metric;
      primary_exact = exact;
    }
  }
};

/// True if `metric` is among `deciding` (CompareOptions::deciding).
bool IsDeciding(const std::vector<std::string>& deciding, const std::string& metric);

/// Whether position `p` of `series` is a point for `metric`: measurable,
/// with at least kMinHistorySamples runs of it.
bool IsPoint(const HistorySeries& series, size_t p, const std::string& metric);

/// The positions of `series` that are points for every metric.
std::vector<size_t> MeasuredPoints(const HistorySeries& series);

/// Measures the commits at positions `before` and `after` together
/// (CompareCommits, leniently: alpha at least 0.01, as a suspect is
/// confirmed by its own comparison with its parent after bisection), merges
/// the samples into the series and prints each metric's verdict. Sets
/// changed->metrics to those that changed and changed->primary to the one
/// that changed most.
Status MeasureTogether(HistoryContext& c, HistorySeries& series, size_t before, size_t after,
                       HistorySuspect* changed);

}  // namespace cirun
