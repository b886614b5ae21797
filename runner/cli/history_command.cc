#include "runner/cli/history_command.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "harness/change_points.h"
#include "harness/sample_stats.h"
#include "runner/common/exit_code.h"
#include "runner/common/paths.h"
#include "runner/perf/history_bisect.h"
#include "runner/perf/history_series.h"
#include "runner/perf/perf_change.h"
#include "runner/perf/perf_report.h"
#include "runner/perf/perf_session.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;

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

std::vector<HistorySuspect> FindSuspects(HistoryContext& c, HistorySeries& series) {
  std::map<std::pair<size_t, size_t>, HistorySuspect> by_range;
  ChangePointOptions options;
  options.max_p_value = c.o.max_p_value;
  options.min_magnitude = std::log1p(c.o.perf.min_effect);
  const std::vector<std::string> deciding = c.s.CompareOptionsFor(series.plan).deciding;
  for (const std::string& metric : BenchMetricNames(series.plan)) {
    std::vector<size_t> points;
    std::vector<double> values;
    for (size_t p : series.positions) {
      auto it = series.samples.find(p);
      if (it == series.samples.end() || RunsOf(it->second, metric) < kMinHistorySamples) continue;
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
      HistorySuspect& s = by_range[{points[cp.index - 1], points[cp.index]}];
      s.before = points[cp.index - 1];
      s.after = points[cp.index];
      s.Add(metric, std::fabs(cp.mean_after - cp.mean_before), IsDeciding(deciding, metric));
    }
  }
  std::vector<HistorySuspect> out;
  for (auto& [range, s] : by_range) out.push_back(s);
  return out;
}

// A change on the newest point leaves one point on its side, which
// change-point detection cannot tell from noise, and the newest commit being
// slower is the change a nightly run must not miss. So the two newest points
// are measured again, together; a difference becomes a suspect between them,
// bisected and confirmed like any other. (The oldest end has the same blind
// spot; a nightly run's window moves over it, and it was the newest once.)
Status CheckNewest(HistoryContext& c, HistorySeries& series,
                   std::vector<HistorySuspect>* suspects) {
  const std::vector<size_t> points = MeasuredPoints(series);
  if (points.size() < 2) return Status::Ok();
  const size_t before = points[points.size() - 2], after = points.back();
  for (const HistorySuspect& s : *suspects)
    if (s.before == before && s.after == after) return Status::Ok();
  printf("  newest points measured together: %s and %s\n", ShortCommit(c.commits[before]).c_str(),
         ShortCommit(c.commits[after]).c_str());
  fflush(stdout);
  HistorySuspect suspect{before, after, {}, "", 0, true};
  CIRUN_RETURN_IF_ERROR(MeasureTogether(c, series, before, after, &suspect));
  if (!suspect.metrics.empty()) suspects->push_back(suspect);
  return Status::Ok();
}

void ReportFinding(HistoryContext& c, const HistorySeries& series, const HistorySuspect& suspect,
                   HistoryFinding& f) {
  const std::string culprit = c.commits[f.culprit], parent = c.commits[f.parent];
  const std::string reproducer =
      CompareReproducer(SelfCommand(), c.location, ShortCommit(parent), ShortCommit(culprit),
                        series.plan, ReproducerFlags(c.s.options().run));
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
  const ChangeSite site{c.s.repo(), c.s.SampleHostFor(series.plan), culprit, parent, "history",
                        reproducer};
  for (const std::string& metric : BenchMetricNames(series.plan)) {
    const MetricComparison& m = f.evidence.metrics.at(metric);
    const std::string unit = f.evidence.head.units[metric];
    printf("    %-14s %s\n", metric.c_str(), DescribeComparison(m, unit).c_str());
    metrics[metric] = ComparisonJson(m, unit);
    if (!f.confirmed || !IsPerfChange(m)) continue;
    if (Status st = RecordPerfChange(c.s.store(), site, series.plan, metric, m, unit); !st.ok())
      fprintf(stderr, "ci-run: warning: %s\n", st.message().c_str());
    if (SlowerBeyond(m, threshold)) f.fatal = true;
  }
  const ClockResolution resolution = HostClockResolution({&f.evidence.base, &f.evidence.head},
                                                         c.s.HostClockMetricsFor(series.plan));
  if (const std::string note = ResolutionNote(resolution); !note.empty())
    printf("    %s\n", note.c_str());
  const std::vector<std::string> deciding = c.s.CompareOptionsFor(series.plan).deciding;
  if (const std::string note = UndecidedNote(f.evidence, deciding); !note.empty())
    printf("    %s\n", note.c_str());
  printf("    reproduce: %s\n", reproducer.c_str());
  f.json["metrics"] = metrics;
  f.json["undecided"] = f.evidence.undecided;
  f.json["host_clock"] = ResolutionJson(resolution);
}

