#include "runner/cli/compare_command.h"

#include <filesystem>

#include "runner/common/exit_code.h"
#include "runner/common/paths.h"
#include "runner/perf/perf_change.h"
#include "runner/perf/perf_report.h"
#include "runner/perf/perf_session.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;

struct CompareCommandOptions {
  PerfOptions perf;
  std::string base, head;
};

// The location as a reproducer should name it (absolute for a local path).
std::string LocationForCommands(const std::string& location) {
  if (location.find("://") != std::string::npos) return location;
  std::error_code ec;
  auto abs = fs::absolute(location, ec);
  return ec ? location : abs.lexically_normal().string();
}

struct JobOutcome {
  nlohmann::json json;
  bool fatal = false;  // a regression beyond fail-on-regression
  bool failed = false;
};

JobOutcome CompareJob(PerfSession& s, const std::string& base, const std::string& head,
                      const JobPlan& base_plan, const JobPlan& head_plan,
                      const std::string& location) {
  JobOutcome out;
  out.json = {{"unikernel", head_plan.unikernel}, {"cell", head_plan.cell.Key()}};
  auto a = s.Prepare(base, base_plan, "base " + base.substr(0, 12));
  auto b = a.ok() ? s.Prepare(head, head_plan, "head " + head.substr(0, 12)) : a.status();
  const CompareOptions options = s.CompareOptionsFor(head_plan);
  Result<InterleavedComparison> result = b.status();
  if (a.ok() && b.ok()) {
    const std::string clock = s.ClockNote(head_plan);
    const std::string until =
        options.deciding.empty() ? "" : " (" + JoinNames(options.deciding) + ")";
    printf(
        "%s: %d runs each to start, interleaved (A B B A ...), up to %d while inconclusive%s%s%s\n",
        head_plan.Name().c_str(), options.runs, options.max_runs, until.c_str(),
        clock.empty() ? "" : "; ", clock.c_str());
    fflush(stdout);
    result = CompareInterleaved(s.runner(), *a, *b, BenchMetricNames(head_plan),
                                BenchDirections(head_plan), options,
                                s.Progress(head_plan.Name(), {"base", "head"}), &s.cancel());
    s.EndProgress();
  }
  if (!result.ok()) {
    fprintf(stderr, "ci-run: %s: %s\n", head_plan.Name().c_str(),
            result.status().message().c_str());
    out.json["error"] = result.status().message();
    out.failed = true;
    return out;
  }
  s.SaveSamples(base, base_plan, result->base, "compare");
  s.SaveSamples(head, head_plan, result->head, "compare");
  const std::string reproducer =
      CompareReproducer(SelfCommand(), location, base.substr(0, 12), head.substr(0, 12), head_plan,
                        ReproducerFlags(s.options().run));
  std::optional<double> threshold;
  if (head_plan.bench) threshold = head_plan.bench->fail_on_regression;
  const ChangeSite site{s.repo(), s.SampleHostFor(head_plan), head, base, "compare", reproducer};
  nlohmann::json metrics = nlohmann::json::object();
  printf("  %-14s %s\n", "METRIC", "VERDICT      CHANGE  RATIO [95% CI]  P-VALUE  BASE -> HEAD");
  for (const std::string& metric : BenchMetricNames(head_plan)) {
    const MetricComparison& c = result->metrics.at(metric);
    const std::string unit = result->head.units[metric];
    printf("  %-14s %s\n", metric.c_str(), DescribeComparison(c, unit).c_str());
    metrics[metric] = ComparisonJson(c, unit);
    if (Status st = RecordPerfChange(s.store(), site, head_plan, metric, c, unit); !st.ok())
      fprintf(stderr, "ci-run: warning: %s\n", st.message().c_str());
    if (SlowerBeyond(c, threshold)) out.fatal = true;
  }
  const ClockResolution resolution =
      HostClockResolution({&result->base, &result->head}, s.HostClockMetricsFor(head_plan));
  if (const std::string note = ResolutionNote(resolution); !note.empty())
    printf("  %s\n", note.c_str());
  if (const std::string note = UndecidedNote(*result, options.deciding); !note.empty())
    printf("  %s\n", note.c_str());
  printf("  reproduce: %s\n", reproducer.c_str());
  out.json["runs"] = result->runs;
  out.json["deciding"] = options.deciding;  // empty: every metric
  out.json["undecided"] = result->undecided;
  out.json["host_clock"] = ResolutionJson(resolution);
  out.json["metrics"] = metrics;
  out.json["reproducer"] = reproducer;
  return out;
}

