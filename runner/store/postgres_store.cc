#include "runner/store/postgres_store.h"

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "harness/duration_text.h"
#include "runner/store/postgres_store_internal.h"
#include "runner/store/store_labels.h"

namespace cirun {
namespace postgres_internal {
namespace {

// The schema, one statement per entry, applied in order under an advisory
// lock (several processes may start at once) when a store is opened on a
// database whose recorded schema differs (table schema_version holds a hash
// of these statements): a current database gets no DDL, whose table locks
// would deadlock with other processes' claims (8 workers starting at once).
// Every statement must be idempotent: new tables and indexes are appended
// with IF NOT EXISTS, new columns with ALTER TABLE ... ADD COLUMN IF NOT
// EXISTS, so that an existing database is brought up to date.
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
    // Job manifests (ManifestRecord in manifest_records.h): one per job attempt.
    R"sql(CREATE TABLE IF NOT EXISTS manifests(
  job_id BIGINT NOT NULL REFERENCES jobs(id), attempt INTEGER NOT NULL,
  source_tree TEXT NOT NULL, image_sha256 TEXT NOT NULL, image_size BIGINT NOT NULL,
  manifest_json TEXT NOT NULL, created_ms BIGINT NOT NULL, PRIMARY KEY(job_id, attempt)))sql",
    "CREATE INDEX IF NOT EXISTS manifests_by_image ON manifests(image_sha256)",
    "CREATE INDEX IF NOT EXISTS manifests_by_source ON manifests(source_tree)",
    // PipelineInfo::untrusted: code from a pull request.
    "ALTER TABLE pipelines ADD COLUMN IF NOT EXISTS untrusted BOOLEAN NOT NULL DEFAULT FALSE",
    // LiveLog: the output of a running step, one a job.
    R"sql(CREATE TABLE IF NOT EXISTS live_logs(
  job_id BIGINT PRIMARY KEY, attempt INTEGER NOT NULL, step TEXT NOT NULL,
  text TEXT NOT NULL, updated_ms BIGINT NOT NULL))sql",
    // StepRecord::excerpt: the lines that matter of a failed step.
    "ALTER TABLE steps ADD COLUMN IF NOT EXISTS excerpt TEXT NOT NULL DEFAULT ''",
    // Store::RequestCancel: a running job to stop.
    "ALTER TABLE jobs ADD COLUMN IF NOT EXISTS cancel_requested BOOLEAN NOT NULL DEFAULT FALSE",
    // WorkerRecord::unhealthy: why a worker takes no jobs.
    "ALTER TABLE workers ADD COLUMN IF NOT EXISTS unhealthy TEXT NOT NULL DEFAULT ''",
    // Failures (failure_records.h): case runs, bisections, failure signatures.
    R"sql(CREATE TABLE IF NOT EXISTS case_runs(
  id BIGSERIAL PRIMARY KEY,
  job_id BIGINT NOT NULL REFERENCES jobs(id), attempt INTEGER NOT NULL,
  repo TEXT NOT NULL, branch TEXT NOT NULL, commit_sha TEXT NOT NULL, unikernel TEXT NOT NULL,
  cell_key TEXT NOT NULL, case_name TEXT NOT NULL, outcome TEXT NOT NULL,
  runs INTEGER NOT NULL, passes INTEGER NOT NULL, created_ms BIGINT NOT NULL))sql",
    "CREATE INDEX IF NOT EXISTS case_runs_by_branch ON case_runs(repo, branch, id)",
    R"sql(CREATE TABLE IF NOT EXISTS bisections(
  id BIGSERIAL PRIMARY KEY, pipeline_id BIGINT NOT NULL,
  repo TEXT NOT NULL, unikernel TEXT NOT NULL, cell_key TEXT NOT NULL, case_name TEXT NOT NULL,
  good TEXT NOT NULL, bad TEXT NOT NULL, verdict TEXT NOT NULL, culprit TEXT NOT NULL,
  summary TEXT NOT NULL, created_ms BIGINT NOT NULL))sql",
    "CREATE INDEX IF NOT EXISTS bisections_by_repo ON bisections(repo, id)",
    R"sql(CREATE TABLE IF NOT EXISTS failure_signatures(
  repo TEXT NOT NULL, signature TEXT NOT NULL, first_commit TEXT NOT NULL,
  last_commit TEXT NOT NULL, first_seen_ms BIGINT NOT NULL, last_seen_ms BIGINT NOT NULL,
  cells BIGINT NOT NULL, PRIMARY KEY(repo, signature)))sql",
};

