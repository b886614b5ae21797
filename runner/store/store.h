// Store: where pipelines, jobs and their steps live.
//
// Two implementations: SQLite (embedded, the default for one machine) and
// PostgreSQL (shared by workers on many machines). Jobs are claimed with a
// lease: a worker that stops heartbeating loses its job, which is queued
// again; a job's result is written exactly once, by the holder of the current
// lease (the worker name plus the attempt number).
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "runner/store/failure_records.h"
#include "runner/store/manifest_records.h"
#include "runner/store/perf_records.h"

namespace cirun {

/// A job's lifecycle: queued -> running -> one of the final states.
/// A running job whose lease expires goes back to queued. A job of a pull
/// request whose author is not trusted starts waiting (for approval): no
/// worker claims it and the queue timeout does not end it; an approval
/// (Store::ApprovePipeline) queues it.
enum class JobState { kQueued, kRunning, kPassed, kFailed, kSkipped, kInfra, kCancelled, kWaiting };

/// Every state, in enum order.
inline constexpr JobState kJobStates[] = {
    JobState::kQueued,  JobState::kRunning, JobState::kPassed,    JobState::kFailed,
    JobState::kSkipped, JobState::kInfra,   JobState::kCancelled, JobState::kWaiting};

/// "queued", "running", "passed", "failed", "skipped", "infra", "cancelled",
/// "waiting".
const char* JobStateName(JobState state);
/// Inverse of JobStateName; nullopt for an unknown name.
std::optional<JobState> ParseJobState(const std::string& name);
/// True for the states a job ends in.
inline bool IsFinal(JobState s) {
  return s != JobState::kQueued && s != JobState::kRunning && s != JobState::kWaiting;
}
/// True for the states of a pipeline that has not finished: "queued",
/// "running", "waiting" (for approval).
inline bool IsUnfinishedPipeline(const std::string& state) {
  return state == "queued" || state == "running" || state == "waiting";
}

/// What starts a pipeline.
struct PipelineInfo {
  std::string repo;          // clone URL or local path as given to the fetcher
  std::string repo_name;     // display name, e.g. "owner/name" or the directory name
  std::string commit;        // full commit id
  std::string ref;           // what was asked for: "HEAD", "refs/heads/main", "good", ...
  std::string trigger;       // "local", "push", "pull_request", "nightly", "rebuild"
  bool dirty = false;        // a local work tree tested as it is
  std::string worktree;      // for dirty pipelines: the work tree path
  std::string title;         // commit summary
  std::string delivery_id;   // GitHub delivery id; "" if none. Unique when set.
  std::string options_json;  // pipeline-wide options (fuzz/bench budgets), JSON object
  // The pipeline runs code nobody reviewed: every pull_request pipeline,
  // whoever its author (a `rebuild` copies the flag); push, nightly and local
  // pipelines are trusted. Untrusted pipelines get their own build cache and
  // must run sandboxed.
  bool untrusted = false;
};

struct PipelineRecord : PipelineInfo {
  int64_t id = 0;
  std::string state;        // "queued", "running", "waiting", "passed", "failed", "cancelled"
  int64_t created_ms = 0;   // unix time in milliseconds
  int64_t finished_ms = 0;  // 0 while unfinished
};

/// A job as planned, before it runs.
struct JobInfo {
  std::string name;  // "hello gcc/virtio"
  std::string unikernel;
  std::string cell_key;    // "compiler=gcc,target=virtio"
  std::string cell_label;  // "gcc/virtio"
  std::string compiler;
  std::string target;
  std::vector<std::string> labels;     // worker labels the job needs, e.g. "target:virtio"
  std::string spec_json;               // everything a worker needs to run it (see job_spec_json.h)
  JobState state = JobState::kQueued;  // kSkipped (with cause) when this host cannot run it
  std::string cause;                   // skip reason
};

struct JobRecord : JobInfo {
  int64_t id = 0;
  int64_t pipeline_id = 0;
  std::string reproducer;  // one-line command that reproduces the result
  std::string worker;      // who holds / held it
  int attempt = 0;         // 1 on the first claim, +1 on each re-claim
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
  int64_t duration_ms = 0;
};

/// One step of a job's attempt: "build", "boot", "test:<name>", "fuzz", "bench".
struct StepRecord {
  int64_t job_id = 0;
  int attempt = 0;
  std::string name;
  std::string
      outcome;  // "passed", "failed", "cached", "crashed", "hung", "rejected", "infra", "skipped"
  std::string cause;  // one line
  int64_t duration_ms = 0;
  std::optional<int64_t> first_byte_ms;
  std::optional<int64_t> success_ms;
  std::string command;      // what was run, shell-quoted
  std::string log;          // captured output (capped)
  std::string detail_json;  // step-specific details (metrics, image size, findings), JSON object
  std::string excerpt;      // when not passed: the lines of the log that matter, numbered
                            // (harness/failure_excerpt.h); "" if none
};

/// A step without its log (Store::ListStepsWithoutLogs), for readers that
/// show a log in pieces (ReadStepLog) rather than whole.
struct StepSummary {
  StepRecord step;        // everything but `step.log`, which is ""
  int64_t id = 0;         // the step's row: ReadStepLog's `step_id`
  int64_t log_bytes = 0;  // the size of its log, in bytes
};

/// The output so far of a job's step that is still running (a boot's
/// console), for the dashboard's live log: one a job, replaced as it grows.
struct LiveLog {
  int64_t job_id = 0;
  int attempt = 0;
  std::string step;        // the running step's name, e.g. "boot"
  std::string text;        // its output so far (the caller caps it)
  int64_t updated_ms = 0;  // set by SetLiveLog (the store's clock)
};

/// The final result of a job attempt.
struct JobResult {
  JobState state = JobState::kPassed;
  std::string cause;
  std::string reproducer;
  int64_t duration_ms = 0;
};

/// A job at one attempt (ClaimRequest::exclude_jobs).
struct ExcludedJob {
  int64_t id = 0;
  int attempt = 0;
};

/// What a worker asks for when it claims.
struct ClaimRequest {
  std::string worker;               // unique worker name, e.g. "host:pid"
  std::vector<std::string> labels;  // what it can run; a job is eligible if all its labels are here
  std::chrono::milliseconds lease{60'000};
  std::optional<int64_t> pipeline_id;  // only jobs of this pipeline (in-process runs)
  // Jobs it handed back after infra: never claimed while their attempt is
  // still the one it had (once another worker tried one, it may come back).
  std::vector<ExcludedJob> exclude_jobs;
};

/// Which pipelines a page of the list shows (Store::ListPipelinesPage).
/// Empty filters match everything.
struct PipelineQuery {
  std::string repo_name;  // PipelineInfo::repo_name
  std::string branch;     // "main" matches the refs "main" and "refs/heads/main"
  std::string state;      // PipelineRecord::state
  int64_t before_id = 0;  // only ids below it (the next page); 0: from the newest
  int limit = 50;
};

struct ClaimedJob {
  JobRecord job;
  PipelineRecord pipeline;
};

/// One unique finding of a fuzz step (bootvar fuzzing): a crash or hang and
/// the minimised command line that shows it. Every text field is ASCII.
struct FindingRecord {
  int64_t id = 0;               // assigned by AddFinding
  int64_t job_id = 0;           // the fuzz step's job
  int attempt = 0;              // and attempt
  int64_t pipeline_id = 0;      // filled in by ListFindings
  std::string repo;             // the pipeline's repository
  std::string commit;           // full commit id
  std::string unikernel;        //
  std::string cell_key;         // "compiler=gcc,target=virtio"
  std::string signature;        // outcome + normalised console tail (finding_signature.h)
  std::string outcome;          // "crashed" or "hung"
  std::string cause;            // one line
  std::string command_line;     // the minimised guest command line, EscapeBytes'd
  std::string original;         // the command line as first booted, EscapeBytes'd
  std::string reproducer;       // `ci-run local ... --cmdline=...`: always works
  std::string boot_reproducer;  // `ci-run boot IMAGE ...`: while the workspace exists
  int hits = 0;                 // fuzz inputs that showed it
  int64_t seed = 0;             // the campaign's seed
  int64_t created_ms = 0;       // set by AddFinding
};

/// A worker as it last announced itself (Store::AnnounceWorker).
struct WorkerRecord {
  std::string name;                         // unique: "host:pid" or --name
  std::vector<std::string> labels;          // what it can run
  int slots = 0;                            // jobs it runs at once
  int running = 0;                          // jobs it ran when it announced itself
  std::chrono::milliseconds lease{60'000};  // it counts as live this long after seen_ms
  int64_t started_ms = 0;  // first announcement under this name (the store's clock)
  int64_t seen_ms = 0;     // last announcement (the store's clock)
  // Why it takes no jobs until it passes a health boot ("" : healthy), e.g.
  // "3 jobs in a row ended infra: boot: infra: ...".
  std::string unhealthy;
};

class Store {
 public:
  virtual ~Store() = default;

