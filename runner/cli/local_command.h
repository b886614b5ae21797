// `ci-run local [PATH|URL]`: the whole pipeline on one machine.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "jobs/job_plan.h"
#include "runner/cli/command.h"
#include "runner/host/host_config.h"
#include "runner/host/toolchain.h"
#include "runner/pipeline/job_step.h"
#include "runner/pipeline/pipeline_source.h"
#include "runner/store/manifest_records.h"
#include "runner/pipeline/run_flags.h"
#include "runner/store/store.h"

namespace cirun {

struct LocalOptions {
  std::string location = ".";           // work tree, repository path or URL
  std::string rev;                      // "" : the work tree as it is / HEAD
  std::vector<std::string> only;        // --only k=v,k=v (repeatable, OR-ed)
  std::vector<std::string> unikernels;  // --unikernel NAME (repeatable)
  int jobs = 0;                         // 0: number of cores
  RunFlags run;       // --config, --db, --cache-dir, --work-dir, --host-config, --plain
  std::string junit;  // --junit FILE
  std::string json;   // --json FILE
  bool keep_workspaces = false;
  bool no_cache = false;
  bool no_sandbox = false;  // --no-sandbox: builds and boots run unboxed
  bool dry_run = false;
  bool no_bench = false;   // skip the bench step of unikernels with `bench:`
  std::string bench_base;  // compare benchmarks with this commit, interleaved (a PR's base)
  bool no_fuzz = false;    // --no-fuzz: no fuzz step
  bool reproducible =
      false;           // --reproducible: build each image twice, compare (reproducible_step.h)
  int fuzz_boots = 0;  // --fuzz-boots N: every fuzz budget (0: the config's)
  std::optional<std::string> cmdline;  // --cmdline RAW: the main boot's guest command line
  int64_t env_from = 0;  // --env-from JOB: that job's recorded environment (environment_pin.h)
  bool no_bisect = false;  // --no-bisect: no culprit search for cells that turned red (--rev)
};

/// Runs the pipeline; returns the exit code (0 all passed or skipped, 1 a job
/// failed, 2 usage/config error, 130 interrupted).
int RunLocal(const LocalOptions& options);

/// What phases 1-3 of a local pipeline produce (shared by `ci-run fuzz`).
struct LocalPlan {
  ResolvedSource source;                   // what is tested
  std::string cache_dir;                   // mirrors and the build cache
  RepoConfig config;                       // the validated configuration
  HostConfig host;                         // this host's toolchains and targets
  std::vector<JobPlan> plans;              // the selected jobs
  std::unique_ptr<ToolchainProbe> probe;   // memoised toolchain identities
  std::optional<ManifestRecord> env_from;  // --env-from: the recorded job's manifest
};

/// Phases 1-3: resolves the source, reads the configuration, plans the jobs
/// selected by options.only / options.unikernels. Returns 0, or the exit code
/// (2) after printing why on stderr.
int PrepareLocalPlan(const LocalOptions& options, LocalPlan* plan);

/// Phases 4-5: queues `jobs` (made from plan.plans by JobsForHost) as a
/// pipeline with `options_json`, runs them in-process on `slots` threads with
/// `after_boot` steps and a live view, then settles what stayed queued.
/// Returns the pipeline id and store, or a message for exit code 2; sets
/// `*interrupted` when SIGINT/SIGTERM stopped the run.
struct LocalRunResult {
  int64_t pipeline_id = 0;
  std::unique_ptr<Store> store;
  std::string db;
};
Result<LocalRunResult> RunLocalJobs(const LocalOptions& options, LocalPlan& plan,
                                    const std::vector<JobInfo>& jobs,
                                    const std::string& options_json,
                                    const std::vector<const JobStep*>& after_boot, int slots,
                                    bool* interrupted);

/// Registers `local` on `sub`.
void SetupLocalCommand(CLI::App* sub, int* exit_code);

}  // namespace cirun