int RunCompare(const CompareCommandOptions& o) {
  // Phase 1: both commits and their bench jobs, paired by unikernel and cell.
  auto session = PerfSession::Open(o.perf, o.base, /*allow_dirty=*/false);
  if (!session.ok()) return ReportError("ci-run", session.status());
  PerfSession& s = **session;
  auto base = s.ResolveCommit(o.base);
  if (!base.ok()) return ReportError("ci-run", base.status().WithContext("BASE " + o.base));
  auto head = s.ResolveCommit(o.head);
  if (!head.ok()) return ReportError("ci-run", head.status().WithContext("HEAD " + o.head));
  auto head_plans = s.BenchPlans(*head);
  if (!head_plans.ok())
    return ReportError("ci-run", head_plans.status().WithContext("HEAD " + o.head));
  auto base_plans = s.BenchPlans(*base);
  if (!base_plans.ok())
    return ReportError("ci-run", base_plans.status().WithContext("BASE " + o.base));
  printf("Comparing %s on host %s\n  base %s\n  head %s\n", s.source().info.repo_name.c_str(),
         s.host_name().c_str(), s.Describe(*base).c_str(), s.Describe(*head).c_str());
  for (const auto& [name, reason] : head_plans->skipped)
    printf("  skipped %s: %s\n", name.c_str(), reason.c_str());

  // Phase 2: each pair, measured interleaved.
  const std::string location = LocationForCommands(o.perf.location);
  nlohmann::json jobs = nlohmann::json::array();
  bool fatal = false, failed = false;
  for (const JobPlan& plan : head_plans->plans) {
    const JobPlan* base_plan = nullptr;
    for (const JobPlan& p : base_plans->plans)
      if (p.Name() == plan.Name()) base_plan = &p;
    if (!base_plan) {
      printf("%s: absent at base, not compared\n", plan.Name().c_str());
      jobs.push_back(
          {{"unikernel", plan.unikernel}, {"cell", plan.cell.Key()}, {"error", "absent at base"}});
      continue;
    }
    JobOutcome outcome = CompareJob(s, *base, *head, *base_plan, plan, location);
    if (s.cancel().cancelled()) return ReportError("ci-run", Status::Cancelled("interrupted"));
    fatal = fatal || outcome.fatal;
    failed = failed || outcome.failed;
    jobs.push_back(outcome.json);
  }

  // Phase 3: the JSON report and the exit code.
  if (!o.perf.json.empty()) {
    nlohmann::json doc = {{"repo", s.repo()},      {"host", s.host_name()},
                          {"base", *base},         {"head", *head},
                          {"alpha", o.perf.alpha}, {"min_effect", o.perf.min_effect},
                          {"jobs", jobs}};
    if (Status w = WriteJsonFile(o.perf.json, doc); !w.ok())
      fprintf(stderr, "ci-run: %s\n", w.message().c_str());
  }
  if (fatal) printf("A regression exceeds fail-on-regression of the configuration.\n");
  return fatal || failed ? 1 : 0;
}

}  // namespace

void SetupCompareCommand(CLI::App* sub, int* exit_code) {
  auto o = std::make_shared<CompareCommandOptions>();
  sub->add_option("location", o->perf.location, "work tree, repository path or URL")->required();
  sub->add_option("base", o->base, "the commit compared against (e.g. main, HEAD~1)")->required();
  sub->add_option("head", o->head, "the commit under test")->required();
  AddPerfOptions(sub, &o->perf, /*comparing=*/true);
  sub->callback([o, exit_code] { *exit_code = RunCompare(*o); });
}

}  // namespace cirun
