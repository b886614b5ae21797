#include "runner/pipeline/job_executor.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "harness/boot.h"
#include "runner/common/byte_text.h"
#include "runner/common/shell_quote.h"
#include "runner/pipeline/case_runs.h"
#include "runner/pipeline/image_build.h"
#include "runner/pipeline/job_manifest_probe.h"
#include "runner/pipeline/job_sandbox.h"
#include "runner/pipeline/job_spec_json.h"
#include "runner/pipeline/reproducer.h"
#include "runner/pipeline/secret_redaction.h"
#include "runner/pipeline/workspace_room.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// State carried through one job's steps.
struct JobRun {
  const ClaimedJob& claimed;
  const CancelToken* cancel;
  JobPlan plan;
  std::string workspace;  // the checkout
  std::string build_dir;  // workspace / plan.path
  std::string image;      // absolute image path
};

class StepRecorder {
 public:
  StepRecorder(const JobEnvironment& env, const JobRecord& job) : env_(env), job_(job) {}
  void Start(const std::string& name) { env_.progress->StepStarted(job_, name); }
  void Finish(StepRecord step) {
    for (std::string* text :
         {&step.log, &step.cause, &step.command, &step.detail_json, &step.excerpt})
      RedactSecrets(env_.secrets, text);
    step.job_id = job_.id;
    step.attempt = job_.attempt;
    Status s = env_.store->AddStep(step);
    if (!s.ok()) env_.progress->Message("warning: cannot record step: " + s.ToString());
    env_.progress->StepFinished(job_, step);
  }

 private:
  const JobEnvironment& env_;
  const JobRecord& job_;
};

// A boot's console as it streams, written to the store's live log (for
// the dashboard) on output, at most once a second; cleared once the step
// is recorded. Store errors only cost the live view, never the job.
class LiveConsole {
 public:
  LiveConsole(const JobEnvironment& env, const JobRecord& job, std::string step)
      : env_(env), job_(job), step_(std::move(step)) {}
  // Store errors only cost the live view (above).
  ~LiveConsole() { env_.store->ClearLiveLog(job_.id).IgnoreError(); }
  LiveConsole(const LiveConsole&) = delete;
  LiveConsole& operator=(const LiveConsole&) = delete;

  /// Starts over (a retried boot).
  void Reset() {
    text_.clear();
    cut_ = 0;
    last_ = {};
  }

  ConsoleObserver Observer() {
    return [this](std::string_view chunk) { Add(chunk); };
  }

 private:
  void Add(std::string_view chunk) {
    text_.append(chunk);
    if (text_.size() > 2 * kStoredLogCap) {
      cut_ += text_.size() - kStoredLogCap;
      text_.erase(0, text_.size() - kStoredLogCap);
    }
    const auto now = std::chrono::steady_clock::now();
    if (last_ != std::chrono::steady_clock::time_point{} && now - last_ < std::chrono::seconds(1))
      return;
    last_ = now;
    LiveLog log{job_.id, job_.attempt, step_, Tail(text_, kStoredLogCap), 0};
    if (cut_ > 0) log.text = "[... " + std::to_string(cut_) + " bytes cut ...]\n" + log.text;
    RedactSecrets(env_.secrets, &log.text);
    env_.store->SetLiveLog(log).IgnoreError();  // only the live view
  }

  const JobEnvironment& env_;
  const JobRecord& job_;
  const std::string step_;
  std::string text_;
  size_t cut_ = 0;
  std::chrono::steady_clock::time_point last_{};
};

// Returns nullopt if the build produced the image, else the job's result.
std::optional<JobResult> BuildStep(const JobEnvironment& env, JobRun& run, StepRecorder& steps) {
  steps.Start("build");
  ImageBuild build =
      BuildImage(env, run.claimed.pipeline, run.plan, run.build_dir, run.image, run.cancel);
  steps.Finish(build.step);
  return build.failure;
}

nlohmann::json BootDetail(const BootResult& r) {
  nlohmann::json metrics = nlohmann::json::object();
  for (const BootMetric& m : r.metrics) metrics[m.name] = {{"value", m.value}, {"unit", m.unit}};
  nlohmann::json d = {{"total_ms", r.total.count()},
                      {"image_bytes", r.image_bytes},
                      {"metrics", metrics},
                      {"command", ShellJoin(r.command)},
                      {"note", r.note},
                      {"process", r.process.Describe()}};
  if (r.guest_exit) d["guest_exit"] = *r.guest_exit;
  return d;
}

