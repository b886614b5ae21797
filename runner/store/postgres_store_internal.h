// Internals of the PostgreSQL Store (postgres_store.h), one class split over
// several files by concept:
//   postgres_store.cc           opening, the schema, and the job queue
//                               (pipelines, jobs, steps, claims, leases,
//                               expiry, cancelling)
//   postgres_perf_store.cc      performance tracking (samples, perf_changes)
//   postgres_findings_store.cc  fuzz findings (findings)
//   postgres_workers_store.cc   the worker registry (workers)
// Only these files include this header.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "runner/store/postgres_store.h"
#include "runner/store/store.h"

// The server's clock in Unix milliseconds: every lease and timestamp uses it,
// so workers with skewed clocks agree on when a lease expires. A test clock
// (SetClockForTesting: the session's setting cirun.now_ms) replaces it.
#define CIRUN_PG_NOW_MS                                                  \
  "COALESCE(NULLIF(current_setting('cirun.now_ms', true), '')::BIGINT, " \
  "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT)"

namespace cirun::postgres_internal {

// A column's value; NULL reads as "", 0 or nullopt.
inline std::string Text(const pqxx::field& f) {
  return f.is_null() ? std::string() : std::string(f.c_str(), f.size());
}
inline int64_t Int(const pqxx::field& f) {
  return f.is_null() ? 0 : f.as<int64_t>();
}
inline std::optional<int64_t> OptionalInt(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<int64_t>();
}

// One connection and the transactions run on it. Thread-safe: one
// transaction at a time (a connection is not shareable).
class PgSession {
 public:
  explicit PgSession(std::string url) : url_(std::move(url)) {}

  // Runs `body` in a READ COMMITTED transaction and commits it if `body`
  // returns OK (else rolls back). Reconnects a broken connection, and retries
  // the whole transaction on a lost connection, a deadlock or a serialization
  // failure (at most 3 attempts). No libpqxx exception escapes.
  template <typename T>
  Result<T> Transact(const char* what, const std::function<Result<T>(pqxx::work&)>& body) {
    std::lock_guard lock(mu_);
    Status last;
    for (int attempt = 0; attempt < 3; ++attempt) {
      if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50 << attempt));
      try {
        CIRUN_RETURN_IF_ERROR(ConnectLocked());
        pqxx::work tx(*conn_, what);
        Result<T> result = body(tx);
        if (result.ok()) tx.commit();
        return result;
      } catch (const pqxx::in_doubt_error& e) {
        conn_.reset();
        return Status::IoError(std::string("PostgreSQL: ") + what +
                               ": connection lost during commit; outcome unknown: " + e.what());
      } catch (const pqxx::broken_connection& e) {
        conn_.reset();
        last = Status::Unavailable(std::string("PostgreSQL: ") + what +
                                   ": connection lost: " + Trim(e.what()));
      } catch (const pqxx::transaction_rollback& e) {
        last = Status::IoError(std::string("PostgreSQL: ") + what + ": " + Trim(e.what()));
      } catch (const pqxx::sql_error& e) {
        return Status::Internal(std::string("PostgreSQL: ") + what + ": " + Trim(e.what()));
      } catch (const std::exception& e) {
        if (conn_ && !conn_->is_open()) conn_.reset();
        return Status::Internal(std::string("PostgreSQL: ") + what + ": " + Trim(e.what()));
      }
    }
    return last;
  }

 private:
  static std::string Trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
  }

  Status ConnectLocked() {
    if (conn_ && conn_->is_open()) return Status::Ok();
    conn_.reset();
    try {
      auto conn = std::make_unique<pqxx::connection>(url_);
      // No NOTICE chatter ("relation already exists, skipping") on stderr.
      pqxx::nontransaction(*conn).exec("SET client_min_messages TO warning");
      conn_ = std::move(conn);
      return Status::Ok();
    } catch (const std::exception& e) {
      return Status::Unavailable("cannot connect to PostgreSQL at " + RedactDatabaseUrl(url_) +
                                 ": " + Trim(e.what()));
    }
  }

  const std::string url_;
  std::mutex mu_;
  std::unique_ptr<pqxx::connection> conn_;  // guarded by mu_; null until connected
};

