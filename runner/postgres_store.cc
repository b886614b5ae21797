#include "runner/postgres_store.h"

#include <functional>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "harness/duration_text.h"
#include "runner/store_labels.h"

namespace cirun {
namespace {

// The server's clock in Unix milliseconds: every lease and timestamp uses it,
// so workers with skewed clocks agree on when a lease expires.
#define CIRUN_PG_NOW_MS "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT"

// The schema, one statement per entry, applied in order under an advisory
// lock (several processes may start at once) each time a store is opened.
// Every statement must be idempotent: new tables and indexes are appended
// with IF NOT EXISTS, new columns with ALTER TABLE ... ADD COLUMN IF NOT
// EXISTS, so that an existing database is brought up to date.
//
// Adding a Store method: one Tx<T>("what it does", [&](pqxx::work& tx) ->
// Result<T> { ... }) call; the lambda runs exec_params with $n parameters and
// returns the value or a Status (a non-OK Status rolls the transaction back).
// Time comes from CIRUN_PG_NOW_MS, never from this machine's clock.
constexpr const char* kSchema[] = {
    R"sql(CREATE TABLE IF NOT EXISTS pipelines(
  id BIGSERIAL PRIMARY KEY,
  repo TEXT NOT NULL, repo_name TEXT NOT NULL, commit_sha TEXT NOT NULL, ref TEXT NOT NULL,
  trigger TEXT NOT NULL, dirty BOOLEAN NOT NULL, worktree TEXT NOT NULL, title TEXT NOT NULL,
  delivery_id TEXT UNIQUE, options_json TEXT NOT NULL,
  state TEXT NOT NULL, created_ms BIGINT NOT NULL, finished_ms BIGINT NOT NULL DEFAULT 0))sql",
    R"sql(CREATE TABLE IF NOT EXISTS jobs(
  id BIGSERIAL PRIMARY KEY,
  pipeline_id BIGINT NOT NULL REFERENCES pipelines(id),
  name TEXT NOT NULL, unikernel TEXT NOT NULL, cell_key TEXT NOT NULL, cell_label TEXT NOT NULL,
  compiler TEXT NOT NULL, target TEXT NOT NULL, labels TEXT NOT NULL, spec_json TEXT NOT NULL,
  state TEXT NOT NULL, cause TEXT NOT NULL DEFAULT '', reproducer TEXT NOT NULL DEFAULT '',
  worker TEXT NOT NULL DEFAULT '', attempt INTEGER NOT NULL DEFAULT 0,
  lease_until_ms BIGINT NOT NULL DEFAULT 0, started_ms BIGINT NOT NULL DEFAULT 0,
  finished_ms BIGINT NOT NULL DEFAULT 0, duration_ms BIGINT NOT NULL DEFAULT 0))sql",
    "CREATE INDEX IF NOT EXISTS jobs_queued ON jobs(id) WHERE state = 'queued'",
    "CREATE INDEX IF NOT EXISTS jobs_running ON jobs(lease_until_ms) WHERE state = 'running'",
    "CREATE INDEX IF NOT EXISTS jobs_by_pipeline ON jobs(pipeline_id, id)",
    R"sql(CREATE TABLE IF NOT EXISTS steps(
  id BIGSERIAL PRIMARY KEY,
  job_id BIGINT NOT NULL REFERENCES jobs(id), attempt INTEGER NOT NULL, name TEXT NOT NULL,
  outcome TEXT NOT NULL, cause TEXT NOT NULL, duration_ms BIGINT NOT NULL,
  first_byte_ms BIGINT, success_ms BIGINT, command TEXT NOT NULL, log TEXT NOT NULL,
  detail_json TEXT NOT NULL, created_ms BIGINT NOT NULL))sql",
    "CREATE INDEX IF NOT EXISTS steps_by_job ON steps(job_id, attempt, id)",
    // Performance tracking (perf_records.h).
    R"sql(CREATE TABLE IF NOT EXISTS samples(
  id BIGSERIAL PRIMARY KEY,
  repo TEXT NOT NULL, unikernel TEXT NOT NULL, cell_key TEXT NOT NULL, metric TEXT NOT NULL,
  commit_sha TEXT NOT NULL, host TEXT NOT NULL, value DOUBLE PRECISION NOT NULL,
  unit TEXT NOT NULL, source TEXT NOT NULL, created_ms BIGINT NOT NULL))sql",
    "CREATE INDEX IF NOT EXISTS samples_by_key "
    "ON samples(repo, unikernel, cell_key, host, commit_sha, metric)",
    R"sql(CREATE TABLE IF NOT EXISTS perf_changes(
  id BIGSERIAL PRIMARY KEY,
  repo TEXT NOT NULL, unikernel TEXT NOT NULL, cell_key TEXT NOT NULL, metric TEXT NOT NULL,
  host TEXT NOT NULL, commit_sha TEXT NOT NULL, base_commit TEXT NOT NULL, verdict TEXT NOT NULL,
  ratio DOUBLE PRECISION NOT NULL, ci_low DOUBLE PRECISION NOT NULL,
  ci_high DOUBLE PRECISION NOT NULL, p_value DOUBLE PRECISION NOT NULL,
  base_median DOUBLE PRECISION NOT NULL, head_median DOUBLE PRECISION NOT NULL,
  base_n BIGINT NOT NULL, head_n BIGINT NOT NULL, unit TEXT NOT NULL, source TEXT NOT NULL,
  reproducer TEXT NOT NULL, created_ms BIGINT NOT NULL))sql",
    "CREATE INDEX IF NOT EXISTS perf_changes_by_repo ON perf_changes(repo, id)",
    // Fuzz findings (FindingRecord in store.h).
    R"sql(CREATE TABLE IF NOT EXISTS findings(
  id BIGSERIAL PRIMARY KEY,
  job_id BIGINT NOT NULL REFERENCES jobs(id), attempt INTEGER NOT NULL,
  repo TEXT NOT NULL, commit_sha TEXT NOT NULL, unikernel TEXT NOT NULL, cell_key TEXT NOT NULL,
  signature TEXT NOT NULL, outcome TEXT NOT NULL, cause TEXT NOT NULL,
  command_line TEXT NOT NULL, original TEXT NOT NULL, reproducer TEXT NOT NULL,
  boot_reproducer TEXT NOT NULL, hits INTEGER NOT NULL, seed BIGINT NOT NULL,
  created_ms BIGINT NOT NULL))sql",
    "CREATE INDEX IF NOT EXISTS findings_by_job ON findings(job_id, id)",
    // Live workers (WorkerRecord in store.h).
    R"sql(CREATE TABLE IF NOT EXISTS workers(
  name TEXT PRIMARY KEY, labels TEXT NOT NULL, slots INTEGER NOT NULL,
  running INTEGER NOT NULL, lease_ms BIGINT NOT NULL,
  started_ms BIGINT NOT NULL, seen_ms BIGINT NOT NULL))sql",
};