// Any constant: the advisory lock that serialises schema creation.
constexpr int64_t kSchemaLock = 0x63692d72756e;  // "ci-run"

// The schema's version: FNV-1a of its statements, the same in every build.
std::string SchemaVersion() {
  uint64_t h = 14695981039346656037ull;
  for (const char* statement : kSchema) {
    for (const char* c = statement; *c; ++c)
      h = (h ^ static_cast<unsigned char>(*c)) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;  // between statements
  }
  char out[17];
  snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

constexpr const char* kPipelineColumns =
    "id, repo, repo_name, commit_sha, ref, trigger, dirty, worktree, title, "
    "COALESCE(delivery_id, ''), options_json, state, created_ms, finished_ms, untrusted";
constexpr const char* kJobColumns =
    "id, pipeline_id, name, unikernel, cell_key, cell_label, compiler, target, labels, spec_json, "
    "state, cause, reproducer, worker, attempt, started_ms, finished_ms, duration_ms";

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
  p.untrusted = r[14].as<bool>();
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
  s.excerpt = Text(r[11]);
  return s;
}

// Jobs at an attempt as a PostgreSQL text array literal ("{7:1,9:2}"), for
// `id || ':' || attempt = ANY($n::text[])`.
std::string JobAttemptArray(const std::vector<ExcludedJob>& jobs) {
  std::string out = "{";
  for (const ExcludedJob& j : jobs)
    out += (out.size() > 1 ? "," : "") + std::to_string(j.id) + ":" + std::to_string(j.attempt);
  return out + "}";
}

Status LostLease(int64_t job_id, const std::string& worker, int attempt) {
  return Status::FailedPrecondition("job " + std::to_string(job_id) + " attempt " +
                                    std::to_string(attempt) + " is no longer held by " + worker);
}

}  // namespace

Status PostgresStore::Init() {
  const std::string version = SchemaVersion();
  return Tx<bool>(
             "create schema",
             [&version](pqxx::work& tx) -> Result<bool> {
               tx.exec_params("SELECT pg_advisory_xact_lock($1)", kSchemaLock);
               if (!tx.exec("SELECT to_regclass('schema_version') IS NOT NULL")[0][0].as<bool>()) {
                 tx.exec("CREATE TABLE schema_version(version TEXT NOT NULL)");
               } else if (!tx.exec_params("SELECT 1 FROM schema_version WHERE version = $1",
                                          version)
                               .empty()) {
                 return true;  // current: no DDL
               }
               for (const char* statement : kSchema) tx.exec(statement);
               tx.exec("DELETE FROM schema_version");
               tx.exec_params("INSERT INTO schema_version(version) VALUES ($1)", version);
               return true;
             })
      .status();
}

Status PostgresStore::SetClockForTesting(std::optional<int64_t> now_ms) {
  const std::string value = now_ms ? std::to_string(*now_ms) : "";
  return Tx<bool>("set the test clock",
                  [&value](pqxx::work& tx) -> Result<bool> {
                    tx.exec_params("SELECT set_config('cirun.now_ms', $1, false)", value);
                    return true;
                  })
      .status();
}

