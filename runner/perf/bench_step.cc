#include "runner/perf/bench_step.h"

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include "harness/sample_stats.h"
#include "runner/perf/bench_measurement.h"
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

// What the bench step measured: the head's samples and, once a base is
// known, the base's and a verdict per metric.
struct BenchMeasurement {
  BenchSamples head, base;
  std::string base_commit;   // "": no base (yet)
  bool interleaved = false;  // the base was built and measured with the head
  std::map<std::string, MetricComparison> verdicts;
  std::string undecided_note;  // UndecidedNote: measuring stopped on the exact metrics
};

// The metrics, their directions and the runs of one job's bench.
struct BenchSetup {
  std::string host;
  std::vector<std::string> metrics;
  std::map<std::string, bool> directions;
  CompareOptions compare;
};

// Measures the head; for a pull request (options.base_commit) builds the base
// too and measures both interleaved, with a verdict per metric.
Result<BenchMeasurement> Measure(JobStepContext& ctx, const BenchSetup& b,
                                 const BenchPipelineOptions& options) {
  const PipelineRecord& p = ctx.claimed.pipeline;
  BenchSubject head{p.dirty ? "work tree" : ShortCommit(p.commit),
                    p.dirty ? "" : p.commit,
                    ctx.plan,
                    ctx.image,
                    ctx.workspace,
                    &ctx.backend};
  BenchMeasurement m;
  if (options.base_commit.empty() || options.base_commit == p.commit) {
    std::vector<BenchSamples> samples;
    CIRUN_RETURN_IF_ERROR(RunInterleaved(*ctx.env.runner, {head}, b.compare.runs, b.metrics,
                                         &samples, nullptr, ctx.cancel));
    m.head = samples[0];
    return m;
  }
  PipelineRecord base_pipeline = p;
  base_pipeline.commit = options.base_commit;
  base_pipeline.dirty = false;
  auto image =
      CheckoutAndBuild(ctx.env, base_pipeline, ctx.plan, ctx.workspace + "-base", ctx.cancel);
  if (!image.ok())
    return Status(image.status()).WithContext("base " + ShortCommit(options.base_commit));
  BenchSubject base{ShortCommit(options.base_commit), options.base_commit, ctx.plan, *image,
                    ctx.workspace + "-base",          &ctx.backend};
  auto result = CompareInterleaved(*ctx.env.runner, base, head, b.metrics, b.directions, b.compare,
                                   nullptr, ctx.cancel);
  if (!result.ok()) return result.status();
  m.head = result->head;
  m.base = result->base;
  m.verdicts = result->metrics;
  m.undecided_note = UndecidedNote(*result, b.compare.deciding);
  m.base_commit = options.base_commit;
  m.interleaved = true;
  return m;
}

// Stores the samples measured (never a dirty work tree's: it is no commit).
void StoreSamples(JobStepContext& ctx, const BenchMeasurement& m, const std::string& host) {
  const PipelineRecord& p = ctx.claimed.pipeline;
  std::vector<SampleRecord> rows;
  if (!p.dirty) rows = ToRecords(ctx, p.commit, m.head, host);
  if (m.interleaved) {
    auto base_rows = ToRecords(ctx, m.base_commit, m.base, host);
    rows.insert(rows.end(), base_rows.begin(), base_rows.end());
  }
  if (Status s = ctx.env.store->AddSamples(rows); !s.ok() && !rows.empty())
    ctx.env.progress->Message("warning: bench samples not stored: " + s.ToString());
}

// Without an interleaved base: the stored samples of the nearest measured
// ancestor, and a verdict per metric against them.
void CompareWithStoredBase(const JobStepContext& ctx, const BenchSetup& b, BenchMeasurement* m) {
  std::tie(m->base_commit, m->base) = StoredBase(ctx, b.metrics, b.host);
  if (m->base_commit.empty()) return;
  for (const std::string& metric : b.metrics) {
    m->verdicts[metric] = CompareSamples(m->base.values[metric], m->head.values[metric],
                                         VerdictFor(VerdictOptions{}, b.directions, metric));
  }
}

// One line for the pipeline's summary: the base and every metric's verdict
// and change, improvements as well as slowdowns ("vs 3f2a1b9c5d2e (stored
// samples, not interleaved): cycles faster -6.0%, boot_ms inconclusive +1.2%").
std::string BenchSummaryLine(const BenchSetup& b, const BenchMeasurement& m) {
  std::string line = "vs " + ShortCommit(m.base_commit) +
                     (m.interleaved ? " (interleaved)" : " (stored samples, not interleaved)") +
                     ":";
  const char* sep = " ";
  for (const std::string& metric : b.metrics) {
    auto it = m.verdicts.find(metric);
    if (it == m.verdicts.end()) continue;
    line += sep + metric + " " + PerfVerdictName(it->second.verdict) + " " +
            FormatPercent(it->second.ratio);
    sep = ", ";
  }
  return line;
}

