#include "runner/cli/fuzz_command.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "runner/cli/local_command.h"
#include "runner/common/exit_code.h"
#include "runner/pipeline/fuzz_step.h"
#include "runner/pipeline/job_placement.h"
#include "runner/pipeline/pipeline_options.h"
#include "runner/pipeline/pipeline_report.h"
#include "runner/pipeline/step_detail.h"

namespace cirun {
namespace {

using nlohmann::json;

const StepRecord* FindStep(const JobReport& job, const std::string& name) {
  for (const StepRecord& s : job.steps)
    if (s.name == name) return &s;
  return nullptr;
}

StepDetail Detail(const StepRecord* step) {
  return step ? StepDetail::Parse(step->detail_json) : StepDetail();
}

std::string Outcomes(const StepDetail& outcomes) {
  std::string text;
  for (const std::string& name : outcomes.Keys())
    text +=
        (text.empty() ? "" : ", ") + std::to_string(outcomes.Int(name).value_or(0)) + " " + name;
  return text.empty() ? "none" : text;
}

// "coverage: 412 -> 431 blocks over 200 boots (+19; grew at boots 4, 18, ...),
// corpus 7 inputs (3 stored ones booted first)" or "coverage: off (why)".
std::string CoverageLine(const StepDetail& detail) {
  const StepDetail c = detail.Object("coverage");
  if (!c.Bool("enabled").value_or(false))
    return "coverage: off (" + c.String("note").value_or("") + ")";
  const int64_t start = c.Int("calibration_blocks").value_or(0), end = c.Int("blocks").value_or(0);
  const int64_t corpus = c.Int("corpus").value_or(0), seeds = c.Int("seed_inputs").value_or(0);
  std::string grew;
  int shown = 0;
  const auto found = c.Json().find("growth");
  const json growth = found != c.Json().end() && found->is_array() ? *found : json::array();
  for (const json& point : growth) {
    if (!point.is_array() || point.empty() || !point[0].is_number_integer()) continue;
    if (shown++ == 8) {
      grew += ", ...";
      break;
    }
    grew += (grew.empty() ? "" : ", ") + std::to_string(point[0].get<int>());
  }
  std::string line = "coverage: " + std::to_string(start) + " -> " + std::to_string(end) +
                     " blocks (+" + std::to_string(end - start) + ")";
  if (!grew.empty()) line += ", grew at inputs " + grew;
  line += "; corpus " + std::to_string(corpus) + " inputs";
  if (seeds > 0) line += " (" + std::to_string(seeds) + " stored ones booted first)";
  return line;
}

void PrintCampaign(const JobReport& job, const StepRecord& fuzz) {
  const StepDetail d = Detail(&fuzz);
  auto count = [&d](const char* key) { return static_cast<long long>(d.Int(key).value_or(0)); };
  const long long inputs = count("inputs"), boots = count("boots");
  printf("\n%s: fuzz: %lld inputs", job.job.name.c_str(), inputs);
  if (inputs != boots) {
    printf(" (%lld booted, %lld not representable on %s)", boots, inputs - boots,
           job.job.target.c_str());
  }
  printf(" in %.1fs: %.1f boots/s, %lld at once, seed %llu\n",
         d.Number("fuzz_ms").value_or(0) / 1000.0, d.Number("boots_per_s").value_or(0),
         count("jobs"), static_cast<unsigned long long>(d.Unsigned("seed").value_or(0)));
  printf("  hang timeout %lldms (normal boot %lldms); outcomes: %s\n", count("hang_timeout_ms"),
         count("normal_boot_ms"), Outcomes(d.Object("outcomes")).c_str());
  if (count("hung_boots") > 0) {
    printf("  hung boots: %lld, each stopped within %lldms of its timeout\n", count("hung_boots"),
           count("hang_overrun_max_ms"));
  }
  printf("  minimising: %lld boots, confirming hangs: %lld boots, slow boots dropped: %lld\n",
         count("minimise_boots"), count("confirm_boots"), count("dropped_slow"));
  printf("  %s\n", CoverageLine(d).c_str());
  const std::vector<StepDetail> findings = d.Objects("findings");
  if (fuzz.outcome != "passed" && findings.empty()) {
    printf("Fuzzing did not finish: %s\n", fuzz.cause.c_str());
    return;
  }
  if (findings.empty()) {
    printf("No findings: every hostile input was rejected cleanly or accepted.\n");
    return;
  }
  printf("%zu finding%s:\n", findings.size(), findings.size() == 1 ? "" : "s");
  int n = 0;
  for (const StepDetail& f : findings) {
    auto text = [&f](const char* key) { return f.String(key).value_or(""); };
    const long long hits = f.Int("hits").value_or(0);
    printf("  %d. %s\n", ++n, text("signature").c_str());
    printf("     cause:      %s\n", text("cause").c_str());
    printf("     minimised:  %s%s  (%lld input%s showed it; first: input %lld, %s)\n",
           text("command_line_display").c_str(),
           f.Bool("minimal").value_or(true) ? "" : " (minimisation budget spent)", hits,
           hits == 1 ? "" : "s", static_cast<long long>(f.Int("first_input").value_or(0)),
           text("origin").c_str());
    printf("     reproduce:  %s\n", text("reproducer").c_str());
    printf("     boot again: %s\n", text("boot_reproducer").c_str());
  }
}

Status WriteJson(const std::string& path, const PipelineReport& report, const JobReport& job) {
  const StepDetail detail = Detail(FindStep(job, "fuzz"));
  const StepDetail boot = Detail(FindStep(job, "boot"));
  json out = {{"pipeline", report.pipeline.id},
              {"repo", report.pipeline.repo},
              {"commit", report.pipeline.commit},
              {"job", job.job.name},
              {"unikernel", job.job.unikernel},
              {"cell", job.job.cell_key},
              {"state", JobStateName(job.job.state)},
              {"cause", job.job.cause},
              {"boot_command", boot.String("command").value_or("")},
              {"fuzz", detail.Json()}};
  std::ofstream file(path);
  file << out.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  return file ? Status::Ok() : Status::IoError("cannot write " + path);
}

}  // namespace

int RunFuzzCommand(const FuzzCommandOptions& o) {
  LocalOptions local;
  local.location = o.location;
  local.rev = o.rev;
  local.only = o.only;
  local.unikernels = {o.unikernel};
  local.run = o.run;
  local.keep_workspaces = o.keep_workspaces;
  LocalPlan plan;
  if (int rc = PrepareLocalPlan(local, &plan); rc != 0) return rc;
  if (plan.plans.size() != 1) {
    std::string names;
    for (const JobPlan& p : plan.plans) names += "\n  " + p.Name();
    return ReportError("ci-run fuzz",
                       Status::InvalidArgument("--unikernel and --only select " +
                                               std::to_string(plan.plans.size()) +
                                               " jobs; ci-run fuzz fuzzes one cell, pick it with "
                                               "--only:" +
                                               names));
  }
  JobPlan& job = plan.plans[0];
  if (!job.fuzz) {
    job.fuzz = FuzzSpec{};
    printf("%s has no fuzz: section: no typed keys, mutating its boot arguments only\n",
           job.unikernel.c_str());
  }
  job.boots.resize(1);  // the main boot; fuzzing does not need the tests
  std::vector<JobInfo> jobs =
      JobsForHost(plan.plans, plan.host, *plan.probe, RealProcessRunner(), /*check_host=*/true);
  if (jobs[0].state == JobState::kSkipped) {
    return ReportError(
        "ci-run fuzz",
        Status::InvalidArgument(jobs[0].name + " cannot run on this host: " + jobs[0].cause));
  }
  FuzzPipelineOptions fuzz;
  fuzz.seed = o.seed;
  if (o.boots > 0) fuzz.boots = o.boots;
  if (o.seconds > 0) fuzz.time = std::chrono::seconds(o.seconds);
  fuzz.coverage = !o.no_coverage;
  fuzz.corpus = !o.no_corpus;
  fuzz.jobs =
      o.jobs > 0 ? o.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  FuzzStep step(*fuzz.jobs, /*progress_lines=*/true);
  printf("Fuzzing %s: %d inputs%s, %d boots at once, seed %llu\n", jobs[0].name.c_str(),
         fuzz.boots.value_or(job.fuzz->boots),
         o.seconds > 0 ? (" or " + std::to_string(o.seconds) + "s").c_str() : "", *fuzz.jobs,
         static_cast<unsigned long long>(o.seed));
  bool interrupted = false;
  auto run =
      RunLocalJobs(local, plan, jobs, WithFuzzOptions(PipelineOptionsJson(plan.config), fuzz),
                   {&step}, /*slots=*/1, &interrupted);
  if (!run.ok()) return ReportError("ci-run fuzz", run.status());

  auto report = LoadPipelineReport(*run->store, run->pipeline_id);
  if (!report.ok() || report->jobs.size() != 1) {
    return ReportError("ci-run fuzz",
                       report.ok() ? Status::Internal("the pipeline has no job") : report.status());
  }
  const JobReport& result = report->jobs[0];
  if (const StepRecord* fuzz_step = FindStep(result, "fuzz")) {
    PrintCampaign(result, *fuzz_step);
  } else {
    printf("\n%s: %s, nothing was fuzzed: %s\n  reproduce: %s\n", result.job.name.c_str(),
           JobStateName(result.job.state), result.job.cause.c_str(), result.job.reproducer.c_str());
  }
  if (!o.json.empty()) {
    if (Status s = WriteJson(o.json, *report, result); !s.ok())
      fprintf(stderr, "ci-run fuzz: %s\n", s.message().c_str());
  }
  if (interrupted) {
    fprintf(stderr, "ci-run fuzz: interrupted; every VM was stopped\n");
    return kExitInterrupted;
  }
  // A cell skipped on this host fuzzed nothing: that is not a pass here.
  if (result.job.state == JobState::kSkipped) return kExitFailed;
  return ExitCodeForStates({result.job.state});
}

void SetupFuzzCommand(CLI::App* sub, int* exit_code) {
  auto o = std::make_shared<FuzzCommandOptions>();
  sub->add_option("location", o->location, "work tree, repository path or URL (default: .)");
  sub->add_option("--rev", o->rev, "commit, branch or tag (default: the work tree as it is)");
  sub->add_option("--unikernel", o->unikernel, "the unikernel to fuzz")->required();
  sub->add_option("--only", o->only, "select the cell, e.g. compiler=gcc,target=virtio")
      ->allow_extra_args(false);
  sub->add_option("--boots", o->boots, "inputs to try (default: the unikernel's fuzz: boots)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--seconds", o->seconds, "stop starting inputs after S seconds")
      ->check(CLI::PositiveNumber);
  sub->add_option("--seed", o->seed, "the seed: the same seed tries the same inputs (default 1)");
  sub->add_option("-j,--jobs", o->jobs, "boots at once (default: number of cores)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--json", o->json, "write the campaign and its findings to FILE");
  AddRunFlags(sub, &o->run);
  sub->add_flag("--no-coverage", o->no_coverage,
                "fuzz blind, without the QEMU coverage plugin (for comparisons)");
  sub->add_flag("--no-corpus", o->no_corpus,
                "do not start from the unikernel's stored corpus, nor store one");
  sub->add_flag("--keep-workspaces", o->keep_workspaces,
                "keep the workspace and its image also when nothing was found");
  sub->callback([o, exit_code] { *exit_code = RunFuzzCommand(*o); });
}

}  // namespace cirun