// A case's first run that counts (infra retried once), and its reruns.
struct CaseResult {
  BootResult first;
  CaseRuns runs;
};

// Runs a case whose first run did not pass `reruns` more times: a rerun
// that passes makes it flaky. Infra reruns are not counted.
void RerunCase(const JobEnvironment& env, JobRun& run, const BootRequest& request,
               const BootBackend& backend, const std::string& step_name, CaseResult& c) {
  const int reruns = run.plan.failures.reruns;
  for (int i = 1; i <= reruns; ++i) {
    if (run.cancel && run.cancel->cancelled()) return;
    env.progress->Message(run.claimed.job.name + ": " + step_name + ": " +
                          BootOutcomeName(c.first.outcome) + ", running it again (" +
                          std::to_string(i) + " of " + std::to_string(reruns) + ")");
    BootResult again = Boot(request, backend, *env.runner, run.cancel);
    if (again.outcome != BootOutcome::kInfra) c.runs.outcomes.push_back(again.outcome);
  }
}

// Keeps a case's runs in the store, for its pass rate per branch.
void RecordCaseRuns(const JobEnvironment& env, const JobRun& run, const std::string& case_name,
                    const std::string& outcome, const CaseRuns& runs) {
  if (runs.runs() == 0) return;  // infra: nothing ran that counts
  const PipelineRecord& p = run.claimed.pipeline;
  const JobRecord& job = run.claimed.job;
  CaseRunRecord r{job.id,       job.attempt, p.repo,  p.ref,       p.commit,      job.unikernel,
                  job.cell_key, case_name,   outcome, runs.runs(), runs.passes(), 0};
  Status s = env.store->AddCaseRun(r);
  if (!s.ok() && s.code() != Status::Code::kUnavailable)
    env.progress->Message("warning: cannot record the runs of " + case_name + ": " + s.ToString());
}

// Boots one case; returns its result (infra retried once; a case that did
// not pass is run again, RerunCase).
CaseResult BootCaseStep(const JobEnvironment& env, JobRun& run, const BootCase& boot,
                        const BootBackend& backend, StepRecorder& steps,
                        const std::string& step_name, int index) {
  BootRequest request;
  request.image = run.image;
  request.args = boot.args;
  request.raw_command_line = boot.raw_command_line;
  request.expect = boot.expect;
  request.fail = boot.fail;
  request.timeout = boot.timeout;
  request.exit_codes = boot.exit_codes;
  // Validated by the parser; an unknown name (a newer spec) expects a plain pass.
  request.expected_outcome = ParseBootOutcome(boot.outcome).value_or(BootOutcome::kPassed);
  request.work_dir = run.workspace;
  request.instance_name = "ci-run-" + std::to_string(run.claimed.job.id) + "-" +
                          std::to_string(run.claimed.job.attempt) + "-" + std::to_string(index);
  steps.Start(step_name);
  LiveConsole live(env, run.claimed.job, step_name);
  BootResult result = Boot(request, backend, *env.runner, run.cancel, live.Observer());
  if (result.outcome == BootOutcome::kInfra && !(run.cancel && run.cancel->cancelled())) {
    env.progress->Message(run.claimed.job.name + ": " + step_name + ": infra failure (" +
                          result.cause + "), retrying once");
    live.Reset();
    result = Boot(request, backend, *env.runner, run.cancel, live.Observer());
  }
  CaseResult c{result, {}};
  if (index == 0 && result.outcome == BootOutcome::kPassed && env.boot_passed &&
      !PipelineUntrusted(run.claimed.pipeline))
    env.boot_passed(run.plan.target, request);
  if (result.outcome != BootOutcome::kInfra) c.runs.outcomes.push_back(result.outcome);
  if (CaseRuns::WantsRerun(result.outcome)) RerunCase(env, run, request, backend, step_name, c);
  StepRecord step;
  step.name = step_name;
  step.outcome = CaseOutcomeName(c.runs);
  if (result.outcome == BootOutcome::kInfra) step.outcome = BootOutcomeName(result.outcome);
  step.cause = c.runs.flaky() ? FlakyCause(c.runs, result.cause) : result.cause;
  step.duration_ms = result.total.count();
  if (result.first_byte) step.first_byte_ms = result.first_byte->count();
  if (result.success) step.success_ms = result.success->count();
  step.command = ShellJoin(result.command);
  step.log = Tail(result.console, kStoredLogCap);
  step.excerpt = result.excerpt;
  nlohmann::json detail = BootDetail(result);
  detail["reproducer"] =
      BootReproducer(env.self_command, run.image, run.plan.target, boot, env.reproducer_flags);
  if (c.runs.runs() > 1) {
    detail["runs"] = c.runs.runs();
    detail["passes"] = c.runs.passes();
    nlohmann::json outcomes = nlohmann::json::array();
    for (BootOutcome o : c.runs.outcomes) outcomes.push_back(BootOutcomeName(o));
    detail["outcomes"] = outcomes;
  }
  if (c.runs.flaky() && !run.plan.failures.flaky_fails) detail["warning"] = "flaky: " + step.cause;
  // Hostile arguments (--cmdline) may not be UTF-8: replaced in the JSON only.
  step.detail_json = detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  steps.Finish(step);
  RecordCaseRuns(env, run, step_name, step.outcome, c.runs);
  return c;
}