  /// Creates a pipeline and its jobs in one transaction. If `info.delivery_id`
  /// is set and a pipeline with that delivery exists, creates nothing and
  /// returns the existing id with `*created` false.
  virtual Result<int64_t> CreatePipeline(const PipelineInfo& info, const std::vector<JobInfo>& jobs,
                                         bool* created = nullptr) = 0;

  /// Claims the oldest queued job `request` can run, marking it running with a
  /// lease. Returns nullopt if there is none. Never hands one job to two workers.
  virtual Result<std::optional<ClaimedJob>> ClaimJob(const ClaimRequest& request) = 0;

  /// Extends the lease of `job_id`. Returns FailedPrecondition if `worker`
  /// (at `attempt`) no longer holds it (it expired and was re-queued), and
  /// Cancelled (the lease extended all the same) if RequestCancel marked the
  /// job: its holder then stops it and writes it `cancelled`.
  virtual Status Heartbeat(int64_t job_id, const std::string& worker, int attempt,
                           std::chrono::milliseconds lease) = 0;

  /// Records a step of an attempt (steps of superseded attempts stay, but
  /// readers show the job's current attempt).
  virtual Status AddStep(const StepRecord& step) = 0;

  /// Writes the final result of `job_id` if `worker` still holds it at
  /// `attempt`; otherwise FailedPrecondition and nothing is written. Marks the
  /// pipeline finished when its last job finishes.
  virtual Status FinishJob(int64_t job_id, const std::string& worker, int attempt,
                           const JobResult& result) = 0;

