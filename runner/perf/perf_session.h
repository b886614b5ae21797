// PerfSession: what `ci-run bench`, `compare` and `history` share: the
// repository's mirror, this host's toolchains and targets, the store, and
// building and measuring benchmark subjects at any commit through the same
// code as pipelines (SourceCheckout, BuildImage, Boot).
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "harness/process_runner.h"
#include "jobs/job_plan.h"
#include "runner/host/host_config.h"
#include "runner/host/toolchain.h"
#include "runner/perf/bench_measurement.h"
#include "runner/pipeline/build_cache.h"
#include "runner/pipeline/job_executor.h"
#include "runner/pipeline/pipeline_source.h"
#include "runner/pipeline/run_flags.h"
#include "runner/sources/git_mirror.h"
#include "runner/sources/source_checkout.h"
#include "runner/store/store.h"

namespace cirun {

/// Options shared by the three commands.
struct PerfOptions {
  std::string location = ".";           // work tree, repository path or URL
  std::vector<std::string> only;        // --only k=v,k=v (repeatable, OR-ed)
  std::vector<std::string> unikernels;  // --unikernel NAME (repeatable); default: all with bench:
  int runs = 0;                         // 0: bench.runs of the configuration
  int max_runs = 0;                     // 0: 4 * runs (compare, history)
  double min_effect = 0.05;             // --min-effect
  double alpha = 0.001;                 // --alpha
  std::string decide;                   // --decide exact|all; "": bench.decide of the configuration
  RunFlags run;                // --config, --db, --cache-dir, --work-dir, --host-config, --plain
  std::string service_config;  // --service-config FILE (serve/worker configuration)
  std::string json;            // --json FILE
  bool no_cache = false;       // build everything
  bool no_sandbox = false;     // builds and boots run unboxed
};

/// Adds the options above (except location) to `sub`.
void AddPerfOptions(CLI::App* sub, PerfOptions* o, bool comparing);

/// The name samples are filed under for this machine: $CI_RUN_HOST if set,
/// else the host name. Samples of different hosts are never compared.
std::string PerfHostName();

/// The bench jobs of one commit.
struct BenchPlanSet {
  std::vector<JobPlan> plans;                                // runnable here
  std::vector<std::pair<std::string, std::string>> skipped;  // job name, reason
};

class PerfSession {
 public:
  /// Resolves `o.location` at `rev` ("" : the work tree as it is when
  /// allow_dirty, else HEAD), opens the store and the host configuration.
  /// Returns InvalidArgument / NotFound with a message for the user (exit 2).
  static Result<std::unique_ptr<PerfSession>> Open(const PerfOptions& o, const std::string& rev,
                                                   bool allow_dirty);
  ~PerfSession();  // removes the session's workspaces

  const ResolvedSource& source() const { return source_; }
  const std::string& repo() const { return source_.info.repo; }
  const std::string& host_name() const { return host_name_; }
  const std::string& db_path() const { return db_path_; }
  Store& store() { return *store_; }
  ProcessRunner& runner() { return *env_.runner; }
  const CancelToken& cancel() const { return cancel_; }
  const PerfOptions& options() const { return options_; }
  /// The environment builds and boots of this session run in (boxed runner).
  const JobEnvironment& env() const { return env_; }

  /// The mirror holding the source's commit.
  Result<GitMirror> Mirror();
  /// The full commit id `rev` names in the mirror.
  Result<std::string> ResolveCommit(const std::string& rev);
  /// "3f2a1b9c5d2e \"summary\"".
  std::string Describe(const std::string& commit);
  /// The first line of the commit's message ("" if unknown).
  std::string Summary(const std::string& commit);

  /// The selected unikernels that have a `bench:` section at `commit` ("" :
  /// the dirty work tree), planned for their selected cells. NotFound if
  /// none of them exists there (or a named one is absent); InvalidArgument
  /// for a bad configuration or a named unikernel without `bench:`. Cells
  /// this host cannot run, and plans whose main boot expects another outcome
  /// than passed (MainBootSkipReason), are in `skipped` with the reason.
  Result<BenchPlanSet> BenchPlans(const std::string& commit);

  /// Checks out `commit` ("" : the dirty work tree) and builds `plan` (via
  /// the build cache). Errors carry the one-line cause.
  Result<BenchSubject> Prepare(const std::string& commit, const JobPlan& plan,
                               const std::string& label);

  /// Runs per subject: --runs, else the plan's bench.runs.
  int RunsFor(const JobPlan& plan) const;
  /// The verdict options (alpha, min effect) of this session, and the
  /// metrics that end a comparison (DecidingMetrics, by --decide, else
  /// `plan`'s bench.decide).
  CompareOptions CompareOptionsFor(const JobPlan& plan);

  /// The host name `plan`'s samples are filed under (SampleHost): this
  /// host's, with "/instructions" when its bench boots count instructions.
  std::string SampleHostFor(const JobPlan& plan);
  /// The metrics of `plan` the host's clock times (HostClockMetrics; every
  /// metric but image_bytes when its backend is unknown).
  std::vector<std::string> HostClockMetricsFor(const JobPlan& plan);
  /// How `plan`'s bench boots keep time, for the terminal: "" on the host's
  /// clock as configured, else e.g. "guest clock counts instructions (QEMU
  /// -icount)" or, on the unix target, "instructions counted under
  /// qemu-x86_64 (QEMU user mode); ...", with why there will be no
  /// `instructions` metric when the
  /// QEMU plugin is missing, or why `clock: instructions` falls back to the
  /// host's clock.
  std::string ClockNote(const JobPlan& plan);

  /// Stored samples of `plan`'s (unikernel, cell) on this host, by commit.
  Result<std::map<std::string, BenchSamples>> StoredSamples(
      const JobPlan& plan, const std::vector<std::string>& commits);
  /// Stores `samples` of `commit` (not for a dirty work tree). A store
  /// error is a warning on stderr: the measurement stands without it.
  void SaveSamples(const std::string& commit, const JobPlan& plan, const BenchSamples& samples,
                   const std::string& source);

  /// Prints progress of measurements on stderr ("\r" updates on a terminal).
  BenchProgress Progress(const std::string& what, const std::vector<std::string>& labels);
  /// Ends a progress line.
  void EndProgress();

 private:
  PerfSession() = default;
  PipelineRecord Pipeline(const std::string& commit) const;
  /// The backend of this host's target `target_name` (made once).
  Result<const BootBackend*> Backend(const std::string& target_name);

  PerfOptions options_;
  ResolvedSource source_;
  std::string host_name_, db_path_, cache_dir_, work_root_;
  HostConfig host_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<ToolchainProbe> probe_;
  std::unique_ptr<SourceCheckout> sources_;
  std::unique_ptr<BuildCache> cache_;
  std::unique_ptr<ProgressSink> progress_;
  std::unique_ptr<SandboxedProcessRunner> boxed_;  // builds and boots of this session
  std::map<std::string, std::unique_ptr<BootBackend>> backends_;  // by target
  JobEnvironment env_;
  CancelToken cancel_;
  bool tty_ = false;
  int workspaces_ = 0;
};

}  // namespace cirun
