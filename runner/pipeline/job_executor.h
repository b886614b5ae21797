// JobExecutor: runs one claimed job: workspace, build (or cache), boots.
//
// Steps are recorded in the store as they finish; the final JobResult is
// returned to the caller, which writes it with Store::FinishJob (so that only
// the current lease holder's result counts).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "harness/boot_request.h"
#include "harness/process_runner.h"
#include "runner/common/progress.h"
#include "runner/host/host_config.h"
#include "runner/host/toolchain.h"
#include "runner/pipeline/build_cache.h"
#include "runner/pipeline/job_step.h"
#include "runner/sources/source_checkout.h"
#include "runner/store/store.h"

namespace cirun {

/// Bytes of a build log or a console kept in the store: the end of a longer
/// one, cut with Tail (byte_text.h).
inline constexpr size_t kStoredLogCap = 256 << 10;

/// A job's result when it failed for the host's sake (a missing target or
/// tool, a checkout or sandbox error): kInfra with `cause`, no reproducer.
JobResult InfraResult(std::string cause);

/// Everything a job runs against. All references outlive the executor.
struct JobEnvironment {
  ProcessRunner* runner = nullptr;  // unboxed; each job boxes it (job_sandbox.h)
  Store* store = nullptr;
  const HostConfig* host = nullptr;
  ToolchainProbe* toolchains = nullptr;
  SourceCheckout* sources = nullptr;
  const BuildCache* cache = nullptr;       // null: never use or fill the build cache
  ProgressSink* progress = nullptr;        // never null (use NullProgress)
  std::string work_root;                   // workspaces: work_root/p<pipeline>/j<job>
  bool keep_workspaces = false;            // keep workspaces of passed jobs too
  std::string self_command = "ci-run";     // how reproducers invoke ci-run
  std::vector<const JobStep*> after_boot;  // steps run after the boots (fuzz, bench, history)
  // Where this run keeps its state, for steps that run ci-run commands
  // against it (history): "" leaves each to its command's default.
  std::string store_url;                      // the store (OpenStore URL)
  std::string cache_dir;                      // mirrors and the build cache
  std::string host_config_file;               // --host-config, if one was given
  std::string service_config_file;            // the serve/worker configuration (absolute), if any
  std::vector<std::string> reproducer_flags;  // appended to job reproducers (ReproducerFlags)
  // Host paths a job's sandbox never shows, even below a visible directory:
  // the service config, secret files, the store (job_sandbox.h).
  std::vector<std::string> sandbox_hidden;
  // Values of configured secrets: replaced in every stored step and cause.
  std::vector<std::string> secrets;
  // Called when the main boot of a trusted pipeline's job passes, before its
  // workspace goes (a worker keeps it as its health boot, worker_health.h).
  std::function<void(const std::string& target, const BootRequest& request)> boot_passed;
  // Called when a job failed (kFailed: not flaky, infra or cancelled), after
  // its manifest and before its result is returned, with this environment and
  // a directory of its own: the step it returns is recorded with the job (the
  // service's culprit search, culprit_search.h). Unset: nothing.
  std::function<std::optional<StepRecord>(const JobEnvironment& env, const ClaimedJob& claimed,
                                          const std::string& work_dir, const CancelToken* cancel)>
      after_failure;
};

class JobExecutor {
 public:
  explicit JobExecutor(const JobEnvironment& env) : env_(env) {}

  /// Runs `claimed` to its end and returns its result (never throws). Steps:
  /// build (or `cached`), then the main boot, then each `tests:` case (skipped
  /// when the main boot did not pass), then each wanted `after_boot` step when
  /// every boot passed (or, for steps that RunsAfterFailedTests, when the main
  /// boot passed; the failed test then decides the result). A boot that ends
  /// `infra` is retried once. A boot or test case that did not pass runs
  /// plan.failures.reruns more times (case_runs.h): failing every run, it
  /// fails the job (its cause ends "[failed 3 of 3 runs]"); passing a rerun,
  /// it is recorded "flaky" with its pass rate and, unless `flaky: fail`,
  /// passes (with a warning in its step detail).
  /// `cancel` stops the job early (result kCancelled).
  JobResult Run(const ClaimedJob& claimed, const CancelToken* cancel);

  /// The workspace directory of a job.
  std::string WorkspaceDir(const JobRecord& job) const;

 private:
  const JobEnvironment& env_;
};

}  // namespace cirun