// The verdicts into `detail` (metrics, base, comparisons, regressions,
// reproducer, warning; summary, notes and host_clock for the pipeline's
// summary); each slower or faster metric recorded as a perf change. The
// failure (slower beyond fail-on-regression) or "" and the warning or "".
std::pair<std::string, std::string> Judge(JobStepContext& ctx, const BenchSetup& b,
                                          BenchMeasurement& m, nlohmann::json* detail) {
  const PipelineRecord& p = ctx.claimed.pipeline;
  nlohmann::json values = nlohmann::json::object();
  for (const auto& [metric, v] : m.head.values)
    values[metric] = SummaryJson(v, m.head.units[metric]);
  (*detail)["metrics"] = values;
  if (m.base_commit.empty()) {
    (*detail)["base"] = nullptr;
    return {};
  }
  std::string warning, failure;
  const auto threshold = ctx.plan.bench->fail_on_regression;
  (*detail)["base"] = {{"commit", m.base_commit}, {"interleaved", m.interleaved}};
  const ClockResolution resolution =
      HostClockResolution({&m.base, &m.head}, HostClockMetrics(ctx.plan, ctx.backend));
  (*detail)["host_clock"] = ResolutionJson(resolution);
  (*detail)["summary"] = BenchSummaryLine(b, m);
  nlohmann::json notes = nlohmann::json::array();
  for (const std::string& note : {ResolutionNote(resolution), m.undecided_note})
    if (!note.empty()) notes.push_back(note);
  (*detail)["notes"] = notes;
  nlohmann::json comparisons = nlohmann::json::object();
  const std::string reproducer = CompareReproducer(
      ctx.env.self_command, p.repo, ShortCommit(m.base_commit),
      p.dirty ? "HEAD" : ShortCommit(p.commit), ctx.plan, ctx.env.reproducer_flags);
  int regressions = 0;  // metrics that got slower (cirun_regressions_total counts them)
  for (const std::string& metric : b.metrics) {
    const MetricComparison& c = m.verdicts.at(metric);
    comparisons[metric] = ComparisonJson(c, m.head.units[metric]);
    const ChangeSite site{
        p.repo, b.host, p.commit, m.base_commit, "pipeline " + std::to_string(p.id), reproducer};
    if (c.verdict == PerfVerdict::kFaster && !p.dirty) {  // an improvement is a change too
      if (Status st =
              RecordPerfChange(*ctx.env.store, site, ctx.plan, metric, c, m.head.units[metric]);
          !st.ok())
        warning += (warning.empty() ? "" : "; ") + st.message();
    }
    if (c.verdict != PerfVerdict::kSlower) continue;
    ++regressions;
    const std::string what = metric + " " + FormatPercent(c.ratio) + " vs " +
                             ShortCommit(m.base_commit) +
                             (m.interleaved ? "" : " (stored samples, not interleaved)");
    if (SlowerBeyond(c, threshold))
      failure += (failure.empty() ? "slower beyond fail-on-regression: " : ", ") + what;
    else
      warning += (warning.empty() ? "slower: " : ", ") + what;
    if (p.dirty) continue;  // a work tree's change has no commit to blame
    if (Status st =
            RecordPerfChange(*ctx.env.store, site, ctx.plan, metric, c, m.head.units[metric]);
        !st.ok())
      warning += (warning.empty() ? "" : "; ") + st.message();
  }
  (*detail)["comparisons"] = comparisons;
  if (!m.undecided_note.empty()) (*detail)["undecided"] = m.undecided_note;
  (*detail)["regressions"] = regressions;
  if (!warning.empty() || !failure.empty()) (*detail)["reproducer"] = reproducer;
  if (!warning.empty()) (*detail)["warning"] = warning + "; confirm with " + reproducer;
  return {failure, warning};
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
  StepRecord step;
  step.name = "bench";
  if (std::string skip = MainBootSkipReason(ctx.plan, "benchmarks"); !skip.empty()) {
    step.outcome = "skipped";
    step.cause = skip;
    ctx.record(step);
    return {JobState::kPassed, ""};
  }
  // Phase 1: what to measure.
  BenchSetup b;
  b.host = SampleHost(PerfHostName(), ctx.plan, ctx.backend);
  b.metrics = BenchMetricNames(ctx.plan);
  b.directions = BenchDirections(ctx.plan);
  b.compare.runs = ctx.plan.bench->runs;
  b.compare.max_runs = 2 * ctx.plan.bench->runs;  // a pull request may double its runs
  b.compare.deciding = DecidingMetrics(ctx.plan, ctx.backend, ctx.plan.bench->decide);
  nlohmann::json detail = {
      {"host", b.host},
      {"runs", b.compare.runs},
      {"clock", CountsInstructions(ctx.plan, ctx.backend) ? "instructions" : "host"}};
  // Phase 2: measure (a pull request's base too, interleaved).
  auto measured = Measure(ctx, b, ReadBenchOptions(ctx.claimed.pipeline.options_json));
  step.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - started)
                         .count();
  if (!measured.ok()) {
    const bool cancelled = measured.status().code() == Status::Code::kCancelled;
    step.outcome = cancelled ? "infra" : "failed";
    step.cause = measured.status().message();
    step.detail_json = detail.dump();
    ctx.record(step);
    if (cancelled) return {JobState::kCancelled, "cancelled"};
    return {JobState::kFailed, step.cause};
  }
  BenchMeasurement& m = *measured;
  // Phase 3: store the samples; without an interleaved base, compare with
  // the stored samples of an ancestor.
  StoreSamples(ctx, m, b.host);
  if (!m.interleaved) CompareWithStoredBase(ctx, b, &m);
  // Phase 4: verdicts, warnings, failure.
  const auto [failure, warning] = Judge(ctx, b, m, &detail);
  step.outcome = failure.empty() ? "passed" : "failed";
  step.cause = failure.empty() ? warning : failure;
  step.detail_json = detail.dump();
  ctx.record(step);
  if (!failure.empty()) return {JobState::kFailed, failure};
  return {};
}

}  // namespace cirun
