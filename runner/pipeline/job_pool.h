// JobPool: N threads that claim jobs from the store and run them.
//
// Used in-process by `ci-run local` and `ci-run serve`, and by `ci-run worker`.
// While a job runs, its lease is renewed every lease/3 or 2 s, whichever is
// shorter (and, in service mode, the worker announces itself as live); if the
// lease is lost (another worker took the job over), the job is cancelled and
// its result is not written; if the store says the job is to be cancelled
// (Store::RequestCancel, the dashboard's cancel), its processes are killed
// and it ends `cancelled`. Cancelling the pool's token kills every running
// job's processes and stops claiming.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness/process_runner.h"
#include "runner/pipeline/job_executor.h"
#include "runner/pipeline/worker_health.h"
#include "runner/store/store.h"

namespace cirun {

struct JobPoolOptions {
  int slots = 2;                            // jobs run at once
  std::string worker;                       // unique name (host:pid)
  std::vector<std::string> labels;          // what this pool can run
  std::chrono::milliseconds lease{60'000};  // renewed every lease/3, at least every 2 s
  std::optional<int64_t> pipeline_id;       // only this pipeline's jobs
  bool stop_when_idle = true;           // return once nothing is claimable and nothing runs here
  std::chrono::milliseconds poll{500};  // idle wait between claims (service mode)
  std::set<std::string> fail_fast_unikernels;  // a failure cancels that unikernel's queued jobs
  std::map<std::string, int> max_parallel;     // per unikernel running limit (0: none)
  // Service mode (`serve`, `worker`): when cancelled, no slot claims another
  // job; each returns once its current job has ended. Null: never.
  const CancelToken* stop_claiming = nullptr;
  // Service mode: a job cut short by `stop` (result cancelled or infra) is
  // handed back to the queue (Store::ReleaseJob) for another worker, instead
  // of being recorded; a job that reached a verdict first keeps it.
  bool release_when_stopped = false;
  // Service mode: announce this worker (name, labels, slots, running jobs) in
  // the store every lease/3 or 2 s, whichever is shorter
  // (Store::AnnounceWorker), and retire it once it stops claiming, so that
  // queued jobs are only timed out when no live worker offers their labels.
  bool announce = false;
  // Service mode: a job that ends `infra` here is handed back to the queue
  // for another worker, up to this many times (its attempt counts them), when
  // another live, healthy worker offers its labels; this pool then does not
  // claim it again while one does, until another worker tried it (a later
  // attempt). 0, or no such worker: it ends infra.
  int infra_retries = 0;
  // Service mode: counts this worker's infra jobs in a row; while it is
  // unhealthy no slot claims, one runs the health boot when due, and the
  // worker announces why (WorkerRecord::unhealthy). Null: always healthy.
  WorkerHealth* health = nullptr;
};

/// Reads fail_fast and max_parallel from a pipeline's options_json (see
/// PipelineOptionsJson) into `options`. Malformed JSON is ignored.
void ApplyPipelineOptions(const std::string& options_json, JobPoolOptions* options);

/// Runs jobs until idle (stop_when_idle), until `stop` is cancelled, or until
/// `options.stop_claiming` is cancelled and the running jobs have ended.
/// Besides the pool's own fail_fast_unikernels, each claimed job's pipeline
/// options (options_json "fail_fast") decide whether its failure cancels the
/// rest of its unikernel's jobs. Store errors are reported through
/// env.progress and retried; never throws. Returns the number of jobs this
/// pool finished.
int RunJobPool(const JobEnvironment& env, const JobPoolOptions& options, const CancelToken& stop);

/// Runs one claimed job to its result; `cancel` fires when the pool stops or
/// the lease is lost. JobExecutor::Run is the one real implementation.
using JobRunFunction = std::function<JobResult(const ClaimedJob&, const CancelToken* cancel)>;

/// RunJobPool with `run` in place of a JobExecutor over `env` (the pool's
/// own behaviour, tested on its own: claims, limits, leases, results). Only
/// env.store and env.progress are used.
int RunJobPool(const JobEnvironment& env, const JobPoolOptions& options, const CancelToken& stop,
               const JobRunFunction& run);

}  // namespace cirun