  /// Gives a running job back to the queue (graceful worker shutdown).
  virtual Status ReleaseJob(int64_t job_id, const std::string& worker, int attempt) = 0;

  /// Queues again every running job whose lease has expired; returns how many.
  virtual Result<int> RequeueExpired() = 0;

  /// Marks "infra" every job still queued and never claimed (attempt 0) whose
  /// pipeline was created more than `queued_for` ago and whose labels no live
  /// worker (ListWorkers) offers: a backlog that live workers can take waits
  /// for them. Its cause names the labels and the wait ("no worker offering
  /// target:xen toolchain:gcc claimed it within 24h"). Updates those
  /// pipelines' states. A job a worker held once (and lost) is never expired.
  /// Returns how many.
  virtual Result<int> ExpireUnclaimed(std::chrono::milliseconds queued_for) = 0;

  /// Records that `worker` is alive now (by the store's clock), with its
  /// labels, slots, running jobs, lease and health; `started_ms` and `seen_ms`
  /// are set by the store. Workers announce themselves every lease/3 or 2 s.
  virtual Status AnnounceWorker(const WorkerRecord& worker) = 0;
  /// Forgets `name` (a worker that stopped taking jobs). Unknown: no error.
  virtual Status RetireWorker(const std::string& name) = 0;
  /// The live workers (seen within their lease), by name.
  virtual Result<std::vector<WorkerRecord>> ListWorkers() = 0;