// Adding a Store method: one Tx<T>("what it does", [&](pqxx::work& tx) ->
// Result<T> { ... }) call; the lambda runs exec_params with $n parameters and
// returns the value or a Status (a non-OK Status rolls the transaction back).
// Time comes from CIRUN_PG_NOW_MS, never from this machine's clock.
class PostgresStore final : public Store {
 public:
  explicit PostgresStore(const std::string& url) : db_(url) {}

  // ---- Opening and the job queue (postgres_store.cc).
  Status Init();
  Status SetClockForTesting(std::optional<int64_t> now_ms) override;
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
  Result<std::vector<JobRecord>> ListJobs(int64_t pipeline_id) override;
  Result<std::vector<StepRecord>> ListSteps(int64_t job_id) override;
  Result<std::vector<StepSummary>> ListStepsWithoutLogs(int64_t job_id) override;
  Result<std::string> ReadStepLog(int64_t step_id, int64_t offset, int64_t limit) override;
  Result<std::vector<std::pair<std::string, int64_t>>> CountJobsByState() override;

  // ---- The worker registry (postgres_workers_store.cc).
  Status AnnounceWorker(const WorkerRecord& w) override;
  Status RetireWorker(const std::string& name) override;
  Result<std::vector<WorkerRecord>> ListWorkers() override;

  // ---- Performance tracking (perf_records.h; postgres_perf_store.cc).
  Status AddSamples(const std::vector<SampleRecord>& samples) override;
  Result<std::vector<SampleRecord>> ListSamples(const SampleQuery& q) override;
  Result<std::vector<SampleQuery>> ListSampleSeries() override;
  Result<int64_t> AddPerfChange(const PerfChangeRecord& c) override;
  Result<std::vector<PerfChangeRecord>> ListPerfChanges(const std::string& repo,
                                                        int limit) override;

  // ---- Job manifests (postgres_manifest_store.cc).
  Status AddManifest(const ManifestRecord& m) override;
  Result<std::optional<ManifestRecord>> GetManifest(int64_t job_id) override;
  Result<std::vector<ManifestRecord>> FindManifests(const ManifestQuery& q) override;

  // ---- Fuzz findings (postgres_findings_store.cc).
  Result<int64_t> AddFinding(const FindingRecord& f) override;
  Result<std::vector<FindingRecord>> ListFindings(int64_t pipeline_id) override;

  // ---- Failures (failure_records.h; postgres_failures_store.cc).
  Status AddCaseRun(const CaseRunRecord& run) override;
  Result<std::vector<CaseRunRecord>> ListCaseRuns(const std::string& repo,
                                                  const std::string& branch) override;
  Result<int64_t> AddBisection(const BisectionRecord& b) override;
  Result<std::vector<BisectionRecord>> ListBisections(const std::string& repo, int limit) override;
  Status NoteFailureSignature(const std::string& repo, const std::string& signature,
                              const std::string& commit, int64_t cells) override;
  Result<std::vector<FailureSignatureRecord>> ListFailureSignatures(
      const std::string& repo) override;

 private:
  template <typename T, typename F>
  Result<T> Tx(const char* what, F&& body) {
    return db_.Transact<T>(what, std::function<Result<T>(pqxx::work&)>(std::forward<F>(body)));
  }

  static std::string JobColumns(const std::string& prefix);

  // Recomputes a pipeline's state from its jobs. The pipeline row is locked
  // first, so two jobs finishing at once cannot both see the other one still
  // running (each statement of a READ COMMITTED transaction sees what was
  // committed before it started; the lock orders the two transactions).
  // Lock order everywhere: job rows, then the pipeline row.
  static Status UpdatePipelineState(pqxx::work& tx, int64_t pipeline_id);

  PgSession db_;
};

}  // namespace cirun::postgres_internal
