#include "runner/perf/bench_step.h"

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include "harness/sample_stats.h"
#include "runner/perf/bench_runner.h"
#include "runner/perf/perf_change.h"
#include "runner/perf/perf_report.h"
#include "runner/perf/perf_session.h"
#include "runner/pipeline/image_build.h"
#include "runner/pipeline/job_executor.h"
#include "runner/pipeline/pipeline_options.h"

namespace cirun {
namespace {

constexpr size_t kAncestorsSearched = 50;
constexpr int kMinBaseSamples = 3;

std::vector<SampleRecord> ToRecords(const JobStepContext& ctx, const std::string& commit,
                                    const BenchSamples& samples, const std::string& host) {
  std::vector<SampleRecord> rows;
  for (const auto& [metric, values] : samples.values) {
    for (double v : values) {
      SampleRecord r;
      r.repo = ctx.claimed.pipeline.repo;
      r.unikernel = ctx.plan.unikernel;
      r.cell_key = ctx.plan.cell.Key();
      r.metric = metric;
      r.commit = commit;
      r.host = host;
      r.value = v;
      r.unit = samples.units.at(metric);
      r.source = "pipeline " + std::to_string(ctx.claimed.pipeline.id);
      rows.push_back(std::move(r));
    }
  }
  return rows;
}

// The nearest first-parent ancestor with samples of every metric on this host
// (the commit itself for a dirty work tree). Empty if none.
std::pair<std::string, BenchSamples> StoredBase(const JobStepContext& ctx,
                                                const std::vector<std::string>& metrics,
                                                const std::string& host) {
  const PipelineRecord& p = ctx.claimed.pipeline;
  if (p.commit.empty()) return {};
  auto mirror = ctx.env.sources->MirrorWithCommit(p.repo, p.commit);
  if (!mirror.ok()) return {};
  auto history = mirror->FirstParentHistory(p.commit, kAncestorsSearched + 1);
  if (!history.ok()) return {};
  std::vector<std::string> ancestors(history->begin() + (p.dirty ? 0 : 1), history->end());
  if (ancestors.empty()) return {};
  SampleQuery q{p.repo, ctx.plan.unikernel, ctx.plan.cell.Key(), host, ancestors, ""};
  auto rows = ctx.env.store->ListSamples(q);
  if (!rows.ok()) return {};
  std::map<std::string, BenchSamples> by_commit;
  for (const SampleRecord& r : *rows) {
    by_commit[r.commit].values[r.metric].push_back(r.value);
    by_commit[r.commit].units[r.metric] = r.unit;
  }
  for (const std::string& a : ancestors) {
    auto it = by_commit.find(a);
    if (it == by_commit.end()) continue;
    bool complete = true;
    for (const auto& m : metrics)
      complete = complete && it->second.values[m].size() >= static_cast<size_t>(kMinBaseSamples);
    if (complete) return {a, it->second};
  }
  return {};
}

}  // namespace

BenchPipelineOptions ReadBenchOptions(const std::string& options_json) {
  BenchPipelineOptions o;
  const nlohmann::json b = PipelineOptionsSection(options_json, "bench");
  if (b.contains("enabled") && b["enabled"].is_boolean()) o.enabled = b["enabled"].get<bool>();
  if (b.contains("base") && b["base"].is_string()) o.base_commit = b["base"].get<std::string>();
  return o;
}

std::string WithBenchOptions(const std::string& options_json, const BenchPipelineOptions& bench) {
  nlohmann::json b = {{"enabled", bench.enabled}};
  if (!bench.base_commit.empty()) b["base"] = bench.base_commit;
  return WithPipelineOptionsSection(options_json, "bench", std::move(b));
}

bool BenchStep::Wanted(const JobPlan& plan, const PipelineRecord& pipeline) const {
  return plan.bench.has_value() && ReadBenchOptions(pipeline.options_json).enabled;
}

JobStepResult BenchStep::Run(JobStepContext& ctx) const {
  const auto started = std::chrono::steady_clock::now();
  ctx.started("bench");
  if (std::string skip = MainBootSkipReason(ctx.plan, "benchmarks"); !skip.empty()) {
    StepRecord step;
    step.name = "bench";
    step.outcome = "skipped";
    step.cause = skip;
    ctx.record(step);
    return {JobState::kPassed, ""};
  }
  const PipelineRecord& p = ctx.claimed.pipeline;
  const BenchPipelineOptions options = ReadBenchOptions(p.options_json);
  const std::string host = SampleHost(PerfHostName(), ctx.plan, ctx.backend);
  const std::vector<std::string> metrics = BenchMetricNames(ctx.plan);
  const std::map<std::string, bool> directions = BenchDirections(ctx.plan);
  BenchSubject head{p.dirty ? "work tree" : ShortCommit(p.commit),
                    p.dirty ? "" : p.commit,
                    ctx.plan,
                    ctx.image,
                    ctx.workspace,
                    &ctx.backend};
  CompareOptions compare;
  compare.runs = ctx.plan.bench->runs;
  compare.max_runs = 2 * ctx.plan.bench->runs;  // a pull request may double its runs
  StepRecord step;
  step.name = "bench";
  nlohmann::json detail = {
      {"host", host},
      {"runs", compare.runs},
      {"clock", CountsInstructions(ctx.plan, ctx.backend) ? "instructions" : "host"}};
  BenchSamples head_samples, base_samples;
  std::string base_commit;
  bool interleaved = false;
  Status measured;
  std::map<std::string, MetricComparison> verdicts;
  if (!options.base_commit.empty() && options.base_commit != p.commit) {
    // A pull request: build the base too and measure both interleaved.
    PipelineRecord base_pipeline = p;
    base_pipeline.commit = options.base_commit;
    base_pipeline.dirty = false;
    auto image =
        CheckoutAndBuild(ctx.env, base_pipeline, ctx.plan, ctx.workspace + "-base", ctx.cancel);
    if (!image.ok()) {
      measured = Status(image.status()).WithContext("base " + ShortCommit(options.base_commit));
    } else {
      BenchSubject base{ShortCommit(options.base_commit), options.base_commit, ctx.plan, *image,
                        ctx.workspace + "-base",          &ctx.backend};
      auto result = CompareInterleaved(*ctx.env.runner, base, head, metrics, directions, compare,
                                       nullptr, ctx.cancel);
      if (result.ok()) {
        head_samples = result->head;
        base_samples = result->base;
        verdicts = result->metrics;
        base_commit = options.base_commit;
        interleaved = true;
      } else {
        measured = result.status();
      }
    }
  } else {
    std::vector<BenchSamples> samples;
    measured = RunInterleaved(*ctx.env.runner, {head}, compare.runs, metrics, &samples, nullptr,
                              ctx.cancel);
    if (measured.ok()) head_samples = samples[0];
  }
  step.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - started)
                         .count();
  if (!measured.ok()) {
    step.outcome = measured.code() == Status::Code::kCancelled ? "infra" : "failed";
    step.cause = measured.message();
    step.detail_json = detail.dump();
    ctx.record(step);
    if (measured.code() == Status::Code::kCancelled) return {JobState::kCancelled, "cancelled"};
    return {JobState::kFailed, step.cause};
  }
  // Store the samples (never for a dirty work tree: it is no commit).
  std::vector<SampleRecord> rows;
  if (!p.dirty) rows = ToRecords(ctx, p.commit, head_samples, host);
  if (interleaved) {
    auto base_rows = ToRecords(ctx, base_commit, base_samples, host);
    rows.insert(rows.end(), base_rows.begin(), base_rows.end());
  }
  if (Status s = ctx.env.store->AddSamples(rows); !s.ok() && !rows.empty())
    ctx.env.progress->Message("warning: bench samples not stored: " + s.ToString());
  if (!interleaved) {
    auto [commit, samples] = StoredBase(ctx, metrics, host);
    base_commit = commit;
    base_samples = samples;
    for (const std::string& m : metrics) {
      if (base_commit.empty()) break;
      verdicts[m] = CompareSamples(base_samples.values[m], head_samples.values[m],
                                   VerdictFor(VerdictOptions{}, directions, m));
    }
  }
  // Verdicts, warnings, failure.
  nlohmann::json values = nlohmann::json::object();
  for (const auto& [m, v] : head_samples.values) values[m] = SummaryJson(v, head_samples.units[m]);
  detail["metrics"] = values;
  std::string warning, failure;
  const auto threshold = ctx.plan.bench->fail_on_regression;
  if (!base_commit.empty()) {
    detail["base"] = {{"commit", base_commit}, {"interleaved", interleaved}};
    nlohmann::json comparisons = nlohmann::json::object();
    const std::string reproducer = CompareReproducer(
        ctx.env.self_command, p.repo, ShortCommit(base_commit),
        p.dirty ? "HEAD" : ShortCommit(p.commit), ctx.plan, ctx.env.reproducer_flags);
    int regressions = 0;  // metrics that got slower (cirun_regressions_total counts them)
    for (const std::string& m : metrics) {
      const MetricComparison& c = verdicts.at(m);
      comparisons[m] = ComparisonJson(c, head_samples.units[m]);
      if (c.verdict != PerfVerdict::kSlower) continue;
      ++regressions;
      const std::string what = m + " " + FormatPercent(c.ratio) + " vs " +
                               ShortCommit(base_commit) +
                               (interleaved ? "" : " (stored samples, not interleaved)");
      if (SlowerBeyond(c, threshold))
        failure += (failure.empty() ? "slower beyond fail-on-regression: " : ", ") + what;
      else
        warning += (warning.empty() ? "slower: " : ", ") + what;
      if (p.dirty) continue;  // a work tree's change has no commit to blame
      const ChangeSite site{
          p.repo, host, p.commit, base_commit, "pipeline " + std::to_string(p.id), reproducer};
      if (Status st = RecordPerfChange(*ctx.env.store, site, ctx.plan, m, c, head_samples.units[m]);
          !st.ok())
        warning += (warning.empty() ? "" : "; ") + st.message();
    }
    detail["comparisons"] = comparisons;
    detail["regressions"] = regressions;
    if (!warning.empty() || !failure.empty()) detail["reproducer"] = reproducer;
  } else {
    detail["base"] = nullptr;
  }
  if (!warning.empty())
    detail["warning"] = warning + "; confirm with " + detail["reproducer"].get<std::string>();
  step.outcome = failure.empty() ? "passed" : "failed";
  step.cause = failure.empty() ? warning : failure;
  step.detail_json = detail.dump();
  ctx.record(step);
  if (!failure.empty()) return {JobState::kFailed, failure};
  return {};
}

}  // namespace cirun