  /// Marks every queued job of `pipeline_id` (of `unikernel`, or all if "")
  /// cancelled with `cause` (fail-fast, Ctrl-C). Returns how many.
  virtual Result<int> CancelQueued(int64_t pipeline_id, const std::string& unikernel,
                                   const std::string& cause) = 0;

  /// Marks every running job of `pipeline_id` for cancellation: its holder
  /// learns it on its next Heartbeat. Returns how many were marked.
  virtual Result<int> RequestCancel(int64_t pipeline_id) = 0;

  /// Queues every waiting job of `pipeline_id` (its pull request was
  /// approved), clearing their cause, and updates the pipeline's state.
  /// Returns how many; 0 if none was waiting (approved already, or never
  /// waited). NotFound for an unknown pipeline.
  virtual Result<int> ApprovePipeline(int64_t pipeline_id) = 0;
  /// The pipelines waiting for approval (state "waiting"), oldest first.
  virtual Result<std::vector<PipelineRecord>> ListWaitingPipelines() = 0;

  virtual Result<PipelineRecord> GetPipeline(int64_t id) = 0;
  /// Newest first.
  virtual Result<std::vector<PipelineRecord>> ListPipelines(int limit) = 0;
  /// A page of the pipelines matching `query`, newest first. The base
  /// implementation filters ListPipelines; backends override it with a query.
  virtual Result<std::vector<PipelineRecord>> ListPipelinesPage(const PipelineQuery& query);
  /// In id order (plan order).
  virtual Result<std::vector<JobRecord>> ListJobs(int64_t pipeline_id) = 0;
  /// Steps of the job's current attempt, in the order they were added.
  virtual Result<std::vector<StepRecord>> ListSteps(int64_t job_id) = 0;
  /// ListSteps without the logs (each with its log's size and row id):
  /// what a page about a job needs, however long its logs.
  virtual Result<std::vector<StepSummary>> ListStepsWithoutLogs(int64_t job_id) = 0;
  /// At most `limit` bytes of the log of step `step_id` (a StepSummary::id)
  /// from byte `offset` (0-based; "" past its end), read without loading the
  /// rest of the log. The piece may end inside a UTF-8 sequence. NotFound
  /// for an unknown step.
  virtual Result<std::string> ReadStepLog(int64_t step_id, int64_t offset, int64_t limit) = 0;
  /// Counts of jobs by state over the whole store (for /metrics and status).
  virtual Result<std::vector<std::pair<std::string, int64_t>>> CountJobsByState() = 0;

  // ---- Live logs (table `live_logs`). A store without them keeps nothing.

  /// Replaces the live log of `log.job_id` (`updated_ms` is ignored).
  virtual Status SetLiveLog(const LiveLog& log);
  /// The live log of `job_id`, or nullopt if none was set since the last
  /// ClearLiveLog.
  virtual Result<std::optional<LiveLog>> GetLiveLog(int64_t job_id);
  /// Removes the live log of `job_id` (its step ended; no-op if none).
  virtual Status ClearLiveLog(int64_t job_id);

  // ---- Performance tracking (perf_records.h). A store without them (not yet
  // ported) returns Unavailable, and benchmarks then run without history.

