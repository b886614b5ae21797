#include "runner/history_command.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <tuple>

#include "harness/bisection.h"
#include "harness/change_points.h"
#include "harness/sample_stats.h"
#include "runner/paths.h"
#include "runner/perf_report.h"
#include "runner/perf_session.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;

constexpr int kMinSamples = 3;         // a commit with fewer samples of a metric is no point
constexpr int kExtraBisectRounds = 2;  // re-measurements of an unclear bisection step

struct HistoryOptions {
  PerfOptions perf;
  std::string rev;
  int commits = 0;
  std::string since;
  int points = 8;
  double max_p_value = 0.05;  // lenient: every candidate is confirmed by interleaved runs
};

int Fail(const Status& s) {
  fprintf(stderr, "ci-run: %s\n", s.message().c_str());
  return s.code() == Status::Code::kCancelled ? 130 : 2;
}

// One (unikernel, cell) along the history.
struct Series {
  JobPlan plan;                            // at the newest commit that has it
  std::vector<size_t> positions;           // indices into the history (oldest first)
  std::map<size_t, JobPlan> plans;         // per position
  std::map<size_t, BenchSamples> samples;  // per position, stored and measured
  std::set<size_t> unmeasurable;           // build or boot failed there
  int measured_points = 0, stored_points = 0;
};

struct Context {
  PerfSession& s;
  const HistoryOptions& o;
  std::vector<std::string> commits;  // first-parent history, oldest first
  std::string location;              // for reproducers
};

std::vector<size_t> EvenlySpaced(size_t n, int points) {
  std::vector<size_t> out;
  if (n == 0) return out;
  if (points <= 1 || static_cast<size_t>(points) >= n) {
    for (size_t i = 0; i < n; ++i) out.push_back(i);
    return out;
  }
  for (int i = 0; i < points; ++i) {
    size_t p = static_cast<size_t>(std::lround(static_cast<double>(i) * (n - 1) / (points - 1)));
    if (out.empty() || out.back() != p) out.push_back(p);
  }
  return out;
}

int Runs(const BenchSamples& s, const std::string& metric) {
  auto it = s.values.find(metric);
  return it == s.values.end() ? 0 : static_cast<int>(it->second.size());
}

double LogMedian(const BenchSamples& s, const std::string& metric) {
  return std::log(Median(s.values.at(metric)));
}

// Appends the runs of `from` to `into`, metric by metric.
void MergeSamples(BenchSamples* into, const BenchSamples& from) {
  for (const auto& [metric, values] : from.values) {
    auto& v = into->values[metric];
    v.insert(v.end(), values.begin(), values.end());
    if (auto unit = from.units.find(metric); unit != from.units.end())
      into->units[metric] = unit->second;
  }
  into->runs += from.runs;
}

// Builds the subjects at `positions` and measures them interleaved; stores
// and merges the samples. Positions that cannot be built or booted are marked.
Status MeasurePositions(Context& c, Series& series, const std::vector<size_t>& positions,
                        int rounds, std::vector<BenchSamples>* fresh = nullptr) {
  std::vector<BenchSubject> subjects;
  std::vector<size_t> measured;
  std::vector<std::string> labels;
  for (size_t p : positions) {
    auto subject = c.s.Prepare(c.commits[p], series.plans.at(p), ShortCommit(c.commits[p]));
    if (!subject.ok()) {
      if (subject.status().code() == Status::Code::kCancelled) return subject.status();
      printf("    %s: cannot be measured: %s\n", ShortCommit(c.commits[p]).c_str(),
             subject.status().message().c_str());
      series.unmeasurable.insert(p);
      continue;
    }
    subjects.push_back(*subject);
    measured.push_back(p);
    labels.push_back(ShortCommit(c.commits[p]));
  }
  std::vector<BenchSamples> samples;
  Status st = RunInterleaved(c.s.runner(), subjects, rounds, BenchMetricNames(series.plan),
                             &samples, c.s.Progress(series.plan.Name(), labels), &c.s.cancel());
  c.s.EndProgress();
  if (!st.ok()) return st;
  for (size_t i = 0; i < measured.size(); ++i) {
    const size_t p = measured[i];
    if (Status saved = c.s.SaveSamples(c.commits[p], series.plans.at(p), samples[i], "history");
        !saved.ok())
      fprintf(stderr, "ci-run: warning: samples not stored: %s\n", saved.message().c_str());
    MergeSamples(&series.samples[p], samples[i]);
  }
  if (fresh) *fresh = std::move(samples);
  return Status::Ok();
}

