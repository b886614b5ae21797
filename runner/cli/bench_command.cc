#include "runner/cli/bench_command.h"

#include <filesystem>

#include "harness/sample_stats.h"
#include "runner/common/exit_code.h"
#include "runner/perf/perf_report.h"
#include "runner/perf/perf_session.h"

namespace cirun {
namespace {

struct BenchOptions {
  PerfOptions perf;
  std::string rev;
};

void PrintRows(const JobPlan& plan, const BenchSamples& samples) {
  for (const std::string& metric : BenchMetricNames(plan)) {
    auto values = samples.values.find(metric);
    if (values == samples.values.end()) continue;
    SampleSummary s = Summarize(values->second);
    auto unit = samples.units.find(metric);
    char spread[32];
    snprintf(spread, sizeof spread, "±%.1f%%", 100 * s.RelativeSpread());
    printf("%-26s %-14s %12s %9s %12s %12s  %s\n", plan.Name().c_str(), metric.c_str(),
           FormatValue(s.median).c_str(), spread, FormatValue(s.min).c_str(),
           FormatValue(s.max).c_str(), unit == samples.units.end() ? "" : unit->second.c_str());
  }
}

int RunBench(const BenchOptions& o) {
  // Phase 1: the source and its bench jobs.
  auto session = PerfSession::Open(o.perf, o.rev, /*allow_dirty=*/true);
  if (!session.ok()) return ReportError("ci-run", session.status());
  PerfSession& s = **session;
  const bool dirty = s.source().info.dirty;
  const std::string commit = dirty ? "" : s.source().info.commit;
  auto plans = s.BenchPlans(commit);
  if (!plans.ok()) return ReportError("ci-run", plans.status());
  printf("Benchmarking %s at %s on host %s%s\n", s.source().info.repo_name.c_str(),
         s.Describe(commit).c_str(), s.host_name().c_str(),
         dirty ? " (samples are not stored: not a commit)" : "");
  for (const auto& [name, reason] : plans->skipped)
    printf("  skipped %s: %s\n", name.c_str(), reason.c_str());

  // Phase 2: build and measure each job in turn, printing its rows.
  nlohmann::json results = nlohmann::json::array();
  int failures = 0;
  bool header = false;
  for (const JobPlan& plan : plans->plans) {
    auto subject = s.Prepare(commit, plan, commit.empty() ? "work tree" : commit.substr(0, 12));
    std::vector<BenchSamples> samples;
    Status measured = subject.ok() ? RunInterleaved(s.runner(), {*subject}, s.RunsFor(plan),
                                                    BenchMetricNames(plan), &samples,
                                                    s.Progress(plan.Name(), {""}), &s.cancel())
                                   : subject.status();
    s.EndProgress();
    if (measured.code() == Status::Code::kCancelled) return ReportError("ci-run", measured);
    if (!measured.ok()) {
      fprintf(stderr, "ci-run: %s: %s\n", plan.Name().c_str(), measured.message().c_str());
      results.push_back({{"unikernel", plan.unikernel},
                         {"cell", plan.cell.Key()},
                         {"error", measured.message()}});
      ++failures;
      continue;
    }
    if (!header) {
      printf("%-26s %-14s %12s %9s %12s %12s  %s\n", "JOB", "METRIC", "MEDIAN", "SPREAD", "MIN",
             "MAX", "UNIT");
      header = true;
    }
    PrintRows(plan, samples[0]);
    if (std::string clock = s.ClockNote(plan); !clock.empty())
      printf("%-26s (%s)\n", plan.Name().c_str(), clock.c_str());
    fflush(stdout);
    s.SaveSamples(commit, plan, samples[0], "bench");
    nlohmann::json metrics = nlohmann::json::object();
    for (const auto& [metric, values] : samples[0].values)
      metrics[metric] = SummaryJson(values, samples[0].units[metric]);
    results.push_back({{"unikernel", plan.unikernel},
                       {"cell", plan.cell.Key()},
                       {"runs", samples[0].runs},
                       {"metrics", metrics}});
  }
  printf("SPREAD is the median absolute deviation in percent of the median.\n");

  // Phase 3: the JSON report.
  if (!o.perf.json.empty()) {
    nlohmann::json skipped = nlohmann::json::array();
    for (const auto& [name, reason] : plans->skipped)
      skipped.push_back({{"job", name}, {"reason", reason}});
    nlohmann::json doc = {{"repo", s.repo()},      {"commit", commit},   {"dirty", dirty},
                          {"host", s.host_name()}, {"results", results}, {"skipped", skipped}};
    if (Status w = WriteJsonFile(o.perf.json, doc); !w.ok())
      fprintf(stderr, "ci-run: %s\n", w.message().c_str());
  }
  return failures ? 1 : 0;
}

}  // namespace

void SetupBenchCommand(CLI::App* sub, int* exit_code) {
  auto o = std::make_shared<BenchOptions>();
  sub->add_option("location", o->perf.location, "work tree, repository path or URL (default: .)");
  sub->add_option("--rev", o->rev, "commit to measure (default: the work tree as it is)");
  AddPerfOptions(sub, &o->perf, /*comparing=*/false);
  sub->callback([o, exit_code] { *exit_code = RunBench(*o); });
}

}  // namespace cirun