// The registered after-boot steps (fuzz, bench); the first that does not pass
// decides. With `tests_failed`, only steps that run after failed tests.
JobResult AfterBootSteps(const JobEnvironment& env, JobRun& run, const BootBackend& backend,
                         StepRecorder& steps, bool tests_failed) {
  JobResult result{JobState::kPassed, "", "", 0};
  for (const JobStep* step : env.after_boot) {
    if (tests_failed && !step->RunsAfterFailedTests()) continue;
    if (!step->Wanted(run.plan, run.claimed.pipeline)) continue;
    if (run.cancel && run.cancel->cancelled()) return {JobState::kCancelled, "cancelled", "", 0};
    JobStepContext ctx{env,
                       run.claimed,
                       run.plan,
                       run.image,
                       run.workspace,
                       backend,
                       run.cancel,
                       [&](StepRecord r) { steps.Finish(std::move(r)); },
                       [&](const std::string& name) { steps.Start(name); }};
    JobStepResult r = step->Run(ctx);
    if (r.state != JobState::kPassed && result.state == JobState::kPassed) {
      result.state = r.state;
      result.cause = step->Name() + ": " + r.cause;
    }
  }
  return result;
}

JobResult BootSteps(const JobEnvironment& env, JobRun& run, StepRecorder& steps) {
  const TargetSpec* target = env.host->FindTarget(run.plan.target);
  if (!target) return InfraResult("no target named \"" + run.plan.target + "\" on this host");
  std::unique_ptr<BootBackend> backend = MakeBootBackend(*target, *env.runner);
  if (Status s = backend->CheckAvailable(); !s.ok())
    return InfraResult("target " + target->name + ": " + s.message());
  JobResult result{JobState::kPassed, "", "", 0};
  bool main_boot_passed = false;
  std::string failed_step;  // the first boot or test that did not pass
  for (size_t i = 0; i < run.plan.boots.size(); ++i) {
    const BootCase& boot = run.plan.boots[i];
    const std::string name = i == 0 ? "boot" : "test:" + boot.name;
    if (run.cancel && run.cancel->cancelled()) return {JobState::kCancelled, "cancelled", "", 0};
    if (i > 0 && result.state != JobState::kPassed) {
      StepRecord skipped;
      skipped.name = name;
      skipped.outcome = "skipped";
      skipped.cause =
          main_boot_passed ? failed_step + " did not pass" : "the main boot did not pass";
      steps.Finish(skipped);
      continue;
    }
    CaseResult c = BootCaseStep(env, run, boot, *backend, steps, name, static_cast<int>(i));
    const BootResult& r = c.first;
    // A flaky case is not blamed on the commit, unless `flaky: fail`.
    const bool flaky = c.runs.flaky();
    const bool passed =
        r.outcome == BootOutcome::kPassed || (flaky && !run.plan.failures.flaky_fails);
    if (i == 0) main_boot_passed = passed;
    if (passed || result.state != JobState::kPassed) continue;
    if (run.cancel && run.cancel->cancelled()) return {JobState::kCancelled, "cancelled", "", 0};
    result.state = r.outcome == BootOutcome::kInfra ? JobState::kInfra : JobState::kFailed;
    result.cause = flaky ? name + ": flaky: " + FlakyCause(c.runs, r.cause)
                         : name + ": " + BootOutcomeName(r.outcome) + ": " + r.cause;
    if (!flaky && c.runs.runs() > 1) result.cause += " [" + PassRateText(c.runs) + "]";
    failed_step = name;
  }
  if (result.state == JobState::kPassed) {
    result = AfterBootSteps(env, run, *backend, steps, /*tests_failed=*/false);
  } else if (main_boot_passed && result.state == JobState::kFailed) {
    // The failed test decides the result, unless the steps were interrupted.
    JobResult after = AfterBootSteps(env, run, *backend, steps, /*tests_failed=*/true);
    if (after.state == JobState::kCancelled) result = after;
  }
  return result;
}