// Any constant: the advisory lock that serialises schema creation.
constexpr int64_t kSchemaLock = 0x63692d72756e;  // "ci-run"

constexpr const char* kPipelineColumns =
    "id, repo, repo_name, commit_sha, ref, trigger, dirty, worktree, title, "
    "COALESCE(delivery_id, ''), options_json, state, created_ms, finished_ms";
constexpr const char* kJobColumns =
    "id, pipeline_id, name, unikernel, cell_key, cell_label, compiler, target, labels, spec_json, "
    "state, cause, reproducer, worker, attempt, started_ms, finished_ms, duration_ms";

std::string Text(const pqxx::field& f) {
  return f.is_null() ? std::string() : std::string(f.c_str(), f.size());
}
int64_t Int(const pqxx::field& f) {
  return f.is_null() ? 0 : f.as<int64_t>();
}
std::optional<int64_t> OptionalInt(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<int64_t>();
}

PipelineRecord ReadPipeline(const pqxx::row& r) {
  PipelineRecord p;
  p.id = Int(r[0]);
  p.repo = Text(r[1]);
  p.repo_name = Text(r[2]);
  p.commit = Text(r[3]);
  p.ref = Text(r[4]);
  p.trigger = Text(r[5]);
  p.dirty = r[6].as<bool>();
  p.worktree = Text(r[7]);
  p.title = Text(r[8]);
  p.delivery_id = Text(r[9]);
  p.options_json = Text(r[10]);
  p.state = Text(r[11]);
  p.created_ms = Int(r[12]);
  p.finished_ms = Int(r[13]);
  return p;
}