// Builds the commits at positions `base` and `head` and compares them
// interleaved (CompareInterleaved, escalating while inconclusive); stores the
// samples of both.
Result<InterleavedComparison> CompareCommits(Context& c, const Series& series, size_t base,
                                             size_t head, const CompareOptions& options,
                                             const std::string& base_label,
                                             const std::string& head_label) {
  auto base_subject = c.s.Prepare(c.commits[base], series.plans.at(base), base_label);
  if (!base_subject.ok()) return base_subject.status();
  auto head_subject = c.s.Prepare(c.commits[head], series.plans.at(head), head_label);
  if (!head_subject.ok()) return head_subject.status();
  auto comparison =
      CompareInterleaved(c.s.runner(), *base_subject, *head_subject, BenchMetricNames(series.plan),
                         BenchDirections(series.plan), options,
                         c.s.Progress(series.plan.Name(), {base_label, head_label}), &c.s.cancel());
  c.s.EndProgress();
  if (!comparison.ok()) return comparison.status();
  for (const auto& [p, samples] : {std::pair{base, &comparison->base}, {head, &comparison->head}})
    if (Status saved = c.s.SaveSamples(c.commits[p], series.plans.at(p), *samples, "history");
        !saved.ok())
      fprintf(stderr, "ci-run: warning: samples not stored: %s\n", saved.message().c_str());
  return comparison;
}

// A change point between two measured positions, for some metrics.
struct Suspect {
  size_t before = 0, after = 0;      // positions
  std::vector<std::string> metrics;  // that changed there
  std::string primary;               // the one with the largest change
  double primary_change = 0;         // |log ratio|
  bool edge = false;                 // found by CheckNewest, not by FindChangePoints

  // Records that `metric` changed by `change` (|log ratio|) here.
  void Add(const std::string& metric, double change) {
    metrics.push_back(metric);
    if (change > primary_change) {
      primary_change = change;
      primary = metric;
    }
  }
};

std::vector<Suspect> FindSuspects(Context& c, Series& series) {
  std::map<std::pair<size_t, size_t>, Suspect> by_range;
  ChangePointOptions options;
  options.max_p_value = c.o.max_p_value;
  options.min_magnitude = std::log1p(c.o.perf.min_effect);
  for (const std::string& metric : BenchMetricNames(series.plan)) {
    std::vector<size_t> points;
    std::vector<double> values;
    for (size_t p : series.positions) {
      auto it = series.samples.find(p);
      if (it == series.samples.end() || Runs(it->second, metric) < kMinSamples) continue;
      const double median = Median(it->second.values.at(metric));
      if (!(median > 0)) {
        printf("  %s: not analysed (a median is <= 0)\n", metric.c_str());
        points.clear();
        break;
      }
      points.push_back(p);
      values.push_back(std::log(median));
    }
    for (const ChangePoint& cp : FindChangePoints(values, options)) {
      Suspect& s = by_range[{points[cp.index - 1], points[cp.index]}];
      s.before = points[cp.index - 1];
      s.after = points[cp.index];
      s.Add(metric, std::fabs(cp.mean_after - cp.mean_before));
    }
  }
  std::vector<Suspect> out;
  for (auto& [range, s] : by_range) out.push_back(s);
  return out;
}

// Whether position `p` of `series` is a point for `metric`: measurable, with
// at least kMinSamples runs of it.
bool IsPoint(const Series& series, size_t p, const std::string& metric) {
  auto it = series.samples.find(p);
  return !series.unmeasurable.count(p) && it != series.samples.end() &&
         Runs(it->second, metric) >= kMinSamples;
}

