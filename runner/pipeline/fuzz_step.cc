#include "runner/pipeline/fuzz_step.h"

#include <nlohmann/json.hpp>

#include "harness/fuzz_campaign.h"
#include "runner/common/byte_text.h"
#include "runner/common/paths.h"
#include "runner/pipeline/fuzz_corpus_store.h"
#include "runner/pipeline/job_executor.h"
#include "runner/pipeline/pipeline_options.h"
#include "runner/pipeline/reproducer.h"

namespace cirun {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

std::string Dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<std::vector<BootvarKey>> Keys(const FuzzSpec& spec) {
  std::vector<BootvarKey> keys;
  for (const FuzzKey& k : spec.keys) {
    Result<BootvarType> type = ParseBootvarType(k.type);
    if (!type.ok()) return type.status().WithContext("fuzz key " + k.name);
    keys.push_back({k.name, *type});
  }
  return keys;
}

std::string FindingsCause(const std::vector<FuzzFinding>& findings) {
  std::string cause =
      std::to_string(findings.size()) + " finding" + (findings.size() == 1 ? "" : "s") + ":";
  for (size_t i = 0; i < findings.size(); ++i) {
    cause += std::string(i ? ";" : "") + " " + BootOutcomeName(findings[i].outcome) + " with " +
             AbbreviateCommandLine(findings[i].input.CommandLine(), 60);
  }
  return cause;
}

json FindingJson(const FuzzFinding& f, const std::string& reproducer,
                 const std::string& boot_reproducer) {
  json tail = json::array();
  for (const std::string& line : f.console_tail) tail.push_back(EscapeBytes(line));
  return {{"outcome", BootOutcomeName(f.outcome)},
          {"signature", f.signature},
          {"cause", f.cause},
          {"command_line", EscapeBytes(f.input.CommandLine())},
          {"command_line_display", AbbreviateCommandLine(f.input.CommandLine())},
          {"original", EscapeBytes(f.original.CommandLine())},
          {"origin", f.original.origin},
          {"first_input", f.first_input},
          {"hits", f.hits},
          {"minimise_boots", f.minimise_boots},
          {"minimal", f.minimal},
          {"console_tail", tail},
          {"reproducer", reproducer},
          {"boot_reproducer", boot_reproducer}};
}

json CoverageJson(const FuzzCampaignResult& r) {
  if (!r.coverage) return {{"enabled", false}, {"note", r.coverage_note}};
  json growth = json::array();
  for (const auto& [boots, blocks] : r.coverage_growth) growth.push_back({boots, blocks});
  return {{"enabled", true},
          {"calibration_blocks", r.calibration_ids},
          {"blocks", r.covered_ids},
          {"growth", growth},
          {"corpus", r.corpus.size()},
          {"seed_inputs", r.seed_inputs},
          {"corpus_inputs", r.corpus_inputs}};
}

json CampaignJson(const FuzzCampaignResult& r, const FuzzCampaignConfig& c) {
  return {{"seed", c.seed},
          {"budget_boots", c.boots},
          {"budget_ms", c.time.count()},
          {"jobs", c.jobs},
          {"inputs", r.inputs},
          {"boots", r.boots},
          {"not_representable", r.not_representable},
          {"outcomes", r.outcomes},
          {"raw_findings", r.raw_findings},
          {"calibration_boots", r.calibration_boots},
          {"minimise_boots", r.minimise_boots},
          {"confirm_boots", r.confirm_boots},
          {"dropped_slow", r.dropped_slow},
          {"normal_boot_ms", r.normal_boot.count()},
          {"hang_timeout_ms", r.hang_timeout.count()},
          {"hung_boots", r.hung_boots},
          {"hang_overrun_max_ms", r.hang_overrun_max.count()},
          {"fuzz_ms", r.fuzz_time.count()},
          {"boots_per_s", r.BootsPerSecond()},
          {"coverage", CoverageJson(r)}};
}

}  // namespace

std::string WithFuzzOptions(const std::string& options_json, const FuzzPipelineOptions& o) {
  json fuzz = {{"enabled", o.enabled}, {"seed", o.seed}};
  if (o.boots) fuzz["boots"] = *o.boots;
  if (o.time) fuzz["time_ms"] = o.time->count();
  if (o.jobs) fuzz["jobs"] = *o.jobs;
  if (!o.coverage) fuzz["coverage"] = false;
  if (!o.corpus) fuzz["corpus"] = false;
  return WithPipelineOptionsSection(options_json, "fuzz", std::move(fuzz));
}

