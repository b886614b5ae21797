#include "runner/perf/history_bisect.h"

#include <algorithm>
#include <cstdio>
#include <tuple>

#include "harness/bisection.h"
#include "harness/perf_verdict.h"
#include "runner/perf/perf_report.h"

namespace cirun {
namespace {

constexpr int kExtraBisectRounds = 2;  // re-measurements of an unclear bisection step

// One bisection of range (positions, oldest first; the first is before the
// change, the last after it) on `metric`, `runs` rounds a step. Sets
// f->culprit, f->parent, f->ambiguous, or f->why when the ends no longer
// differ; appends the commits measured to f->measured.
Status BisectRange(HistoryContext& c, HistorySeries& series, const std::vector<size_t>& range,
                   const std::string& metric, int runs, HistoryFinding* f) {
  std::vector<BisectSide> sides(range.size(), BisectSide::kUnknown);
  sides.front() = BisectSide::kBefore;
  sides.back() = BisectSide::kAfter;
  for (size_t i = 1; i + 1 < range.size(); ++i)
    if (series.unmeasurable.count(range[i])) sides[i] = BisectSide::kUnmeasurable;
  const VerdictOptions verdict =
      VerdictFor(c.s.CompareOptionsFor(series.plan).verdict, BenchDirections(series.plan), metric);
  BisectStep step = NextBisectStep(sides);
  while (step.kind == BisectStep::Kind::kMeasure) {
    size_t hi = 1;
    while (sides[hi] != BisectSide::kAfter) ++hi;
    size_t lo = hi - 1;
    while (sides[lo] != BisectSide::kBefore) --lo;
    const size_t mid = step.index;
    printf("    bisecting: %s (between %s and %s)\n", ShortCommit(c.commits[range[mid]]).c_str(),
           ShortCommit(c.commits[range[lo]]).c_str(), ShortCommit(c.commits[range[hi]]).c_str());
    fflush(stdout);
    // The three measured together, so that drift cannot fake a side.
    const std::vector<size_t> triple = {range[lo], range[mid], range[hi]};
    std::vector<BenchSamples> fresh;
    CIRUN_RETURN_IF_ERROR(MeasurePositions(c, series, triple, runs, &fresh));
    f->measured.push_back(c.commits[range[mid]]);
    if (series.unmeasurable.count(range[mid]) || fresh.size() != 3) {
      sides[mid] = BisectSide::kUnmeasurable;
      if (series.unmeasurable.count(range[lo]) || series.unmeasurable.count(range[hi]))
        return Status::FailedPrecondition("a commit measured before cannot be measured now");
    } else {
      MetricComparison ends =
          CompareSamples(fresh[0].values[metric], fresh[2].values[metric], verdict);
      if (ends.verdict == PerfVerdict::kNoChange) {
        f->why = "the change between " + ShortCommit(c.commits[range[lo]]) + " and " +
                 ShortCommit(c.commits[range[hi]]) + " did not reproduce when measured together (" +
                 metric + " " + FormatPercent(ends.ratio) + ", no change): machine drift?";
        return Status::Ok();
      }
      auto position = [&] {
        return PositionBetween(LogMedian(fresh[0], metric), LogMedian(fresh[1], metric),
                               LogMedian(fresh[2], metric));
      };
      double pos = position();
      // A middle near halfway is a guess: the three run again (at most
      // kExtraBisectRounds times) before it takes a side.
      for (int extra = 0; extra < kExtraBisectRounds && pos > 0.25 && pos < 0.75; ++extra) {
        printf("      %s %.0f%% of the way from before to after: unclear, measuring again\n",
               metric.c_str(), pos * 100);
        fflush(stdout);
        std::vector<BenchSamples> more;
        CIRUN_RETURN_IF_ERROR(MeasurePositions(c, series, triple, runs, &more));
        if (more.size() != 3) break;
        for (size_t i = 0; i < 3; ++i) MergeSamples(&fresh[i], more[i]);
        pos = position();
      }
      sides[mid] = pos < 0.5 ? BisectSide::kBefore : BisectSide::kAfter;
      printf("      %s %.0f%% of the way from before to after: %s\n", metric.c_str(), pos * 100,
             pos < 0.5 ? "like before" : "like after");
    }
    step = NextBisectStep(sides);
  }
  f->ambiguous = step.kind == BisectStep::Kind::kAmbiguous;
  f->parent = f->ambiguous ? range[step.first - 1] : range[step.index - 1];
  f->culprit = f->ambiguous ? range[step.last] : range[step.index];
  return Status::Ok();
}

// The evidence for f's culprit: it against its parent, interleaved, until
// the verdict on `metric` is clear or max_runs. Sets f->evidence,
// f->confirmed and f->why.
Status ConfirmCulprit(HistoryContext& c, HistorySeries& series, const std::string& metric,
                      HistoryFinding* f) {
  printf("    confirming: %s against its parent %s\n", ShortCommit(c.commits[f->culprit]).c_str(),
         ShortCommit(c.commits[f->parent]).c_str());
  fflush(stdout);
  auto evidence = CompareCommits(c, series, f->parent, f->culprit,
                                 c.s.CompareOptionsFor(series.plan), "parent", "culprit");
  if (!evidence.ok()) return evidence.status();
  f->evidence = std::move(*evidence);
  const PerfVerdict v = f->evidence.metrics.at(metric).verdict;
  f->confirmed = v == PerfVerdict::kSlower || v == PerfVerdict::kFaster;
  f->why = f->confirmed ? ""
                        : "its comparison with its parent says " + std::string(PerfVerdictName(v)) +
                              " on " + metric;
  return Status::Ok();
}

}  // namespace

// The range a suspect is bisected in: one measured point wider on each side
// than the change point. A point whose median noise pushed towards the other
// side moves a change point by one point; the wider range still holds the
// change, and the ends measured together say whether there is one.
std::pair<size_t, size_t> SearchRange(const HistorySeries& series, const HistorySuspect& suspect) {
  auto measured = [&](size_t p) { return IsPoint(series, p, suspect.primary); };
  size_t lo = suspect.before, hi = suspect.after;
  for (size_t p : series.positions) {
    if (p < suspect.before && measured(p)) lo = p;
    if (p > suspect.after && measured(p)) {
      hi = p;
      break;
    }
  }
  return {lo, hi};
}

// Bisects `suspect` within `series`; the result names the commit or says why
// not. A culprit its parent does not confirm means a bisection step was
// misjudged (one unlucky batch of runs), or that there is no change: the
// range is bisected once more from scratch with twice the runs a step.
Result<HistoryFinding> Bisect(HistoryContext& c, HistorySeries& series, HistorySuspect suspect) {
  HistoryFinding f;
  std::tie(f.first, f.last) = SearchRange(series, suspect);
  std::vector<size_t> range;
  for (size_t p : series.positions)
    if (p >= f.first && p <= f.last) range.push_back(p);
  if (!suspect.edge) {
    // A change point from sparse medians is a guess: its ends, measured
    // together, must differ before the commits between are measured.
    printf("    measuring the ends together: %s and %s\n", ShortCommit(c.commits[f.first]).c_str(),
           ShortCommit(c.commits[f.last]).c_str());
    fflush(stdout);
    HistorySuspect ends = suspect;
    CIRUN_RETURN_IF_ERROR(MeasureTogether(c, series, f.first, f.last, &ends));
    if (ends.metrics.empty()) {
      f.why = "the change between " + ShortCommit(c.commits[f.first]) + " and " +
              ShortCommit(c.commits[f.last]) +
              " did not reproduce when they were measured together: machine drift?";
      return f;
    }
    suspect.primary = ends.primary;
  }
  f.metric = suspect.primary;
  const int runs = c.s.CompareOptionsFor(series.plan).runs;
  CIRUN_RETURN_IF_ERROR(BisectRange(c, series, range, suspect.primary, runs, &f));
  if (!f.why.empty()) return f;  // the ends did not differ
  CIRUN_RETURN_IF_ERROR(ConfirmCulprit(c, series, suspect.primary, &f));
  if (f.confirmed) return f;
  printf("    %s not confirmed (%s): bisecting again with %d runs a step\n",
         ShortCommit(c.commits[f.culprit]).c_str(), f.why.c_str(), 2 * runs);
  fflush(stdout);
  HistoryFinding again;
  again.first = f.first;
  again.last = f.last;
  again.measured = f.measured;
  again.metric = f.metric;
  CIRUN_RETURN_IF_ERROR(BisectRange(c, series, range, suspect.primary, 2 * runs, &again));
  const bool same = again.culprit == f.culprit && again.ambiguous == f.ambiguous;
  if (!again.why.empty() || same) {
    f.measured = again.measured;
    f.why += "; bisected again: " + (same ? "the same commit" : again.why);
    return f;
  }
  CIRUN_RETURN_IF_ERROR(ConfirmCulprit(c, series, suspect.primary, &again));
  if (!again.confirmed) again.why += "; at first bisected to " + ShortCommit(c.commits[f.culprit]);
  return again;
}

}  // namespace cirun