  /// Appends benchmark samples (one transaction).
  virtual Status AddSamples(const std::vector<SampleRecord>& samples);
  /// The samples matching `query`, oldest first.
  virtual Result<std::vector<SampleRecord>> ListSamples(const SampleQuery& query);
  /// Every series that has samples: (repo, unikernel, cell_key, host, metric)
  /// as a SampleQuery without commits, ordered by those fields.
  virtual Result<std::vector<SampleQuery>> ListSampleSeries();
  /// Records a change found by a comparison; returns its id.
  virtual Result<int64_t> AddPerfChange(const PerfChangeRecord& change);
  /// The newest changes of `repo` ("" for every repository), at most `limit`.
  virtual Result<std::vector<PerfChangeRecord>> ListPerfChanges(const std::string& repo, int limit);
  // --- Fuzz findings (table `findings`) ---
  /// Records one finding (`id`, `pipeline_id` and `created_ms` are ignored);
  /// returns its id.
  virtual Result<int64_t> AddFinding(const FindingRecord& finding) = 0;
  /// The findings of the current attempts of a pipeline's jobs, in the order
  /// they were added.
  virtual Result<std::vector<FindingRecord>> ListFindings(int64_t pipeline_id) = 0;
  // --- Job manifests (table `manifests`, manifest_records.h). A store
  // without them returns Unavailable, and jobs then run without a manifest.
  /// Records the manifest of a job's attempt, replacing one recorded for the
  /// same attempt (`created_ms` and the filled-in fields are ignored).
  virtual Status AddManifest(const ManifestRecord& manifest);
  /// The manifest of the current attempt of `job_id`; nullopt if it has none
  /// (skipped, never run, or run before manifests existed).
  virtual Result<std::optional<ManifestRecord>> GetManifest(int64_t job_id);
  /// The manifests matching `query` (see ManifestQuery).
  virtual Result<std::vector<ManifestRecord>> FindManifests(const ManifestQuery& query);

  // ---- Failures (failure_records.h). A store without them returns
  // Unavailable, and failures are then reported without history.

  /// Records the runs of one case (`created_ms` is set by the store).
  virtual Status AddCaseRun(const CaseRunRecord& run);
  /// Every recorded case run of `repo` on `branch`, oldest first.
  virtual Result<std::vector<CaseRunRecord>> ListCaseRuns(const std::string& repo,
                                                          const std::string& branch);
  /// Records a bisection; returns its id (`id` and `created_ms` are set by the store).
  virtual Result<int64_t> AddBisection(const BisectionRecord& bisection);
  /// The newest bisections of `repo` ("" for every repository), at most `limit`, newest first.
  virtual Result<std::vector<BisectionRecord>> ListBisections(const std::string& repo, int limit);
  /// Notes that `cells` failed cells of a pipeline at `commit` showed
  /// `signature`: creates it (first and last commit `commit`) or moves its
  /// last commit and time, and adds `cells`.
  virtual Status NoteFailureSignature(const std::string& repo, const std::string& signature,
                                      const std::string& commit, int64_t cells);
  /// The signatures of `repo`, most recently seen first.
  virtual Result<std::vector<FailureSignatureRecord>> ListFailureSignatures(
      const std::string& repo);

  /// Tests only: from now on this store's clock (leases, heartbeats, queue
  /// timeouts, every time it records) reads `now_ms`, milliseconds since the
  /// epoch, instead of the real one (the system's for SQLite, the server's
  /// for PostgreSQL), so that a test moves time on instead of sleeping until
  /// a lease expires. nullopt: the real clock again. Only this Store object
  /// (its connection) sees the test clock.
  virtual Status SetClockForTesting(std::optional<int64_t> now_ms);
};

/// True if `pipeline` is on the page `query` asks for (its filters and
/// before_id; not its limit).
bool PipelineMatches(const PipelineQuery& query, const PipelineRecord& pipeline);

/// Opens the store at `url`: a path or "sqlite:PATH" for SQLite (created with
/// its schema if missing), "postgresql://..." for PostgreSQL. Returns
/// InvalidArgument for another scheme, IoError / Unavailable if it cannot connect.
Result<std::unique_ptr<Store>> OpenStore(const std::string& url);

/// Milliseconds since the Unix epoch, from the system clock.
int64_t NowMs();

}  // namespace cirun