// The positions of `series` that are points for every metric.
std::vector<size_t> MeasuredPoints(const Series& series) {
  const std::vector<std::string> metrics = BenchMetricNames(series.plan);
  std::vector<size_t> out;
  for (size_t p : series.positions)
    if (std::all_of(metrics.begin(), metrics.end(),
                    [&](const std::string& m) { return IsPoint(series, p, m); }))
      out.push_back(p);
  return out;
}

// Measures the commits at positions `before` and `after` together
// (CompareCommits, leniently: a suspect is confirmed by its own comparison
// with its parent after bisection), merges the samples into the series and
// prints each metric's verdict. Sets changed->metrics to those that changed
// and changed->primary to the one that changed most.
Status MeasureTogether(Context& c, Series& series, size_t before, size_t after, Suspect* changed) {
  CompareOptions options = c.s.CompareOptionsFor(series.plan);
  options.verdict.alpha = std::max(options.verdict.alpha, 0.01);
  auto comparison = CompareCommits(c, series, before, after, options, "older", "newer");
  if (!comparison.ok()) return comparison.status();
  MergeSamples(&series.samples[before], comparison->base);
  MergeSamples(&series.samples[after], comparison->head);
  changed->metrics.clear();
  changed->primary.clear();
  changed->primary_change = 0;
  for (const std::string& metric : BenchMetricNames(series.plan)) {
    const MetricComparison& m = comparison->metrics.at(metric);
    printf("    %-14s %s\n", metric.c_str(),
           DescribeComparison(m, comparison->head.units[metric]).c_str());
    if (m.verdict != PerfVerdict::kSlower && m.verdict != PerfVerdict::kFaster) continue;
    changed->Add(metric, std::fabs(std::log(m.ratio)));
  }
  fflush(stdout);
  return Status::Ok();
}

// A change on the newest point leaves one point on its side, which
// change-point detection cannot tell from noise, and the newest commit being
// slower is the change a nightly run must not miss. So the two newest points
// are measured again, together; a difference becomes a suspect between them,
// bisected and confirmed like any other. (The oldest end has the same blind
// spot; a nightly run's window moves over it, and it was the newest once.)
Status CheckNewest(Context& c, Series& series, std::vector<Suspect>* suspects) {
  const std::vector<size_t> points = MeasuredPoints(series);
  if (points.size() < 2) return Status::Ok();
  const size_t before = points[points.size() - 2], after = points.back();
  for (const Suspect& s : *suspects)
    if (s.before == before && s.after == after) return Status::Ok();
  printf("  newest points measured together: %s and %s\n", ShortCommit(c.commits[before]).c_str(),
         ShortCommit(c.commits[after]).c_str());
  fflush(stdout);
  Suspect suspect{before, after, {}, "", 0, true};
  CIRUN_RETURN_IF_ERROR(MeasureTogether(c, series, before, after, &suspect));
  if (!suspect.metrics.empty()) suspects->push_back(suspect);
  return Status::Ok();
}

struct Finding {
  bool confirmed = false;
  std::string why;  // when not confirmed
  size_t culprit = 0, parent = 0;
  size_t first = 0, last = 0;         // the range bisected (SearchRange)
  std::string metric;                 // the one bisected on
  bool ambiguous = false;             // the culprit is somewhere in [parent+1, culprit]
  std::vector<std::string> measured;  // commits measured while bisecting
  InterleavedComparison evidence;
  nlohmann::json json;
  bool fatal = false;
};

