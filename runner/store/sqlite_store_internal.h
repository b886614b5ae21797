// Internals of the SQLite Store (sqlite_store.h), one class split over
// several files by concept:
//   sqlite_store.cc           opening, the schema, and the job queue (pipelines,
//                             jobs, steps, claims, leases, expiry, cancelling)
//   sqlite_perf_store.cc      performance tracking (samples, perf_changes)
//   sqlite_findings_store.cc  fuzz findings (findings)
//   sqlite_workers_store.cc   the worker registry (workers)
//   sqlite_manifest_store.cc  job manifests (manifests)
// Only these files include this header.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runner/store/store.h"

namespace cirun::sqlite_internal {

// One prepared statement; finalized on destruction.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Status status() const {
    return rc_ == SQLITE_OK ? Status::Ok()
                            : Status::Internal(std::string("sqlite: ") + sqlite3_errmsg(db_));
  }
  Statement& Bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& Bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& BindReal(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  Statement& BindOptional(int i, const std::optional<int64_t>& v) {
    if (v)
      sqlite3_bind_int64(stmt_, i, *v);
    else
      sqlite3_bind_null(stmt_, i);
    return *this;
  }
  Statement& BindNullIfEmpty(int i, const std::string& v) {
    if (v.empty())
      sqlite3_bind_null(stmt_, i);
    else
      Bind(i, v);
    return *this;
  }
  /// SQLITE_ROW, SQLITE_DONE, or an error code.
  int Step() { return rc_ == SQLITE_OK ? sqlite3_step(stmt_) : rc_; }
  Status Run() {
    int rc = Step();
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) return Status::Ok();
    return Status::IoError(std::string("sqlite: ") + sqlite3_errmsg(db_));
  }
  Status Error() const { return Status::IoError(std::string("sqlite: ") + sqlite3_errmsg(db_)); }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Real(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string Text(int col) const {
    const unsigned char* t = sqlite3_column_text(stmt_, col);
    return t ? std::string(reinterpret_cast<const char*>(t), sqlite3_column_bytes(stmt_, col)) : "";
  }
  std::optional<int64_t> OptionalInt(int col) const {
    if (sqlite3_column_type(stmt_, col) == SQLITE_NULL) return std::nullopt;
    return Int(col);
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

/// The tables of case runs, bisections and failure signatures
/// (sqlite_failures_store.cc), created by SqliteStore::Init.
const char* FailuresSchemaSql();

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(sqlite3* db) : db_(db) {}

  Status SetClockForTesting(std::optional<int64_t> now_ms) override {
    test_now_ms_ = now_ms.value_or(kRealClock);
    return Status::Ok();
  }
  ~SqliteStore() override { sqlite3_close_v2(db_); }

  // ---- Opening and the job queue (sqlite_store.cc).
  Status Init();
  Result<int64_t> CreatePipeline(const PipelineInfo& info, const std::vector<JobInfo>& jobs,
                                 bool* created) override;
  Result<std::optional<ClaimedJob>> ClaimJob(const ClaimRequest& request) override;
  Status Heartbeat(int64_t job_id, const std::string& worker, int attempt,
                   std::chrono::milliseconds lease) override;
  Status AddStep(const StepRecord& step) override;
  Status SetLiveLog(const LiveLog& log) override;
  Result<std::optional<LiveLog>> GetLiveLog(int64_t job_id) override;
  Status ClearLiveLog(int64_t job_id) override;
  Status FinishJob(int64_t job_id, const std::string& worker, int attempt,
                   const JobResult& result) override;
  Status ReleaseJob(int64_t job_id, const std::string& worker, int attempt) override;
  Result<int> RequeueExpired() override;
  Result<int> ExpireUnclaimed(std::chrono::milliseconds queued_for) override;
  Result<int> CancelQueued(int64_t pipeline_id, const std::string& unikernel,
                           const std::string& cause) override;
  Result<int> RequestCancel(int64_t pipeline_id) override;
  Result<int> ApprovePipeline(int64_t pipeline_id) override;
  Result<std::vector<PipelineRecord>> ListWaitingPipelines() override;
  Result<PipelineRecord> GetPipeline(int64_t id) override;
  Result<std::vector<PipelineRecord>> ListPipelines(int limit) override;
  Result<std::vector<PipelineRecord>> ListPipelinesPage(const PipelineQuery& query) override;
  Result<std::vector<JobRecord>> ListJobs(int64_t pipeline_id) override;
  Result<std::vector<StepRecord>> ListSteps(int64_t job_id) override;
  Result<std::vector<StepSummary>> ListStepsWithoutLogs(int64_t job_id) override;
  Result<std::string> ReadStepLog(int64_t step_id, int64_t offset, int64_t limit) override;
  Result<std::vector<std::pair<std::string, int64_t>>> CountJobsByState() override;

  // ---- The worker registry (sqlite_workers_store.cc).
  Status AnnounceWorker(const WorkerRecord& w) override;
  Status RetireWorker(const std::string& name) override;
  Result<std::vector<WorkerRecord>> ListWorkers() override;

  // ---- Fuzz findings (sqlite_findings_store.cc).
  Result<int64_t> AddFinding(const FindingRecord& f) override;
  Result<std::vector<FindingRecord>> ListFindings(int64_t pipeline_id) override;

  // ---- Job manifests (kManifestsSchema; sqlite_manifest_store.cc).
  Status AddManifest(const ManifestRecord& m) override;
  Result<std::optional<ManifestRecord>> GetManifest(int64_t job_id) override;
  Result<std::vector<ManifestRecord>> FindManifests(const ManifestQuery& q) override;
  // ---- Failures (failure_records.h; sqlite_failures_store.cc).
  Status AddCaseRun(const CaseRunRecord& run) override;
  Result<std::vector<CaseRunRecord>> ListCaseRuns(const std::string& repo,
                                                  const std::string& branch) override;
  Result<int64_t> AddBisection(const BisectionRecord& b) override;
  Result<std::vector<BisectionRecord>> ListBisections(const std::string& repo, int limit) override;
  Status NoteFailureSignature(const std::string& repo, const std::string& signature,
                              const std::string& commit, int64_t cells) override;
  Result<std::vector<FailureSignatureRecord>> ListFailureSignatures(
      const std::string& repo) override;

  // ---- Performance tracking (kPerfSchema; sqlite_perf_store.cc).
  Status AddSamples(const std::vector<SampleRecord>& samples) override;
  Result<std::vector<SampleRecord>> ListSamples(const SampleQuery& q) override;
  Result<std::vector<SampleQuery>> ListSampleSeries() override;
  Result<int64_t> AddPerfChange(const PerfChangeRecord& c) override;
  Result<std::vector<PerfChangeRecord>> ListPerfChanges(const std::string& repo,
                                                        int limit) override;

 private:
  Status Exec(const char* sql);
  Status LostLease(int64_t job_id, const std::string& worker, int attempt);
  Result<int64_t> InsertPipeline(const PipelineInfo& info, const std::vector<JobInfo>& jobs);
  Result<std::optional<ClaimedJob>> ClaimLocked(const ClaimRequest& request);
  Status FinishLocked(int64_t job_id, const std::string& worker, int attempt, const JobResult& r);

  // The workers seen within their lease at `now`, by name. The caller holds mu_.
  Result<std::vector<WorkerRecord>> ListWorkersLocked(int64_t now);

  // A pipeline is finished when no job is queued or running: failed if any
  // job failed or hit infra, cancelled if any was cancelled, else passed.
  Status UpdatePipelineState(int64_t pipeline_id);

  // Runs `body` in one write transaction (BEGIN IMMEDIATE): committed if it
  // returns a value, rolled back if it returns an error. The caller holds mu_.
  template <typename T>
  Result<T> InTransaction(const std::function<Result<T>()>& body) {
    CIRUN_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    Result<T> out = body();
    if (!out.ok()) {
      // The body's error is the one to report; a failed ROLLBACK leaves the
      // transaction to SQLite, which rolls it back when the connection closes.
      Exec("ROLLBACK").IgnoreError();
      return out.status();
    }
    CIRUN_RETURN_IF_ERROR(Exec("COMMIT"));
    return out;
  }

  // Milliseconds since the epoch: the test clock if one is set, else NowMs().
  int64_t Now() const {
    const int64_t test = test_now_ms_.load();
    return test == kRealClock ? NowMs() : test;
  }

  static constexpr int64_t kRealClock = INT64_MIN;
  std::mutex mu_;  // serialises use of db_ (transactions span several statements)
  sqlite3* db_;
  std::atomic<int64_t> test_now_ms_{kRealClock};  // SetClockForTesting
};

}  // namespace cirun::sqlite_internal