void PrintPoints(HistoryContext& c, const HistorySeries& series) {
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
Status CollectPoints(HistoryContext& c, HistorySeries& series) {
  std::vector<std::string> commits;
  for (size_t p : series.positions) commits.push_back(c.commits[p]);
  auto stored = c.s.StoredSamples(series.plan, commits);
  if (!stored.ok()) return stored.status();
  const std::string first_metric = BenchMetricNames(series.plan).front();
  for (size_t p : series.positions) {
    auto it = stored->find(c.commits[p]);
    if (it == stored->end() || RunsOf(it->second, first_metric) < kMinHistorySamples) continue;
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
Result<std::vector<HistorySeries>> PlanSeries(HistoryContext& c) {
  std::vector<HistorySeries> all;
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
      if (added) all.push_back(HistorySeries{});
      HistorySeries& s = all[it->second];
      s.plan = plan;  // the newest wins
      s.positions.push_back(p);
      s.plans[p] = plan;
    }
  }
  if (all.empty()) return Status::NotFound("no commit of this history has a bench job to run here");
  return all;
}

// The commits to look at, oldest first: the first-parent history to `tip`,
// the last --commits of it or those from --since.
Result<std::vector<std::string>> HistoryCommits(PerfSession& s, const HistoryOptions& o,
                                                const std::string& tip) {
  auto mirror = s.Mirror();
  if (!mirror.ok()) return mirror.status();
  auto history = mirror->FirstParentHistory(tip, o.commits > 0 ? o.commits : 0);
  if (!history.ok()) return history.status();
  std::vector<std::string> commits(history->rbegin(), history->rend());
  if (o.since.empty()) return commits;
  auto since = s.ResolveCommit(o.since);
  if (!since.ok()) return since.status().WithContext("--since " + o.since);
  auto it = std::find(commits.begin(), commits.end(), *since);
  if (it == commits.end())
    return Status::InvalidArgument("--since " + o.since +
                                   " is not on the first-parent history of " + ShortCommit(tip));
  commits.erase(commits.begin(), it);
  return commits;
}

// What the series found, over all of them: for the summary and exit code.
struct HistoryTally {
  int found = 0, unconfirmed = 0;
  bool fatal = false;                // a confirmed change beyond fail-on-regression
  bool failed = false;               // a series or a bisection could not be measured
  std::vector<std::string> summary;  // one line per confirmed change
};

// Bisects each suspect of `series` and reports what it finds; the confirmed
// changes go to `changes`, the others to `rejected`. Fails only when
// cancelled.
Status BisectSuspects(HistoryContext& c, HistorySeries& series,
                      const std::vector<HistorySuspect>& suspects, HistoryTally* t,
                      nlohmann::json* changes, nlohmann::json* rejected) {
  std::set<size_t> culprits;  // confirmed, by position
  for (const HistorySuspect& suspect : suspects) {
    printf("  %s between %s and %s (%zu commits apart) in",
           suspect.edge ? "change at the end" : "change point",
           ShortCommit(c.commits[suspect.before]).c_str(),
           ShortCommit(c.commits[suspect.after]).c_str(), suspect.after - suspect.before);
    for (const auto& m : suspect.metrics) printf(" %s", m.c_str());
    printf("\n");
    fflush(stdout);
    auto finding = Bisect(c, series, suspect);
    if (!finding.ok()) {
      if (finding.status().code() == Status::Code::kCancelled) return finding.status();
      fprintf(stderr, "ci-run: %s: bisection failed: %s\n", series.plan.Name().c_str(),
              finding.status().message().c_str());
      rejected->push_back({{"error", finding.status().message()}});
      t->failed = true;
      continue;
    }
    if (finding->confirmed && culprits.count(finding->culprit)) {
      // Two neighbouring change points whose search ranges overlap.
      printf("  the same cause as above: %s\n", c.s.Describe(c.commits[finding->culprit]).c_str());
      continue;
    }
    if (finding->confirmed) culprits.insert(finding->culprit);
    ReportFinding(c, series, suspect, *finding);
    (finding->confirmed ? *changes : *rejected).push_back(finding->json);
    t->fatal = t->fatal || finding->fatal;
    if (!finding->confirmed) {
      ++t->unconfirmed;
      continue;
    }
    ++t->found;
    const MetricComparison& m = finding->evidence.metrics.at(finding->metric);
    std::string line = series.plan.Name() + " " + finding->metric + " " +
                       PerfVerdictName(m.verdict) + " " + FormatPercent(m.ratio) + " at " +
                       c.s.Describe(c.commits[finding->culprit]);
    // A host clock's verdict is only as fine as its runs' spread: said beside it.
    const nlohmann::json& clock = finding->json["host_clock"];
    if (clock.is_object() && clock["spread_percent"].contains(finding->metric)) {
      char buf[64];
      snprintf(buf, sizeof buf, " (host clock: resolution ~%.0f%%)",
               clock["spread_percent"][finding->metric].get<double>());
      line += buf;
    }
    t->summary.push_back(line);
  }
  return Status::Ok();
}

// The measured points of `series`, for the JSON report: commit and, per
// metric, median and runs.
nlohmann::json PointsJson(const HistoryContext& c, const HistorySeries& series) {
  nlohmann::json points = nlohmann::json::array();
  for (size_t p : series.positions) {
    auto it = series.samples.find(p);
    if (it == series.samples.end()) continue;
    nlohmann::json metrics = nlohmann::json::object();
    for (const auto& [metric, values] : it->second.values)
      metrics[metric] = {{"median", Median(values)}, {"n", values.size()}};
    points.push_back({{"commit", c.commits[p]}, {"metrics", metrics}});
  }
  return points;
}

// One (unikernel, cell): its points, change points and their bisection; its
// part of the JSON report. Fails only when cancelled.
Result<nlohmann::json> AnalyseSeries(HistoryContext& c, HistorySeries& series, HistoryTally* t) {
  nlohmann::json job = {{"unikernel", series.plan.unikernel}, {"cell", series.plan.cell.Key()}};
  auto failed = [&](const Status& st) {
    fprintf(stderr, "ci-run: %s: %s\n", series.plan.Name().c_str(), st.message().c_str());
    job["error"] = st.message();
    t->failed = true;
  };
  Status st = CollectPoints(c, series);
  if (st.code() == Status::Code::kCancelled) return st;
  if (!st.ok()) {
    failed(st);
    return job;
  }
  PrintPoints(c, series);
  std::vector<HistorySuspect> suspects = FindSuspects(c, series);
  if (suspects.empty()) printf("  no change point\n");
  if (Status edges = CheckNewest(c, series, &suspects); !edges.ok()) {
    if (edges.code() == Status::Code::kCancelled) return edges;
    failed(edges);
  }
  nlohmann::json changes = nlohmann::json::array(), rejected = nlohmann::json::array();
  CIRUN_RETURN_IF_ERROR(BisectSuspects(c, series, suspects, t, &changes, &rejected));
  job["points"] = PointsJson(c, series);
  job["measured_points"] = series.measured_points;
  job["stored_points"] = series.stored_points;
  job["changes"] = changes;    // confirmed, with their cause
  job["rejected"] = rejected;  // candidates that did not reproduce when measured together
  return job;
}

int RunHistory(const HistoryOptions& o) {
  // Phase 1: the first-parent history, oldest first, and its series.
  if (o.commits > 0 && !o.since.empty())
    return ReportError("ci-run",
                       Status::InvalidArgument("--commits and --since exclude each other"));
  auto session = PerfSession::Open(o.perf, o.rev, /*allow_dirty=*/false);
  if (!session.ok()) return ReportError("ci-run", session.status());
  PerfSession& s = **session;
  auto tip = s.ResolveCommit(o.rev.empty() ? "HEAD" : o.rev);
  if (!tip.ok()) return ReportError("ci-run", tip.status());
  auto commits = HistoryCommits(s, o, *tip);
  if (!commits.ok()) return ReportError("ci-run", commits.status());
  HistoryContext c{s, o, *commits, ""};
  c.location = o.perf.location.find("://") != std::string::npos
                   ? o.perf.location
                   : fs::absolute(o.perf.location).lexically_normal().string();
  printf("History of %s: %zu commits on the first-parent line to %s, host %s\n",
         s.source().info.repo_name.c_str(), commits->size(), s.Describe(*tip).c_str(),
         s.host_name().c_str());
  auto all = PlanSeries(c);
  if (!all.ok()) return ReportError("ci-run", all.status());

  // Phase 2: per (unikernel, cell): points, change points, bisection.
  nlohmann::json jobs = nlohmann::json::array();
  HistoryTally t;
  for (HistorySeries& series : *all) {
    auto job = AnalyseSeries(c, series, &t);
    if (!job.ok()) return ReportError("ci-run", job.status());
    jobs.push_back(*job);
  }

  // Phase 3: summary, JSON, exit code.
  printf("\n%d change%s found%s\n", t.found, t.found == 1 ? "" : "s",
         t.unconfirmed
             ? (", " + std::to_string(t.unconfirmed) + " change point(s) not confirmed").c_str()
             : "");
  for (const auto& line : t.summary) printf("  %s\n", line.c_str());
  if (!o.perf.json.empty()) {
    nlohmann::json doc = {{"repo", s.repo()},
                          {"tip", *tip},
                          {"host", s.host_name()},
                          {"commits", *commits},
                          {"jobs", jobs}};
    if (Status w = WriteJsonFile(o.perf.json, doc); !w.ok())
      fprintf(stderr, "ci-run: %s\n", w.message().c_str());
  }
  return t.fatal || t.failed ? 1 : 0;
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