FuzzPipelineOptions ReadFuzzOptions(const std::string& options_json) {
  FuzzPipelineOptions o;
  const json f = PipelineOptionsSection(options_json, "fuzz");
  if (f.contains("enabled") && f["enabled"].is_boolean()) o.enabled = f["enabled"].get<bool>();
  if (f.contains("seed") && f["seed"].is_number_unsigned()) o.seed = f["seed"].get<uint64_t>();
  if (f.contains("boots") && f["boots"].is_number_integer() && f["boots"].get<int>() > 0)
    o.boots = f["boots"].get<int>();
  if (f.contains("time_ms") && f["time_ms"].is_number_integer())
    o.time = milliseconds(f["time_ms"].get<int64_t>());
  if (f.contains("jobs") && f["jobs"].is_number_integer() && f["jobs"].get<int>() > 0)
    o.jobs = f["jobs"].get<int>();
  if (f.contains("coverage") && f["coverage"].is_boolean()) o.coverage = f["coverage"].get<bool>();
  if (f.contains("corpus") && f["corpus"].is_boolean()) o.corpus = f["corpus"].get<bool>();
  return o;
}

FuzzStep::FuzzStep(int parallel_boots, bool progress_lines)
    : parallel_boots_(std::max(1, parallel_boots)),
      progress_lines_(progress_lines),
      slots_(parallel_boots) {}

bool FuzzStep::Wanted(const JobPlan& plan, const PipelineRecord& pipeline) const {
  return plan.fuzz.has_value() && !plan.boots.empty() && !plan.boots[0].raw_command_line &&
         ReadFuzzOptions(pipeline.options_json).enabled;
}