Result<int64_t> PostgresStore::CreatePipeline(const PipelineInfo& info,
                                              const std::vector<JobInfo>& jobs, bool* created) {
  bool inserted = false;
  auto id = Tx<int64_t>("create pipeline", [&](pqxx::work& tx) -> Result<int64_t> {
    inserted = false;
    // Pipeline numbers have no gaps, as in SQLite: a sequence would lose a
    // number to every retried transaction and every duplicate delivery, and
    // users ask where pipeline 4 went. Creators take turns; readers do not wait.
    tx.exec("LOCK TABLE pipelines IN SHARE ROW EXCLUSIVE MODE");
    if (!info.delivery_id.empty()) {
      pqxx::result seen =
          tx.exec_params("SELECT id FROM pipelines WHERE delivery_id = $1", info.delivery_id);
      if (!seen.empty()) return Int(seen[0][0]);  // that delivery exists already
    }
    pqxx::result r = tx.exec_params(
        "INSERT INTO pipelines(id, repo, repo_name, commit_sha, ref, trigger, dirty, worktree, "
        "title, delivery_id, options_json, state, created_ms, untrusted) "
        "VALUES((SELECT COALESCE(MAX(id), 0) + 1 FROM pipelines), $1, $2, $3, $4, $5, $6, $7, $8, "
        "NULLIF($9, ''), $10, 'queued', " CIRUN_PG_NOW_MS ", $11) RETURNING id",
        info.repo, info.repo_name, info.commit, info.ref, info.trigger, info.dirty, info.worktree,
        info.title, info.delivery_id, info.options_json.empty() ? "{}" : info.options_json,
        info.untrusted);
    // The sequence follows, so nothing that still takes its default collides.
    tx.exec_params("SELECT setval(pg_get_serial_sequence('pipelines', 'id'), $1)", Int(r[0][0]));
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

Result<std::optional<ClaimedJob>> PostgresStore::ClaimJob(const ClaimRequest& request) {
  using Claimed = std::optional<ClaimedJob>;
  return Tx<Claimed>("claim a job", [&](pqxx::work& tx) -> Result<Claimed> {
    pqxx::result r = tx.exec_params(
        std::string("WITH candidate AS (SELECT id FROM jobs WHERE state = 'queued' "
                    "AND ($1 = 0 OR pipeline_id = $1) "
                    "AND string_to_array(labels, ' ') <@ string_to_array($2, ' ') "
                    "AND NOT (id::text || ':' || attempt::text = ANY($5::text[])) "
                    "ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) "
                    "UPDATE jobs j SET state = 'running', worker = $3, attempt = attempt + 1, "
                    "lease_until_ms = " CIRUN_PG_NOW_MS " + $4, started_ms = " CIRUN_PG_NOW_MS
                    " FROM candidate WHERE j.id = candidate.id RETURNING ") +
            JobColumns("j."),
        request.pipeline_id.value_or(0), JoinLabels(request.labels), request.worker,
        static_cast<int64_t>(request.lease.count()), JobAttemptArray(request.exclude_jobs));
    if (r.empty()) return Claimed();
    ClaimedJob claimed{ReadJob(r[0]), {}};
    tx.exec_params("UPDATE pipelines SET state = 'running' WHERE id = $1 AND state = 'queued'",
                   claimed.job.pipeline_id);
    pqxx::result p =
        tx.exec_params(std::string("SELECT ") + kPipelineColumns + " FROM pipelines WHERE id = $1",
                       claimed.job.pipeline_id);
    if (p.empty()) return Status::Internal("job without pipeline");
    claimed.pipeline = ReadPipeline(p[0]);
    return Claimed(std::move(claimed));
  });
}

Status PostgresStore::Heartbeat(int64_t job_id, const std::string& worker, int attempt,
                                std::chrono::milliseconds lease) {
  // Whether the job is to be cancelled; the lease is extended all the same
  // (an error inside the transaction would roll it back).
  auto cancel = Tx<bool>("heartbeat", [&](pqxx::work& tx) -> Result<bool> {
    pqxx::result r =
        tx.exec_params("UPDATE jobs SET lease_until_ms = " CIRUN_PG_NOW_MS
                       " + $1 WHERE id = $2 AND worker = $3 AND attempt = $4 AND state = 'running' "
                       "RETURNING cancel_requested",
                       static_cast<int64_t>(lease.count()), job_id, worker, attempt);
    if (r.empty()) return LostLease(job_id, worker, attempt);
    return r[0][0].as<bool>();
  });
  if (!cancel.ok()) return cancel.status();
  if (*cancel) return Status::Cancelled("job " + std::to_string(job_id) + " is to be cancelled");
  return Status::Ok();
}

Status PostgresStore::AddStep(const StepRecord& step) {
  const std::string first_byte =
      step.first_byte_ms ? std::to_string(*step.first_byte_ms) : std::string();
  const std::string success = step.success_ms ? std::to_string(*step.success_ms) : std::string();
  return Tx<bool>(
             "record a step",
             [&](pqxx::work& tx) -> Result<bool> {
               tx.exec_params(
                   "INSERT INTO steps(job_id, attempt, name, outcome, cause, duration_ms, "
                   "first_byte_ms, success_ms, command, log, detail_json, created_ms, excerpt) "
                   "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, " CIRUN_PG_NOW_MS ", $12)",
                   step.job_id, step.attempt, step.name, step.outcome, step.cause, step.duration_ms,
                   step.first_byte_ms ? first_byte.c_str() : nullptr,
                   step.success_ms ? success.c_str() : nullptr, step.command, step.log,
                   step.detail_json.empty() ? "{}" : step.detail_json, step.excerpt);
               return true;
             })
      .status();
}

Status PostgresStore::FinishJob(int64_t job_id, const std::string& worker, int attempt,
                                const JobResult& result) {
  return Tx<bool>(
             "finish a job",
             [&](pqxx::work& tx) -> Result<bool> {
               pqxx::result r = tx.exec_params(
                   "UPDATE jobs SET state = $1, cause = $2, reproducer = $3, duration_ms = $4, "
                   "finished_ms = " CIRUN_PG_NOW_MS
                   ", lease_until_ms = 0 WHERE id = $5 AND worker = $6 AND attempt = $7 "
                   "AND state = 'running' RETURNING pipeline_id",
                   JobStateName(result.state), result.cause, result.reproducer, result.duration_ms,
                   job_id, worker, attempt);
               if (r.empty()) return LostLease(job_id, worker, attempt);
               CIRUN_RETURN_IF_ERROR(UpdatePipelineState(tx, Int(r[0][0])));
               return true;
             })
      .status();
}

Status PostgresStore::ReleaseJob(int64_t job_id, const std::string& worker, int attempt) {
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

Result<int> PostgresStore::RequeueExpired() {
  return Tx<int>("requeue expired leases", [&](pqxx::work& tx) -> Result<int> {
    pqxx::result r = tx.exec(
        "UPDATE jobs SET state = 'queued' WHERE state = 'running' "
        "AND lease_until_ms < " CIRUN_PG_NOW_MS);
    return static_cast<int>(r.affected_rows());
  });
}

Result<int> PostgresStore::ExpireUnclaimed(std::chrono::milliseconds queued_for) {
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

Result<int> PostgresStore::CancelQueued(int64_t pipeline_id, const std::string& unikernel,
                                        const std::string& cause) {
  return Tx<int>("cancel queued jobs", [&](pqxx::work& tx) -> Result<int> {
    pqxx::result r = tx.exec_params(
        "UPDATE jobs SET state = 'cancelled', cause = $1, finished_ms = " CIRUN_PG_NOW_MS
        " WHERE pipeline_id = $2 AND state = 'queued' AND ($3 = '' OR unikernel = $3)",
        cause, pipeline_id, unikernel);
    CIRUN_RETURN_IF_ERROR(UpdatePipelineState(tx, pipeline_id));
    return static_cast<int>(r.affected_rows());
  });
}

Result<int> PostgresStore::RequestCancel(int64_t pipeline_id) {
  return Tx<int>("request a cancel", [&](pqxx::work& tx) -> Result<int> {
    pqxx::result r = tx.exec_params(
        "UPDATE jobs SET cancel_requested = TRUE WHERE pipeline_id = $1 AND state = 'running'",
        pipeline_id);
    return static_cast<int>(r.affected_rows());
  });
}

Result<int> PostgresStore::ApprovePipeline(int64_t pipeline_id) {
  return Tx<int>("approve a pipeline", [&](pqxx::work& tx) -> Result<int> {
    if (tx.exec_params("SELECT id FROM pipelines WHERE id = $1", pipeline_id).empty())
      return Status::NotFound("no pipeline " + std::to_string(pipeline_id));
    pqxx::result r = tx.exec_params(
        "UPDATE jobs SET state = 'queued', cause = '' WHERE pipeline_id = $1 AND state = 'waiting'",
        pipeline_id);
    CIRUN_RETURN_IF_ERROR(UpdatePipelineState(tx, pipeline_id));
    return static_cast<int>(r.affected_rows());
  });
}

Result<std::vector<PipelineRecord>> PostgresStore::ListWaitingPipelines() {
  using Out = std::vector<PipelineRecord>;
  return Tx<Out>("list waiting pipelines", [&](pqxx::work& tx) -> Result<Out> {
    pqxx::result r = tx.exec(std::string("SELECT ") + kPipelineColumns +
                             " FROM pipelines WHERE state = 'waiting' ORDER BY id");
    Out out;
    for (const auto& row : r) out.push_back(ReadPipeline(row));
    return out;
  });
}

Result<PipelineRecord> PostgresStore::GetPipeline(int64_t id) {
  return Tx<PipelineRecord>("read a pipeline", [&](pqxx::work& tx) -> Result<PipelineRecord> {
    pqxx::result r = tx.exec_params(
        std::string("SELECT ") + kPipelineColumns + " FROM pipelines WHERE id = $1", id);
    if (r.empty()) return Status::NotFound("no pipeline " + std::to_string(id));
    return ReadPipeline(r[0]);
  });
}

Result<std::vector<PipelineRecord>> PostgresStore::ListPipelines(int limit) {
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

Result<std::vector<JobRecord>> PostgresStore::ListJobs(int64_t pipeline_id) {
  using Out = std::vector<JobRecord>;
  return Tx<Out>("list jobs", [&](pqxx::work& tx) -> Result<Out> {
    pqxx::result r = tx.exec_params(
        "SELECT " + JobColumns("") + " FROM jobs WHERE pipeline_id = $1 ORDER BY id", pipeline_id);
    Out out;
    for (const auto& row : r) out.push_back(ReadJob(row));
    return out;
  });
}

Result<std::vector<StepRecord>> PostgresStore::ListSteps(int64_t job_id) {
  using Out = std::vector<StepRecord>;
  return Tx<Out>("list steps", [&](pqxx::work& tx) -> Result<Out> {
    pqxx::result r = tx.exec_params(
        "SELECT s.job_id, s.attempt, s.name, s.outcome, s.cause, s.duration_ms, "
        "s.first_byte_ms, s.success_ms, s.command, s.log, s.detail_json, s.excerpt FROM steps s "
        "JOIN jobs j ON j.id = s.job_id WHERE s.job_id = $1 AND s.attempt = j.attempt "
        "ORDER BY s.id",
        job_id);
    Out out;
    for (const auto& row : r) out.push_back(ReadStep(row));
    return out;
  });
}

Result<std::vector<StepSummary>> PostgresStore::ListStepsWithoutLogs(int64_t job_id) {
  using Out = std::vector<StepSummary>;
  return Tx<Out>("list steps", [&](pqxx::work& tx) -> Result<Out> {
    // octet_length reads a TOASTed log's size without fetching it.
    pqxx::result r = tx.exec_params(
        "SELECT s.job_id, s.attempt, s.name, s.outcome, s.cause, s.duration_ms, "
        "s.first_byte_ms, s.success_ms, s.command, '', s.detail_json, s.excerpt, s.id, "
        "octet_length(s.log) FROM steps s "
        "JOIN jobs j ON j.id = s.job_id WHERE s.job_id = $1 AND s.attempt = j.attempt "
        "ORDER BY s.id",
        job_id);
    Out out;
    for (const auto& row : r) out.push_back(StepSummary{ReadStep(row), Int(row[12]), Int(row[13])});
    return out;
  });
}

Result<std::string> PostgresStore::ReadStepLog(int64_t step_id, int64_t offset, int64_t limit) {
  return Tx<std::string>("read a step's log", [&](pqxx::work& tx) -> Result<std::string> {
    // Bytes, not characters: the piece is cut from the log's UTF-8 bytes.
    pqxx::result r = tx.exec_params(
        "SELECT substring(convert_to(log, 'UTF8') FROM $2 FOR $3) FROM steps WHERE id = $1",
        step_id, std::max<int64_t>(offset, 0) + 1, std::max<int64_t>(limit, 0));
    if (r.empty()) return Status::NotFound("no step " + std::to_string(step_id));
    return pqxx::binarystring(r[0][0]).str();
  });
}

Status PostgresStore::SetLiveLog(const LiveLog& log) {
  return Tx<bool>("set a live log",
                  [&](pqxx::work& tx) -> Result<bool> {
                    tx.exec_params(
                        "INSERT INTO live_logs(job_id, attempt, step, text, updated_ms) "
                        "VALUES($1, $2, $3, $4, " CIRUN_PG_NOW_MS
                        ") ON CONFLICT (job_id) DO "
                        "UPDATE SET attempt = EXCLUDED.attempt, step = EXCLUDED.step, "
                        "text = EXCLUDED.text, updated_ms = EXCLUDED.updated_ms",
                        log.job_id, log.attempt, log.step, log.text);
                    return true;
                  })
      .status();
}

Result<std::optional<LiveLog>> PostgresStore::GetLiveLog(int64_t job_id) {
  using Out = std::optional<LiveLog>;
  return Tx<Out>("read a live log", [&](pqxx::work& tx) -> Result<Out> {
    pqxx::result r = tx.exec_params(
        "SELECT attempt, step, text, updated_ms FROM live_logs WHERE job_id = $1", job_id);
    if (r.empty()) return Out();
    return Out(LiveLog{job_id, static_cast<int>(Int(r[0][0])), Text(r[0][1]), Text(r[0][2]),
                       Int(r[0][3])});
  });
}

Status PostgresStore::ClearLiveLog(int64_t job_id) {
  return Tx<bool>("clear a live log",
                  [&](pqxx::work& tx) -> Result<bool> {
                    tx.exec_params("DELETE FROM live_logs WHERE job_id = $1", job_id);
                    return true;
                  })
      .status();
}

Result<std::vector<std::pair<std::string, int64_t>>> PostgresStore::CountJobsByState() {
  using Out = std::vector<std::pair<std::string, int64_t>>;
  return Tx<Out>("count jobs", [&](pqxx::work& tx) -> Result<Out> {
    pqxx::result r = tx.exec("SELECT state, COUNT(*) FROM jobs GROUP BY state ORDER BY state");
    Out out;
    for (const auto& row : r) out.emplace_back(Text(row[0]), Int(row[1]));
    return out;
  });
}

std::string PostgresStore::JobColumns(const std::string& prefix) {
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

Status PostgresStore::UpdatePipelineState(pqxx::work& tx, int64_t pipeline_id) {
  tx.exec_params("SELECT id FROM pipelines WHERE id = $1 FOR UPDATE", pipeline_id);
  pqxx::result r = tx.exec_params(
      "SELECT state, COUNT(*) FROM jobs WHERE pipeline_id = $1 GROUP BY state", pipeline_id);
  std::map<std::string, int64_t> counts;
  for (const auto& row : r) counts[Text(row[0])] = Int(row[1]);
  const std::string state = PipelineStateFromCounts(counts);
  tx.exec_params(
      "UPDATE pipelines SET state = $1, finished_ms = CASE WHEN $1 IN ('queued', 'running', "
      "'waiting') "
      "THEN 0 WHEN finished_ms > 0 THEN finished_ms ELSE " CIRUN_PG_NOW_MS " END WHERE id = $2",
      state, pipeline_id);
  return Status::Ok();
}

}  // namespace postgres_internal

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
  auto store = std::make_unique<postgres_internal::PostgresStore>(WithConnectTimeout(url));
  CIRUN_RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace cirun
