#include "runner/perf/history_step.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "runner/common/paths.h"
#include "runner/perf/bench_step.h"
#include "runner/perf/perf_report.h"
#include "runner/perf/self_run.h"
#include "runner/pipeline/job_executor.h"
#include "runner/pipeline/pipeline_options.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A history run builds and boots many commits; an hour bounds a stuck one.
constexpr std::chrono::milliseconds kHistoryTimeout = std::chrono::hours(1);
// The step's log keeps the end of history's output.
constexpr size_t kLogCap = 64 << 10;

// "cycles slower +25.0% at 3f2a1b9c5d2e" for each confirmed change of `job`.
std::vector<std::string> DescribeChanges(const json& job, int* slowdowns) {
  std::vector<std::string> out;
  const json changes = job.value("changes", json::array());
  for (const json& change : changes) {
    std::string what;
    const json metrics = change.value("metrics", json::object());
    for (auto it = metrics.begin(); it != metrics.end(); ++it) {
      const std::string& metric = it.key();
      const json& m = it.value();
      const std::string verdict = m.value("verdict", "");
      if (verdict != "slower" && verdict != "faster") continue;
      if (verdict == "slower") ++*slowdowns;
      what += (what.empty() ? "" : ", ") + metric + " " + verdict + " " +
              FormatPercent(m.value("ratio", 1.0));
    }
    out.push_back((what.empty() ? std::string("a change") : what) + " at " +
                  ShortCommit(change.value("commit", "")) + " \"" + change.value("title", "") +
                  "\"");
  }
  return out;
}

}  // namespace

HistoryPipelineOptions ReadHistoryOptions(const std::string& options_json) {
  HistoryPipelineOptions o;
  const json h = PipelineOptionsSection(options_json, "history");
  if (h.contains("enabled") && h["enabled"].is_boolean()) o.enabled = h["enabled"].get<bool>();
  if (h.contains("commits") && h["commits"].is_number_integer() && h["commits"].get<int>() > 1)
    o.commits = h["commits"].get<int>();
  return o;
}

std::string WithHistoryOptions(const std::string& options_json,
                               const HistoryPipelineOptions& history) {
  return WithPipelineOptionsSection(options_json, "history",
                                    {{"enabled", history.enabled}, {"commits", history.commits}});
}

bool HistoryStep::Wanted(const JobPlan& plan, const PipelineRecord& pipeline) const {
  return plan.bench.has_value() && !pipeline.dirty && !pipeline.commit.empty() &&
         ReadHistoryOptions(pipeline.options_json).enabled &&
         ReadBenchOptions(pipeline.options_json).enabled;
}

JobStepResult HistoryStep::Run(JobStepContext& ctx) const {
  ctx.started("history");
  const PipelineRecord& p = ctx.claimed.pipeline;
  const HistoryPipelineOptions options = ReadHistoryOptions(p.options_json);
  const std::string dir = (fs::path(ctx.workspace) / ".ci-run-history").string();
  const std::string report = dir + "/history.json";
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::vector<std::string> argv = {SelfExecutable(),
                                   "history",
                                   p.repo,
                                   "--rev",
                                   p.commit,
                                   "--commits",
                                   std::to_string(options.commits),
                                   "--unikernel",
                                   ctx.plan.unikernel,
                                   "--only",
                                   ctx.plan.cell.Key(),
                                   "--work-dir",
                                   dir + "/work",
                                   "--json",
                                   report};
  AppendStateFlags(ctx.env, &argv);

  StepRecord step;
  step.name = "history";
  SelfRunResult run = RunSelf(ctx.env, argv, kHistoryTimeout, kLogCap, ctx.cancel);
  const ProcessExit& exit = run.exit;
  step.command = run.command;
  step.log = run.log;
  step.duration_ms = exit.elapsed.count();

  if (exit.kind == ProcessExit::Kind::kCancelled) {
    step.outcome = "cancelled";
    step.cause = "cancelled";
    ctx.record(step);
    return {JobState::kCancelled, "cancelled"};
  }
  json doc;
  if (std::ifstream in(report); in) doc = json::parse(in, nullptr, false);
  json job = json::object();
  if (doc.is_object() && doc.contains("jobs") && doc["jobs"].is_array() && !doc["jobs"].empty())
    job = doc["jobs"][0];
  const bool ran = exit.kind == ProcessExit::Kind::kExited && (exit.code == 0 || exit.code == 1) &&
                   !doc.is_discarded() && doc.is_object() && !job.contains("error");
  if (!ran) {
    std::string why = job.contains("error") ? job["error"].get<std::string>() : exit.Describe();
    step.outcome = "infra";
    step.cause = "history: " + why;
    step.detail_json = json{{"history", job}}.dump();
    ctx.record(step);
    return {JobState::kInfra, step.cause};
  }
  int slowdowns = 0;
  const std::vector<std::string> changes = DescribeChanges(job, &slowdowns);
  std::string summary;
  for (const std::string& c : changes) summary += (summary.empty() ? "" : "; ") + c;
  json detail = {{"history", job},
                 {"commits", doc.value("commits", json::array()).size()},
                 {"regressions", slowdowns}};
  // history exits 1 with complete results when a change reaches
  // fail-on-regression (or a bisection failed: "rejected" holds an error).
  const bool fatal = exit.code == 1;
  step.outcome = fatal ? "failed" : "passed";
  step.cause = changes.empty() ? (fatal ? "history failed; see its log" : "")
                               : (fatal ? "" : "changed: ") + summary;
  if (!changes.empty() && !fatal) detail["warning"] = step.cause;
  step.detail_json = detail.dump();
  ctx.record(step);
  if (fatal) return {JobState::kFailed, "history: " + step.cause};
  return {};
}

}  // namespace cirun