JobRecord ReadJob(const pqxx::row& r) {
  JobRecord j;
  j.id = Int(r[0]);
  j.pipeline_id = Int(r[1]);
  j.name = Text(r[2]);
  j.unikernel = Text(r[3]);
  j.cell_key = Text(r[4]);
  j.cell_label = Text(r[5]);
  j.compiler = Text(r[6]);
  j.target = Text(r[7]);
  j.labels = SplitLabels(Text(r[8]));
  j.spec_json = Text(r[9]);
  j.state = ParseJobState(Text(r[10])).value_or(JobState::kInfra);
  j.cause = Text(r[11]);
  j.reproducer = Text(r[12]);
  j.worker = Text(r[13]);
  j.attempt = static_cast<int>(Int(r[14]));
  j.started_ms = Int(r[15]);
  j.finished_ms = Int(r[16]);
  j.duration_ms = Int(r[17]);
  return j;
}

StepRecord ReadStep(const pqxx::row& r) {
  StepRecord s;
  s.job_id = Int(r[0]);
  s.attempt = static_cast<int>(Int(r[1]));
  s.name = Text(r[2]);
  s.outcome = Text(r[3]);
  s.cause = Text(r[4]);
  s.duration_ms = Int(r[5]);
  s.first_byte_ms = OptionalInt(r[6]);
  s.success_ms = OptionalInt(r[7]);
  s.command = Text(r[8]);
  s.log = Text(r[9]);
  s.detail_json = Text(r[10]);
  return s;
}