// The range a suspect is bisected in: one measured point wider on each side
// than the change point. A point whose median noise pushed towards the other
// side moves a change point by one point; the wider range still holds the
// change, and the ends measured together say whether there is one.
std::pair<size_t, size_t> SearchRange(const Series& series, const Suspect& suspect) {
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

// One bisection of range (positions, oldest first; the first is before the
// change, the last after it) on `metric`, `runs` rounds a step. Sets
// f->culprit, f->parent, f->ambiguous, or f->why when the ends no longer
// differ; appends the commits measured to f->measured.
Status BisectRange(Context& c, Series& series, const std::vector<size_t>& range,
                   const std::string& metric, int runs, Finding* f) {
  std::vector<BisectSide> sides(range.size(), BisectSide::kUnknown);
  sides.front() = BisectSide::kBefore;
  sides.back() = BisectSide::kAfter;
  for (size_t i = 1; i + 1 < range.size(); ++i)
    if (series.unmeasurable.count(range[i])) sides[i] = BisectSide::kUnmeasurable;
  VerdictOptions verdict = c.s.CompareOptionsFor(series.plan).verdict;
  const auto directions = BenchDirections(series.plan);
  verdict.lower_is_better = directions.count(metric) == 0 || directions.at(metric);
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
Status ConfirmCulprit(Context& c, Series& series, const std::string& metric, Finding* f) {
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

// Bisects `suspect` within `series`; the result names the commit or says why
// not. A culprit its parent does not confirm means a bisection step was
// misjudged (one unlucky batch of runs), or that there is no change: the
// range is bisected once more from scratch with twice the runs a step.
Result<Finding> Bisect(Context& c, Series& series, Suspect suspect) {
  Finding f;
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
    Suspect ends = suspect;
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
  Finding again;
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

void ReportFinding(Context& c, const Series& series, const Suspect& suspect, Finding& f) {
  const std::string culprit = c.commits[f.culprit], parent = c.commits[f.parent];
  const std::string reproducer = CompareReproducer(SelfCommand(), c.location, ShortCommit(parent),
                                                   ShortCommit(culprit), series.plan);
  f.json = {{"between", {c.commits[suspect.before], c.commits[suspect.after]}},
            {"searched", {c.commits[f.first], c.commits[f.last]}},
            {"metrics_changed", suspect.metrics},
            {"found_by", suspect.edge ? "edge check" : "change point"},
            {"bisected", f.measured},
            {"confirmed", f.confirmed}};
  if (!f.why.empty() && f.evidence.runs == 0) {
    printf("  change point between %s and %s not confirmed: %s\n",
           ShortCommit(c.commits[suspect.before]).c_str(),
           ShortCommit(c.commits[suspect.after]).c_str(), f.why.c_str());
    f.json["why"] = f.why;
    return;
  }
  f.json["commit"] = culprit;
  f.json["parent"] = parent;
  f.json["title"] = c.s.Summary(culprit);
  f.json["ambiguous"] = f.ambiguous;
  f.json["reproducer"] = reproducer;
  if (f.ambiguous)
    printf("  %s CHANGE in %s..%s (the commits between cannot be measured)\n",
           f.confirmed ? "CONFIRMED" : "UNCONFIRMED", ShortCommit(parent).c_str(),
           ShortCommit(culprit).c_str());
  else
    printf("  %s %s\n",
           f.confirmed ? "CAUSE:" : "UNCONFIRMED CAUSE:", c.s.Describe(culprit).c_str());
  if (!f.confirmed) printf("    not confirmed: %s\n", f.why.c_str());
  nlohmann::json metrics = nlohmann::json::object();
  std::optional<double> threshold;
  if (series.plan.bench) threshold = series.plan.bench->fail_on_regression;
  for (const std::string& metric : BenchMetricNames(series.plan)) {
    const MetricComparison& m = f.evidence.metrics.at(metric);
    const std::string unit = f.evidence.head.units[metric];
    printf("    %-14s %s\n", metric.c_str(), DescribeComparison(m, unit).c_str());
    metrics[metric] = ComparisonJson(m, unit);
    if (!f.confirmed || (m.verdict != PerfVerdict::kSlower && m.verdict != PerfVerdict::kFaster))
      continue;
    PerfChangeRecord r;
    r.repo = c.s.repo();
    r.unikernel = series.plan.unikernel;
    r.cell_key = series.plan.cell.Key();
    r.metric = metric;
    r.host = c.s.SampleHostFor(series.plan);
    r.commit = culprit;
    r.base_commit = parent;
    r.verdict = PerfVerdictName(m.verdict);
    r.ratio = m.ratio;
    if (m.interval) {
      r.ci_low = m.interval->low;
      r.ci_high = m.interval->high;
    }
    r.p_value = m.p_value;
    r.base_median = m.base_median;
    r.head_median = m.head_median;
    r.base_n = static_cast<int64_t>(m.base_n);
    r.head_n = static_cast<int64_t>(m.head_n);
    r.unit = unit;
    r.source = "history";
    r.reproducer = reproducer;
    if (auto id = c.s.store().AddPerfChange(r); !id.ok())
      fprintf(stderr, "ci-run: warning: change not stored: %s\n", id.status().message().c_str());
    if (m.verdict == PerfVerdict::kSlower && threshold &&
        std::fabs(std::log(m.ratio)) >= std::log1p(threshold.value_or(0)))
      f.fatal = true;
  }
  printf("    reproduce: %s\n", reproducer.c_str());
  f.json["metrics"] = metrics;
}

void PrintPoints(Context& c, const Series& series) {
  const std::vector<std::string> metrics = BenchMetricNames(series.plan);
  printf("  %-12s", "COMMIT");
  for (const auto& m : metrics) printf(" %14s", m.c_str());
  printf("  (medians)\n");
  for (size_t p : series.positions) {
    auto it = series.samples.find(p);
    if (it == series.samples.end() || it->second.runs == 0) continue;
    printf("  %-12s", ShortCommit(c.commits[p]).c_str());
    for (const auto& m : metrics) {
      auto v = it->second.values.find(m);
      printf(" %14s", v == it->second.values.end() ? "-" : FormatValue(Median(v->second)).c_str());
    }
    printf("  n=%d\n", it->second.runs);
  }
}

// Samples from the store, then measurements of a spread of commits lacking them.
Status CollectPoints(Context& c, Series& series) {
  std::vector<std::string> commits;
  for (size_t p : series.positions) commits.push_back(c.commits[p]);
  auto stored = c.s.StoredSamples(series.plan, commits);
  if (!stored.ok()) return stored.status();
  const std::string first_metric = BenchMetricNames(series.plan).front();
  for (size_t p : series.positions) {
    auto it = stored->find(c.commits[p]);
    if (it == stored->end() || Runs(it->second, first_metric) < kMinSamples) continue;
    series.samples[p] = it->second;
    ++series.stored_points;
  }
  std::vector<size_t> wanted;
  for (size_t i : EvenlySpaced(series.positions.size(), c.o.points)) {
    const size_t p = series.positions[i];
    if (!series.samples.count(p)) wanted.push_back(p);
  }
  const std::string clock = c.s.ClockNote(series.plan);
  printf("%s: %zu commits; %d with stored samples, measuring %zu (%d runs each, interleaved%s%s)\n",
         series.plan.Name().c_str(), series.positions.size(), series.stored_points, wanted.size(),
         c.s.RunsFor(series.plan), clock.empty() ? "" : "; ", clock.c_str());
  fflush(stdout);
  if (!wanted.empty())
    CIRUN_RETURN_IF_ERROR(MeasurePositions(c, series, wanted, c.s.RunsFor(series.plan)));
  series.measured_points = static_cast<int>(wanted.size());
  return Status::Ok();
}

// Every (unikernel, cell) with a bench job, and the commits where it exists.
Result<std::vector<Series>> PlanSeries(Context& c) {
  std::vector<Series> all;
  std::map<std::string, size_t> index;
  for (size_t p = 0; p < c.commits.size(); ++p) {
    auto plans = c.s.BenchPlans(c.commits[p]);
    if (!plans.ok()) {
      if (plans.status().code() == Status::Code::kNotFound) continue;  // not there yet
      printf("  %s: skipped: %s\n", ShortCommit(c.commits[p]).c_str(),
             plans.status().message().c_str());
      continue;
    }
    for (const JobPlan& plan : plans->plans) {
      auto [it, added] = index.emplace(plan.Name(), all.size());
      if (added) all.push_back(Series{});
      Series& s = all[it->second];
      s.plan = plan;  // the newest wins
      s.positions.push_back(p);
      s.plans[p] = plan;
    }
  }
  if (all.empty()) return Status::NotFound("no commit of this history has a bench job to run here");
  return all;
}

int RunHistory(const HistoryOptions& o) {
  // Phase 1: the first-parent history, oldest first.
  if (o.commits > 0 && !o.since.empty())
    return Fail(Status::InvalidArgument("--commits and --since exclude each other"));
  auto session = PerfSession::Open(o.perf, o.rev, /*allow_dirty=*/false);
  if (!session.ok()) return Fail(session.status());
  PerfSession& s = **session;
  auto tip = s.ResolveCommit(o.rev.empty() ? "HEAD" : o.rev);
  if (!tip.ok()) return Fail(tip.status());
  auto mirror = s.Mirror();
  if (!mirror.ok()) return Fail(mirror.status());
  auto history = mirror->FirstParentHistory(*tip, o.commits > 0 ? o.commits : 0);
  if (!history.ok()) return Fail(history.status());
  std::vector<std::string> commits(history->rbegin(), history->rend());
  if (!o.since.empty()) {
    auto since = s.ResolveCommit(o.since);
    if (!since.ok()) return Fail(since.status().WithContext("--since " + o.since));
    auto it = std::find(commits.begin(), commits.end(), *since);
    if (it == commits.end())
      return Fail(Status::InvalidArgument(
          "--since " + o.since + " is not on the first-parent history of " + ShortCommit(*tip)));
    commits.erase(commits.begin(), it);
  }
  Context c{s, o, commits, ""};
  c.location = o.perf.location.find("://") != std::string::npos
                   ? o.perf.location
                   : fs::absolute(o.perf.location).lexically_normal().string();
  printf("History of %s: %zu commits on the first-parent line to %s, host %s\n",
         s.source().info.repo_name.c_str(), commits.size(), s.Describe(*tip).c_str(),
         s.host_name().c_str());
  auto all = PlanSeries(c);
  if (!all.ok()) return Fail(all.status());

  // Phase 2: per (unikernel, cell): points, change points, bisection.
  nlohmann::json jobs = nlohmann::json::array();
  int found = 0, unconfirmed = 0;
  bool fatal = false, failed = false;
  std::vector<std::string> summary;
  for (Series& series : *all) {
    nlohmann::json job = {{"unikernel", series.plan.unikernel}, {"cell", series.plan.cell.Key()}};
    Status st = CollectPoints(c, series);
    if (st.code() == Status::Code::kCancelled) return Fail(st);
    if (!st.ok()) {
      fprintf(stderr, "ci-run: %s: %s\n", series.plan.Name().c_str(), st.message().c_str());
      job["error"] = st.message();
      jobs.push_back(job);
      failed = true;
      continue;
    }
    PrintPoints(c, series);
    std::vector<Suspect> suspects = FindSuspects(c, series);
    if (suspects.empty()) printf("  no change point\n");
    if (Status edges = CheckNewest(c, series, &suspects); !edges.ok()) {
      if (edges.code() == Status::Code::kCancelled) return Fail(edges);
      fprintf(stderr, "ci-run: %s: %s\n", series.plan.Name().c_str(), edges.message().c_str());
      job["error"] = edges.message();
      failed = true;
    }
    nlohmann::json changes = nlohmann::json::array(), rejected = nlohmann::json::array();
    std::set<size_t> culprits;  // confirmed, by position
    for (const Suspect& suspect : suspects) {
      printf("  %s between %s and %s (%zu commits apart) in",
             suspect.edge ? "change at the end" : "change point",
             ShortCommit(c.commits[suspect.before]).c_str(),
             ShortCommit(c.commits[suspect.after]).c_str(), suspect.after - suspect.before);
      for (const auto& m : suspect.metrics) printf(" %s", m.c_str());
      printf("\n");
      fflush(stdout);
      auto finding = Bisect(c, series, suspect);
      if (!finding.ok()) {
        if (finding.status().code() == Status::Code::kCancelled) return Fail(finding.status());
        fprintf(stderr, "ci-run: %s: bisection failed: %s\n", series.plan.Name().c_str(),
                finding.status().message().c_str());
        rejected.push_back({{"error", finding.status().message()}});
        failed = true;
        continue;
      }
      if (finding->confirmed && culprits.count(finding->culprit)) {
        // Two neighbouring change points whose search ranges overlap.
        printf("  the same cause as above: %s\n",
               c.s.Describe(c.commits[finding->culprit]).c_str());
        continue;
      }
      if (finding->confirmed) culprits.insert(finding->culprit);
      ReportFinding(c, series, suspect, *finding);
      (finding->confirmed ? changes : rejected).push_back(finding->json);
      fatal = fatal || finding->fatal;
      if (finding->confirmed) {
        ++found;
        const MetricComparison& m = finding->evidence.metrics.at(finding->metric);
        summary.push_back(series.plan.Name() + " " + finding->metric + " " +
                          PerfVerdictName(m.verdict) + " " + FormatPercent(m.ratio) + " at " +
                          c.s.Describe(c.commits[finding->culprit]));
      } else {
        ++unconfirmed;
      }
    }
    nlohmann::json points = nlohmann::json::array();
    for (size_t p : series.positions) {
      auto it = series.samples.find(p);
      if (it == series.samples.end()) continue;
      nlohmann::json metrics = nlohmann::json::object();
      for (const auto& [metric, values] : it->second.values)
        metrics[metric] = {{"median", Median(values)}, {"n", values.size()}};
      points.push_back({{"commit", c.commits[p]}, {"metrics", metrics}});
    }
    job["points"] = points;
    job["measured_points"] = series.measured_points;
    job["stored_points"] = series.stored_points;
    job["changes"] = changes;    // confirmed, with their cause
    job["rejected"] = rejected;  // candidates that did not reproduce when measured together
    jobs.push_back(job);
  }

  // Phase 3: summary, JSON, exit code.
  printf("\n%d change%s found%s\n", found, found == 1 ? "" : "s",
         unconfirmed
             ? (", " + std::to_string(unconfirmed) + " change point(s) not confirmed").c_str()
             : "");
  for (const auto& line : summary) printf("  %s\n", line.c_str());
  if (!o.perf.json.empty()) {
    nlohmann::json doc = {{"repo", s.repo()},
                          {"tip", *tip},
                          {"host", s.host_name()},
                          {"commits", commits},
                          {"jobs", jobs}};
    if (Status w = WriteJsonFile(o.perf.json, doc); !w.ok())
      fprintf(stderr, "ci-run: %s\n", w.message().c_str());
  }
  return fatal || failed ? 1 : 0;
}

}  // namespace

void SetupHistoryCommand(CLI::App* sub, int* exit_code) {
  auto o = std::make_shared<HistoryOptions>();
  sub->add_option("location", o->perf.location, "work tree, repository path or URL (default: .)");
  sub->add_option("--rev", o->rev, "the newest commit (default: HEAD)");
  auto* commits =
      sub->add_option("--commits", o->commits, "look at the last N commits (default: all)")
          ->check(CLI::Range(2, 100000));
  sub->add_option("--since", o->since, "look at the commits from REV (included) to the newest")
      ->excludes(commits);
  sub->add_option("--points", o->points,
                  "commits to measure along the history when they lack samples (default: 8); "
                  "bisection measures the others as needed")
      ->check(CLI::Range(2, 100000));
  AddPerfOptions(sub, &o->perf, /*comparing=*/true);
  sub->callback([o, exit_code] { *exit_code = RunHistory(*o); });
}

}  // namespace cirun