// Checkout, build, boots and the after-boot steps of one job, in `env` (the
// job's: its sandboxed runner and its build cache), then its manifest (the
// host's programs probed through `host_runner`, unboxed).
JobResult RunJobSteps(const JobEnvironment& env, ProcessRunner& host_runner, JobRun& run) {
  std::error_code ec;
  fs::remove_all(run.workspace, ec);  // a previous attempt's leftovers
  StepRecorder steps(env, run.claimed.job);
  JobResult result;
  Status checkout = env.sources->Materialise(run.claimed.pipeline, run.workspace);
  if (!checkout.ok()) {
    result = InfraResult("checkout: " + checkout.message());
  } else if (auto build = BuildStep(env, run, steps)) {
    result = *build;
  } else {
    result = BootSteps(env, run, steps);
  }
  if (checkout.ok() && result.state != JobState::kCancelled) {
    EnvironmentProbe probe(host_runner);
    RecordJobManifest(env, probe, run.claimed, run.plan, {run.workspace, run.build_dir, run.image});
  }
  if (result.state == JobState::kFailed && env.after_failure) {
    if (auto step = env.after_failure(env, run.claimed, run.workspace + "-bisect", run.cancel))
      steps.Finish(std::move(*step));
  }
  if (result.state == JobState::kPassed) {
    if (!env.keep_workspaces) fs::remove_all(run.workspace, ec);
  } else if (const fs::space_info space = fs::space(run.workspace, ec);
             !ec && !KeepFailedWorkspace(space.available, space.capacity)) {
    // A failed job's workspace is kept for a look, unless it leaves the disk full.
    fs::remove_all(run.workspace, ec);
    env.progress->Message(run.claimed.job.name + ": " +
                          WorkspaceRemovedNote(space.available, space.capacity));
  }
  return result;
}

}  // namespace

JobResult InfraResult(std::string cause) {
  return {JobState::kInfra, std::move(cause), "", 0};
}

std::string JobExecutor::WorkspaceDir(const JobRecord& job) const {
  return (fs::path(env_.work_root) / ("p" + std::to_string(job.pipeline_id)) /
          ("j" + std::to_string(job.id)))
      .string();
}

JobResult JobExecutor::Run(const ClaimedJob& claimed, const CancelToken* cancel) {
  const auto started = std::chrono::steady_clock::now();
  env_.progress->JobStarted(claimed.job);
  auto plan = JobPlanFromJson(claimed.job.spec_json);
  const bool untrusted = PipelineUntrusted(claimed.pipeline);
  auto policy =
      SandboxForPipeline(*env_.host, untrusted, env_.cache_dir, env_.sandbox_hidden, env_.progress);
  JobResult result;
  if (!plan.ok()) {
    result = InfraResult(plan.status().message());
  } else if (!policy.ok()) {
    result = InfraResult(policy.status().message());
  } else {
    JobRun run{claimed, cancel, *plan, WorkspaceDir(claimed.job), "", ""};
    run.build_dir = (fs::path(run.workspace) / run.plan.path).lexically_normal().string();
    run.image = (fs::path(run.build_dir) / run.plan.image).lexically_normal().string();
    // Every command of the job runs boxed; a pull request's builds fill a
    // cache of their own.
    SandboxedProcessRunner boxed(*policy, *env_.runner);
    JobEnvironment env = env_;
    env.runner = &boxed;
    std::optional<BuildCache> own_cache;
    if (untrusted && env_.cache) {
      own_cache.emplace(env_.cache->ForPullRequest(PullRequestCacheScope(claimed.pipeline)));
      env.cache = &*own_cache;
    }
    result = RunJobSteps(env, *env_.runner, run);
  }
  RedactSecrets(env_.secrets, &result.cause);
  result.reproducer = plan.ok() ? JobPlanReproducer(env_.self_command, claimed.pipeline,
                                                    claimed.job, *plan, env_.reproducer_flags)
                                : JobReproducer(env_.self_command, claimed.pipeline, claimed.job,
                                                env_.reproducer_flags);
  result.duration_ms =
      std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace cirun