JobStepResult FuzzStep::Run(JobStepContext& ctx) const {
  const FuzzSpec& spec = *ctx.plan.fuzz;
  const BootCase& boot = ctx.plan.boots[0];
  const FuzzPipelineOptions options = ReadFuzzOptions(ctx.claimed.pipeline.options_json);
  const JobRecord& job = ctx.claimed.job;
  ctx.started("fuzz");

  StepRecord step;
  step.name = "fuzz";
  if (std::string skip = MainBootSkipReason(ctx.plan, "fuzzing"); !skip.empty()) {
    step.outcome = "skipped";
    step.cause = skip;
    ctx.record(step);
    return {JobState::kPassed, ""};
  }
  FuzzCampaignConfig config;
  config.image = ctx.image;
  config.work_dir = ctx.workspace;
  config.instance_prefix =
      "ci-run-fuzz-" + std::to_string(job.id) + "-" + std::to_string(job.attempt);
  config.base_args = boot.args;
  config.expect = boot.expect;
  config.fail = boot.fail;
  config.exit_codes = boot.exit_codes;
  config.boot_timeout = boot.timeout;
  config.seed = options.seed;
  config.boots = options.boots.value_or(spec.boots);
  config.time = options.time.value_or(spec.time);
  config.jobs = options.jobs.value_or(parallel_boots_);
  config.shared_slots = &slots_;
  step.command = FuzzReproducer(ctx.env.self_command, ctx.claimed.pipeline, job, config.boots,
                                config.time, config.seed, ctx.env.reproducer_flags);
  Result<std::vector<BootvarKey>> keys = Keys(spec);
  if (!keys.ok()) {
    step.outcome = "infra";
    step.cause = keys.status().message();
    ctx.record(step);
    return {JobState::kInfra, step.cause};
  }
  config.keys = *keys;
  // Coverage and the stored corpus (per repository and unikernel).
  const FuzzCorpusStore corpus(options.corpus ? ctx.env.cache_dir : "", ctx.claimed.pipeline.repo,
                               job.unikernel);
  std::string coverage_log;
  if (options.coverage) {
    // The campaign says why when the target cannot use it (unix, Solo5 tenders).
    Result<std::string> plugin = FindCoveragePlugin();
    if (plugin.ok()) {
      config.coverage_plugin = *plugin;
      std::vector<std::string> warnings;
      if (ctx.backend.CollectsCoverage()) config.seeds = corpus.Load(job.cell_key, &warnings);
      for (const std::string& w : warnings) coverage_log += "stored corpus: " + w + "\n";
    } else {
      coverage_log += "coverage off: " + plugin.status().message() + "\n";
    }
  } else if (!options.coverage) {
    coverage_log += "coverage off: --no-coverage\n";
  }

  std::string last_phase;
  int last_tenth = 0;
  auto progress = [&](const FuzzProgress& p) {
    const std::string phase = p.phase;
    const std::string counts = std::to_string(p.done) + "/" + std::to_string(p.total);
    ctx.started(phase == "fuzz" ? "fuzz " + counts : "fuzz: " + phase);
    if (!progress_lines_) return;
    const int tenth = p.total > 0 ? p.done * 10 / p.total : 0;
    if (phase == last_phase && (phase != "fuzz" || tenth == last_tenth)) return;
    last_phase = phase;
    last_tenth = tenth;
    const std::string findings =
        std::to_string(p.findings) + " finding" + (p.findings == 1 ? "" : "s") + " so far";
    ctx.env.progress->Message(job.name + ": " +
                              (phase == "fuzz" ? "fuzz " + counts + " inputs, " + findings
                                               : "fuzz: " + phase + " (" + findings + ")"));
  };
  const FuzzCampaignResult r =
      RunFuzzCampaign(config, ctx.backend, *ctx.env.runner, ctx.cancel, progress);

  json detail = CampaignJson(r, config);
  if (!options.coverage) detail["coverage"]["note"] = "--no-coverage";
  if (r.coverage && r.status.ok()) {
    detail["coverage"]["stored_seeds"] = config.seeds.size();
    std::vector<FuzzInput> keep = r.corpus;  // and the stored seeds the budget left unbooted
    keep.insert(keep.end(),
                config.seeds.begin() + std::min<size_t>(r.seed_inputs, config.seeds.size()),
                config.seeds.end());
    if (Status saved = corpus.Save(job.cell_key, keep); !saved.ok())
      coverage_log += "cannot store the corpus: " + saved.message() + "\n";
  }
  json findings = json::array();
  for (const FuzzFinding& f : r.findings) {
    BootCase again = boot;
    again.raw_command_line = f.input.CommandLine();
    const std::string reproducer =
        CommandLineReproducer(ctx.env.self_command, ctx.claimed.pipeline, job,
                              f.input.CommandLine(), ctx.env.reproducer_flags);
    const std::string boot_reproducer = BootReproducer(
        ctx.env.self_command, ctx.image, ctx.plan.target, again, ctx.env.reproducer_flags);
    findings.push_back(FindingJson(f, reproducer, boot_reproducer));
    FindingRecord record;
    record.job_id = job.id;
    record.attempt = job.attempt;
    record.repo = ctx.claimed.pipeline.repo;
    record.commit = ctx.claimed.pipeline.commit;
    record.unikernel = job.unikernel;
    record.cell_key = job.cell_key;
    record.signature = f.signature;
    record.outcome = BootOutcomeName(f.outcome);
    record.cause = f.cause;
    record.command_line = EscapeBytes(f.input.CommandLine());
    record.original = EscapeBytes(f.original.CommandLine());
    record.reproducer = reproducer;
    record.boot_reproducer = boot_reproducer;
    record.hits = f.hits;
    record.seed = static_cast<int64_t>(config.seed);
    if (auto added = ctx.env.store->AddFinding(record); !added.ok()) {
      ctx.env.progress->Message("warning: cannot record a fuzz finding: " +
                                added.status().ToString());
    }
  }
  detail["findings"] = findings;
  step.detail_json = Dump(detail);
  step.duration_ms = r.total_time.count();
  step.log = coverage_log + r.log;

  JobStepResult result;
  if (r.status.code() == Status::Code::kCancelled) {
    step.outcome = "infra";
    step.cause = "cancelled";
    result = {JobState::kCancelled, "cancelled"};
  } else if (r.status.code() == Status::Code::kFailedPrecondition) {
    step.outcome = "failed";
    step.cause = r.status.message();
    result = {JobState::kFailed, step.cause};
  } else if (!r.status.ok()) {
    step.outcome = "infra";
    step.cause = r.status.message();
    result = {JobState::kInfra, step.cause};
  } else if (!r.findings.empty()) {
    step.outcome = "failed";
    step.cause = FindingsCause(r.findings);
    result = {JobState::kFailed, step.cause};
  } else {
    step.outcome = "passed";
  }
  ctx.record(step);
  return result;
}

}  // namespace cirun