Status LostLease(int64_t job_id, const std::string& worker, int attempt) {
  return Status::FailedPrecondition("job " + std::to_string(job_id) + " attempt " +
                                    std::to_string(attempt) + " is no longer held by " + worker);
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

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(const std::string& url) : db_(url) {}

  Status Init() {
    return Tx<bool>("create schema",
                    [](pqxx::work& tx) -> Result<bool> {
                      tx.exec_params("SELECT pg_advisory_xact_lock($1)", kSchemaLock);
                      for (const char* statement : kSchema) tx.exec(statement);
                      return true;
                    })
        .status();
  }

  Result<int64_t> CreatePipeline(const PipelineInfo& info, const std::vector<JobInfo>& jobs,
                                 bool* created) override {
    bool inserted = false;
    auto id = Tx<int64_t>("create pipeline", [&](pqxx::work& tx) -> Result<int64_t> {
      inserted = false;
      pqxx::result r = tx.exec_params(
          "INSERT INTO pipelines(repo, repo_name, commit_sha, ref, trigger, dirty, worktree, "
          "title, delivery_id, options_json, state, created_ms) "
          "VALUES($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9, ''), $10, 'queued', " CIRUN_PG_NOW_MS
          ") ON CONFLICT (delivery_id) DO NOTHING RETURNING id",
          info.repo, info.repo_name, info.commit, info.ref, info.trigger, info.dirty, info.worktree,
          info.title, info.delivery_id, info.options_json.empty() ? "{}" : info.options_json);
      if (r.empty()) {  // that delivery exists already
        return Int(tx.exec_params1("SELECT id FROM pipelines WHERE delivery_id = $1",
                                   info.delivery_id)[0]);
      }
      const int64_t id = Int(r[0][0]);
      for (const JobInfo& job : jobs) {
        tx.exec_params(
            "INSERT INTO jobs(pipeline_id, name, unikernel, cell_key, cell_label, compiler, "
            "target, labels, spec_json, state, cause, finished_ms) "
            "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
            "CASE WHEN $12 THEN " CIRUN_PG_NOW_MS " ELSE 0 END)",
            id, job.name, job.unikernel, job.cell_key, job.cell_label, job.compiler, job.target,
            JoinLabels(job.labels), job.spec_json, JobStateName(job.state), job.cause,
            IsFinal(job.state));
      }
      CIRUN_RETURN_IF_ERROR(UpdatePipelineState(tx, id));
      inserted = true;
      return id;
    });
    if (created) *created = id.ok() && inserted;
    return id;
  }

  Result<std::optional<ClaimedJob>> ClaimJob(const ClaimRequest& request) override {
    using Claimed = std::optional<ClaimedJob>;
    return Tx<Claimed>("claim a job", [&](pqxx::work& tx) -> Result<Claimed> {
      pqxx::result r = tx.exec_params(
          std::string("WITH candidate AS (SELECT id FROM jobs WHERE state = 'queued' "
                      "AND ($1 = 0 OR pipeline_id = $1) "
                      "AND string_to_array(labels, ' ') <@ string_to_array($2, ' ') "
                      "ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) "
                      "UPDATE jobs j SET state = 'running', worker = $3, attempt = attempt + 1, "
                      "lease_until_ms = " CIRUN_PG_NOW_MS " + $4, started_ms = " CIRUN_PG_NOW_MS
                      " FROM candidate WHERE j.id = candidate.id RETURNING ") +
              JobColumns("j."),
          request.pipeline_id.value_or(0), JoinLabels(request.labels), request.worker,
          static_cast<int64_t>(request.lease.count()));
      if (r.empty()) return Claimed();
      ClaimedJob claimed{ReadJob(r[0]), {}};
      tx.exec_params("UPDATE pipelines SET state = 'running' WHERE id = $1 AND state = 'queued'",
                     claimed.job.pipeline_id);
      pqxx::result p = tx.exec_params(
          std::string("SELECT ") + kPipelineColumns + " FROM pipelines WHERE id = $1",
          claimed.job.pipeline_id);
      if (p.empty()) return Status::Internal("job without pipeline");
      claimed.pipeline = ReadPipeline(p[0]);
      return Claimed(std::move(claimed));
    });
  }

  Status Heartbeat(int64_t job_id, const std::string& worker, int attempt,
                   std::chrono::milliseconds lease) override {
    return Tx<bool>(
               "heartbeat",
               [&](pqxx::work& tx) -> Result<bool> {
                 pqxx::result r = tx.exec_params(
                     "UPDATE jobs SET lease_until_ms = " CIRUN_PG_NOW_MS
                     " + $1 WHERE id = $2 AND worker = $3 AND attempt = $4 AND state = 'running'",
                     static_cast<int64_t>(lease.count()), job_id, worker, attempt);
                 if (r.affected_rows() == 0) return LostLease(job_id, worker, attempt);
                 return true;
               })
        .status();
  }

  Status AddStep(const StepRecord& step) override {
    const std::string first_byte =
        step.first_byte_ms ? std::to_string(*step.first_byte_ms) : std::string();
    const std::string success = step.success_ms ? std::to_string(*step.success_ms) : std::string();
    return Tx<bool>("record a step",
                    [&](pqxx::work& tx) -> Result<bool> {
                      tx.exec_params(
                          "INSERT INTO steps(job_id, attempt, name, outcome, cause, duration_ms, "
                          "first_byte_ms, success_ms, command, log, detail_json, created_ms) "
                          "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, " CIRUN_PG_NOW_MS
                          ")",
                          step.job_id, step.attempt, step.name, step.outcome, step.cause,
                          step.duration_ms, step.first_byte_ms ? first_byte.c_str() : nullptr,
                          step.success_ms ? success.c_str() : nullptr, step.command, step.log,
                          step.detail_json.empty() ? "{}" : step.detail_json);
                      return true;
                    })
        .status();
  }

  Status FinishJob(int64_t job_id, const std::string& worker, int attempt,
                   const JobResult& result) override {
    return Tx<bool>(
               "finish a job",
               [&](pqxx::work& tx) -> Result<bool> {
                 pqxx::result r = tx.exec_params(
                     "UPDATE jobs SET state = $1, cause = $2, reproducer = $3, duration_ms = $4, "
                     "finished_ms = " CIRUN_PG_NOW_MS
                     ", lease_until_ms = 0 WHERE id = $5 AND worker = $6 AND attempt = $7 "
                     "AND state = 'running' RETURNING pipeline_id",
                     JobStateName(result.state), result.cause, result.reproducer,
                     result.duration_ms, job_id, worker, attempt);
                 if (r.empty()) return LostLease(job_id, worker, attempt);
                 CIRUN_RETURN_IF_ERROR(UpdatePipelineState(tx, Int(r[0][0])));
                 return true;
               })
        .status();
  }

  Status ReleaseJob(int64_t job_id, const std::string& worker, int attempt) override {
    return Tx<bool>("release a job",
                    [&](pqxx::work& tx) -> Result<bool> {
                      pqxx::result r = tx.exec_params(
                          "UPDATE jobs SET state = 'queued', lease_until_ms = 0 WHERE id = $1 "
                          "AND worker = $2 AND attempt = $3 AND state = 'running'",
                          job_id, worker, attempt);
                      if (r.affected_rows() == 0) return LostLease(job_id, worker, attempt);
                      return true;
                    })
        .status();
  }

  Result<int> RequeueExpired() override {
    return Tx<int>("requeue expired leases", [&](pqxx::work& tx) -> Result<int> {
      pqxx::result r = tx.exec(
          "UPDATE jobs SET state = 'queued' WHERE state = 'running' "
          "AND lease_until_ms < " CIRUN_PG_NOW_MS);
      return static_cast<int>(r.affected_rows());
    });
  }

  Result<int> ExpireUnclaimed(std::chrono::milliseconds queued_for) override {
    return Tx<int>("expire unclaimed jobs", [&](pqxx::work& tx) -> Result<int> {
      pqxx::result r = tx.exec_params(
          "UPDATE jobs j SET state = 'infra', finished_ms = " CIRUN_PG_NOW_MS
          ", cause = CASE WHEN j.labels = '' THEN 'no worker' ELSE 'no worker offering ' || "
          "j.labels END || ' claimed it within ' || $1 FROM pipelines p WHERE p.id = "
          "j.pipeline_id AND j.state = 'queued' AND j.attempt = 0 AND p.created_ms "
          "< " CIRUN_PG_NOW_MS
          " - $2 AND NOT EXISTS (SELECT 1 FROM workers w WHERE "
          "w.seen_ms + w.lease_ms >= " CIRUN_PG_NOW_MS
          " AND string_to_array(j.labels, ' ') <@ "
          "string_to_array(w.labels, ' ')) RETURNING j.pipeline_id",
          FormatSettingDuration(queued_for), static_cast<int64_t>(queued_for.count()));
      std::set<int64_t> pipelines;
      for (const auto& row : r) pipelines.insert(Int(row[0]));
      for (int64_t id : pipelines) CIRUN_RETURN_IF_ERROR(UpdatePipelineState(tx, id));
      return static_cast<int>(r.affected_rows());
    });
  }

  Result<int> CancelQueued(int64_t pipeline_id, const std::string& unikernel,
                           const std::string& cause) override {
    return Tx<int>("cancel queued jobs", [&](pqxx::work& tx) -> Result<int> {
      pqxx::result r = tx.exec_params(
          "UPDATE jobs SET state = 'cancelled', cause = $1, finished_ms = " CIRUN_PG_NOW_MS
          " WHERE pipeline_id = $2 AND state = 'queued' AND ($3 = '' OR unikernel = $3)",
          cause, pipeline_id, unikernel);
      CIRUN_RETURN_IF_ERROR(UpdatePipelineState(tx, pipeline_id));
      return static_cast<int>(r.affected_rows());
    });
  }

  Result<PipelineRecord> GetPipeline(int64_t id) override {
    return Tx<PipelineRecord>("read a pipeline", [&](pqxx::work& tx) -> Result<PipelineRecord> {
      pqxx::result r = tx.exec_params(
          std::string("SELECT ") + kPipelineColumns + " FROM pipelines WHERE id = $1", id);
      if (r.empty()) return Status::NotFound("no pipeline " + std::to_string(id));
      return ReadPipeline(r[0]);
    });
  }

  Result<std::vector<PipelineRecord>> ListPipelines(int limit) override {
    using Out = std::vector<PipelineRecord>;
    return Tx<Out>("list pipelines", [&](pqxx::work& tx) -> Result<Out> {
      pqxx::result r = tx.exec_params(
          std::string("SELECT ") + kPipelineColumns + " FROM pipelines ORDER BY id DESC LIMIT $1",
          limit);
      Out out;
      for (const auto& row : r) out.push_back(ReadPipeline(row));
      return out;
    });
  }

  Result<std::vector<JobRecord>> ListJobs(int64_t pipeline_id) override {
    using Out = std::vector<JobRecord>;
    return Tx<Out>("list jobs", [&](pqxx::work& tx) -> Result<Out> {
      pqxx::result r = tx.exec_params(
          "SELECT " + JobColumns("") + " FROM jobs WHERE pipeline_id = $1 ORDER BY id",
          pipeline_id);
      Out out;
      for (const auto& row : r) out.push_back(ReadJob(row));
      return out;
    });
  }

  Result<std::vector<StepRecord>> ListSteps(int64_t job_id) override {
    using Out = std::vector<StepRecord>;
    return Tx<Out>("list steps", [&](pqxx::work& tx) -> Result<Out> {
      pqxx::result r = tx.exec_params(
          "SELECT s.job_id, s.attempt, s.name, s.outcome, s.cause, s.duration_ms, "
          "s.first_byte_ms, s.success_ms, s.command, s.log, s.detail_json FROM steps s "
          "JOIN jobs j ON j.id = s.job_id WHERE s.job_id = $1 AND s.attempt = j.attempt "
          "ORDER BY s.id",
          job_id);
      Out out;
      for (const auto& row : r) out.push_back(ReadStep(row));
      return out;
    });
  }

  Result<std::vector<std::pair<std::string, int64_t>>> CountJobsByState() override {
    using Out = std::vector<std::pair<std::string, int64_t>>;
    return Tx<Out>("count jobs", [&](pqxx::work& tx) -> Result<Out> {
      pqxx::result r = tx.exec("SELECT state, COUNT(*) FROM jobs GROUP BY state ORDER BY state");
      Out out;
      for (const auto& row : r) out.emplace_back(Text(row[0]), Int(row[1]));
      return out;
    });
  }

  Status AnnounceWorker(const WorkerRecord& w) override {
    return Tx<bool>("announce a worker",
                    [&](pqxx::work& tx) -> Result<bool> {
                      tx.exec_params(
                          "INSERT INTO workers(name, labels, slots, running, lease_ms, "
                          "started_ms, seen_ms) VALUES($1, $2, $3, $4, $5, " CIRUN_PG_NOW_MS
                          ", " CIRUN_PG_NOW_MS
                          ") ON CONFLICT(name) DO UPDATE SET labels = $2, slots = $3, "
                          "running = $4, lease_ms = $5, seen_ms = " CIRUN_PG_NOW_MS,
                          w.name, JoinLabels(w.labels), w.slots, w.running,
                          static_cast<int64_t>(w.lease.count()));
                      return true;
                    })
        .status();
  }

  Status RetireWorker(const std::string& name) override {
    return Tx<bool>("retire a worker",
                    [&](pqxx::work& tx) -> Result<bool> {
                      tx.exec_params("DELETE FROM workers WHERE name = $1", name);
                      return true;
                    })
        .status();
  }

  Result<std::vector<WorkerRecord>> ListWorkers() override {
    using Out = std::vector<WorkerRecord>;
    return Tx<Out>("list workers", [&](pqxx::work& tx) -> Result<Out> {
      pqxx::result r = tx.exec(
          "SELECT name, labels, slots, running, lease_ms, started_ms, seen_ms FROM workers "
          "WHERE seen_ms + lease_ms >= " CIRUN_PG_NOW_MS " ORDER BY name");
      Out out;
      for (const auto& row : r) {
        WorkerRecord w;
        w.name = Text(row[0]);
        w.labels = SplitLabels(Text(row[1]));
        w.slots = static_cast<int>(Int(row[2]));
        w.running = static_cast<int>(Int(row[3]));
        w.lease = std::chrono::milliseconds(Int(row[4]));
        w.started_ms = Int(row[5]);
        w.seen_ms = Int(row[6]);
        out.push_back(std::move(w));
      }
      return out;
    });
  }

  // ---- Performance tracking (perf_records.h).

  Status AddSamples(const std::vector<SampleRecord>& samples) override {
    return Tx<bool>("record benchmark samples",
                    [&](pqxx::work& tx) -> Result<bool> {
                      for (const SampleRecord& r : samples) {
                        tx.exec_params(
                            "INSERT INTO samples(repo, unikernel, cell_key, metric, commit_sha, "
                            "host, value, unit, source, created_ms) VALUES($1, $2, $3, $4, $5, "
                            "$6, $7, $8, $9, COALESCE(NULLIF($10, 0), " CIRUN_PG_NOW_MS "))",
                            r.repo, r.unikernel, r.cell_key, r.metric, r.commit, r.host, r.value,
                            r.unit, r.source, r.created_ms);
                      }
                      return true;
                    })
        .status();
  }

  Result<std::vector<SampleRecord>> ListSamples(const SampleQuery& q) override {
    using Out = std::vector<SampleRecord>;
    return Tx<Out>("list benchmark samples", [&](pqxx::work& tx) -> Result<Out> {
      std::string sql =
          "SELECT repo, unikernel, cell_key, metric, commit_sha, host, value, unit, source, "
          "created_ms FROM samples WHERE repo = $1 AND unikernel = $2 AND cell_key = $3 "
          "AND host = $4 AND ($5 = '' OR metric = $5)";
      if (!q.commits.empty()) {
        sql += " AND commit_sha IN (";
        for (size_t i = 0; i < q.commits.size(); ++i) {
          sql += (i ? "," : "") + tx.quote(q.commits[i]);
        }
        sql += ")";
      }
      sql += " ORDER BY id";
      pqxx::result rows = tx.exec_params(sql, q.repo, q.unikernel, q.cell_key, q.host, q.metric);
      Out out;
      for (const auto& row : rows) {
        SampleRecord r;
        r.repo = Text(row[0]);
        r.unikernel = Text(row[1]);
        r.cell_key = Text(row[2]);
        r.metric = Text(row[3]);
        r.commit = Text(row[4]);
        r.host = Text(row[5]);
        r.value = row[6].as<double>();
        r.unit = Text(row[7]);
        r.source = Text(row[8]);
        r.created_ms = Int(row[9]);
        out.push_back(std::move(r));
      }
      return out;
    });
  }

  Result<int64_t> AddPerfChange(const PerfChangeRecord& c) override {
    return Tx<int64_t>("record a performance change", [&](pqxx::work& tx) -> Result<int64_t> {
      pqxx::result r = tx.exec_params(
          "INSERT INTO perf_changes(repo, unikernel, cell_key, metric, host, commit_sha, "
          "base_commit, verdict, ratio, ci_low, ci_high, p_value, base_median, head_median, "
          "base_n, head_n, unit, source, reproducer, created_ms) VALUES($1, $2, $3, $4, $5, $6, "
          "$7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, "
          "COALESCE(NULLIF($20, 0), " CIRUN_PG_NOW_MS ")) RETURNING id",
          c.repo, c.unikernel, c.cell_key, c.metric, c.host, c.commit, c.base_commit, c.verdict,
          c.ratio, c.ci_low, c.ci_high, c.p_value, c.base_median, c.head_median, c.base_n, c.head_n,
          c.unit, c.source, c.reproducer, c.created_ms);
      return Int(r[0][0]);
    });
  }

  Result<std::vector<PerfChangeRecord>> ListPerfChanges(const std::string& repo,
                                                        int limit) override {
    using Out = std::vector<PerfChangeRecord>;
    return Tx<Out>("list performance changes", [&](pqxx::work& tx) -> Result<Out> {
      pqxx::result rows = tx.exec_params(
          "SELECT id, repo, unikernel, cell_key, metric, host, commit_sha, base_commit, verdict, "
          "ratio, ci_low, ci_high, p_value, base_median, head_median, base_n, head_n, unit, "
          "source, reproducer, created_ms FROM perf_changes WHERE $1 = '' OR repo = $1 "
          "ORDER BY id DESC LIMIT $2",
          repo, limit);
      Out out;
      for (const auto& row : rows) {
        PerfChangeRecord c;
        c.id = Int(row[0]);
        c.repo = Text(row[1]);
        c.unikernel = Text(row[2]);
        c.cell_key = Text(row[3]);
        c.metric = Text(row[4]);
        c.host = Text(row[5]);
        c.commit = Text(row[6]);
        c.base_commit = Text(row[7]);
        c.verdict = Text(row[8]);
        c.ratio = row[9].as<double>();
        c.ci_low = row[10].as<double>();
        c.ci_high = row[11].as<double>();
        c.p_value = row[12].as<double>();
        c.base_median = row[13].as<double>();
        c.head_median = row[14].as<double>();
        c.base_n = Int(row[15]);
        c.head_n = Int(row[16]);
        c.unit = Text(row[17]);
        c.source = Text(row[18]);
        c.reproducer = Text(row[19]);
        c.created_ms = Int(row[20]);
        out.push_back(std::move(c));
      }
      return out;
    });
  }

  // ---- Fuzz findings.

  Result<int64_t> AddFinding(const FindingRecord& f) override {
    return Tx<int64_t>("record a fuzz finding", [&](pqxx::work& tx) -> Result<int64_t> {
      pqxx::result r = tx.exec_params(
          "INSERT INTO findings(job_id, attempt, repo, commit_sha, unikernel, cell_key, "
          "signature, outcome, cause, command_line, original, reproducer, boot_reproducer, hits, "
          "seed, created_ms) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
          "$15, " CIRUN_PG_NOW_MS ") RETURNING id",
          f.job_id, f.attempt, f.repo, f.commit, f.unikernel, f.cell_key, f.signature, f.outcome,
          f.cause, f.command_line, f.original, f.reproducer, f.boot_reproducer, f.hits, f.seed);
      return Int(r[0][0]);
    });
  }

  Result<std::vector<FindingRecord>> ListFindings(int64_t pipeline_id) override {
    using Out = std::vector<FindingRecord>;
    return Tx<Out>("list fuzz findings", [&](pqxx::work& tx) -> Result<Out> {
      pqxx::result rows = tx.exec_params(
          "SELECT f.id, f.job_id, f.attempt, j.pipeline_id, f.repo, f.commit_sha, f.unikernel, "
          "f.cell_key, f.signature, f.outcome, f.cause, f.command_line, f.original, "
          "f.reproducer, f.boot_reproducer, f.hits, f.seed, f.created_ms "
          "FROM findings f JOIN jobs j ON j.id = f.job_id "
          "WHERE j.pipeline_id = $1 AND f.attempt = j.attempt ORDER BY f.id",
          pipeline_id);
      Out out;
      for (const auto& row : rows) {
        FindingRecord f;
        f.id = Int(row[0]);
        f.job_id = Int(row[1]);
        f.attempt = static_cast<int>(Int(row[2]));
        f.pipeline_id = Int(row[3]);
        f.repo = Text(row[4]);
        f.commit = Text(row[5]);
        f.unikernel = Text(row[6]);
        f.cell_key = Text(row[7]);
        f.signature = Text(row[8]);
        f.outcome = Text(row[9]);
        f.cause = Text(row[10]);
        f.command_line = Text(row[11]);
        f.original = Text(row[12]);
        f.reproducer = Text(row[13]);
        f.boot_reproducer = Text(row[14]);
        f.hits = static_cast<int>(Int(row[15]));
        f.seed = Int(row[16]);
        f.created_ms = Int(row[17]);
        out.push_back(std::move(f));
      }
      return out;
    });
  }

 private:
  template <typename T, typename F>
  Result<T> Tx(const char* what, F&& body) {
    return db_.Transact<T>(what, std::function<Result<T>(pqxx::work&)>(std::forward<F>(body)));
  }

  static std::string JobColumns(const std::string& prefix) {
    std::string out;
    std::string columns = kJobColumns;
    size_t pos = 0;
    while (pos < columns.size()) {
      size_t comma = columns.find(',', pos);
      if (comma == std::string::npos) comma = columns.size();
      std::string name = columns.substr(pos, comma - pos);
      while (!name.empty() && name.front() == ' ') name.erase(0, 1);
      out += (out.empty() ? "" : ", ") + prefix + name;
      pos = comma + 1;
    }
    return out;
  }

  // Recomputes a pipeline's state from its jobs. The pipeline row is locked
  // first, so two jobs finishing at once cannot both see the other one still
  // running (each statement of a READ COMMITTED transaction sees what was
  // committed before it started; the lock orders the two transactions).
  // Lock order everywhere: job rows, then the pipeline row.
  static Status UpdatePipelineState(pqxx::work& tx, int64_t pipeline_id) {
    tx.exec_params("SELECT id FROM pipelines WHERE id = $1 FOR UPDATE", pipeline_id);
    pqxx::result r = tx.exec_params(
        "SELECT state, COUNT(*) FROM jobs WHERE pipeline_id = $1 GROUP BY state", pipeline_id);
    std::map<std::string, int64_t> counts;
    for (const auto& row : r) counts[Text(row[0])] = Int(row[1]);
    const std::string state = PipelineStateFromCounts(counts);
    tx.exec_params(
        "UPDATE pipelines SET state = $1, finished_ms = CASE WHEN $1 IN ('queued', 'running') "
        "THEN 0 WHEN finished_ms > 0 THEN finished_ms ELSE " CIRUN_PG_NOW_MS " END WHERE id = $2",
        state, pipeline_id);
    return Status::Ok();
  }

  PgSession db_;
};

}  // namespace

std::string RedactDatabaseUrl(const std::string& url) {
  // scheme://user:password@host... -> scheme://user:***@host...
  size_t scheme = url.find("://");
  if (scheme != std::string::npos) {
    size_t start = scheme + 3;
    size_t at = url.find('@', start);
    size_t slash = url.find('/', start);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      size_t colon = url.find(':', start);
      if (colon != std::string::npos && colon < at)
        return url.substr(0, colon + 1) + "***" + url.substr(at);
    }
  }
  // key=value form: password=... -> password=***
  std::string out = url;
  size_t p = out.find("password=");
  while (p != std::string::npos) {
    size_t end = out.find_first_of(" &", p);
    out.replace(p + 9, (end == std::string::npos ? out.size() : end) - (p + 9), "***");
    p = out.find("password=", p + 12);
  }
  return out;
}

std::string WithConnectTimeout(const std::string& url) {
  if (url.find("connect_timeout") != std::string::npos) return url;
  if (url.find("://") == std::string::npos) return url + " connect_timeout=10";  // key=value form
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "connect_timeout=10";
}

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url) {
  auto store = std::make_unique<PostgresStore>(WithConnectTimeout(url));
  CIRUN_RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace cirun
