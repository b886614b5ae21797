#include "runner/store/sqlite_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <mutex>
#include <set>
#include <sstream>

#include "harness/duration_text.h"
#include "runner/store/sqlite_store_internal.h"
#include "runner/store/store_labels.h"

namespace cirun {
namespace sqlite_internal {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS pipelines(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  repo TEXT NOT NULL, repo_name TEXT NOT NULL, commit_sha TEXT NOT NULL, ref TEXT NOT NULL,
  trigger TEXT NOT NULL, dirty INTEGER NOT NULL, worktree TEXT NOT NULL, title TEXT NOT NULL,
  delivery_id TEXT, options_json TEXT NOT NULL,
  state TEXT NOT NULL, created_ms INTEGER NOT NULL, finished_ms INTEGER NOT NULL DEFAULT 0);
CREATE UNIQUE INDEX IF NOT EXISTS pipelines_delivery ON pipelines(delivery_id)
  WHERE delivery_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS jobs(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  pipeline_id INTEGER NOT NULL REFERENCES pipelines(id),
  name TEXT NOT NULL, unikernel TEXT NOT NULL, cell_key TEXT NOT NULL, cell_label TEXT NOT NULL,
  compiler TEXT NOT NULL, target TEXT NOT NULL, labels TEXT NOT NULL, spec_json TEXT NOT NULL,
  state TEXT NOT NULL, cause TEXT NOT NULL DEFAULT '', reproducer TEXT NOT NULL DEFAULT '',
  worker TEXT NOT NULL DEFAULT '', attempt INTEGER NOT NULL DEFAULT 0,
  lease_until_ms INTEGER NOT NULL DEFAULT 0, started_ms INTEGER NOT NULL DEFAULT 0,
  finished_ms INTEGER NOT NULL DEFAULT 0, duration_ms INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs(state, id);
CREATE INDEX IF NOT EXISTS jobs_by_pipeline ON jobs(pipeline_id, id);
CREATE TABLE IF NOT EXISTS steps(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id INTEGER NOT NULL REFERENCES jobs(id), attempt INTEGER NOT NULL, name TEXT NOT NULL,
  outcome TEXT NOT NULL, cause TEXT NOT NULL, duration_ms INTEGER NOT NULL,
  first_byte_ms INTEGER, success_ms INTEGER, command TEXT NOT NULL, log TEXT NOT NULL,
  detail_json TEXT NOT NULL, created_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS steps_by_job ON steps(job_id, attempt, id);
CREATE TABLE IF NOT EXISTS workers(
  name TEXT PRIMARY KEY, labels TEXT NOT NULL, slots INTEGER NOT NULL,
  running INTEGER NOT NULL, lease_ms INTEGER NOT NULL,
  started_ms INTEGER NOT NULL, seen_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS live_logs(
  job_id INTEGER PRIMARY KEY, attempt INTEGER NOT NULL, step TEXT NOT NULL,
  text TEXT NOT NULL, updated_ms INTEGER NOT NULL);
)sql";

// Performance tracking: benchmark samples and the changes found in them.
constexpr const char* kPerfSchema = R"sql(
CREATE TABLE IF NOT EXISTS samples(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  repo TEXT NOT NULL, unikernel TEXT NOT NULL, cell_key TEXT NOT NULL, metric TEXT NOT NULL,
  commit_sha TEXT NOT NULL, host TEXT NOT NULL, value REAL NOT NULL, unit TEXT NOT NULL,
  source TEXT NOT NULL, created_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS samples_by_key
  ON samples(repo, unikernel, cell_key, host, commit_sha, metric);
CREATE TABLE IF NOT EXISTS perf_changes(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  repo TEXT NOT NULL, unikernel TEXT NOT NULL, cell_key TEXT NOT NULL, metric TEXT NOT NULL,
  host TEXT NOT NULL, commit_sha TEXT NOT NULL, base_commit TEXT NOT NULL, verdict TEXT NOT NULL,
  ratio REAL NOT NULL, ci_low REAL NOT NULL, ci_high REAL NOT NULL, p_value REAL NOT NULL,
  base_median REAL NOT NULL, head_median REAL NOT NULL, base_n INTEGER NOT NULL,
  head_n INTEGER NOT NULL, unit TEXT NOT NULL, source TEXT NOT NULL, reproducer TEXT NOT NULL,
  created_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS perf_changes_by_repo ON perf_changes(repo, id);
)sql";

// Fuzz findings (see FindingRecord in store.h).
constexpr const char* kFindingsSchema = R"sql(
CREATE TABLE IF NOT EXISTS findings(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id INTEGER NOT NULL REFERENCES jobs(id), attempt INTEGER NOT NULL,
  repo TEXT NOT NULL, commit_sha TEXT NOT NULL, unikernel TEXT NOT NULL, cell_key TEXT NOT NULL,
  signature TEXT NOT NULL, outcome TEXT NOT NULL, cause TEXT NOT NULL,
  command_line TEXT NOT NULL, original TEXT NOT NULL, reproducer TEXT NOT NULL,
  boot_reproducer TEXT NOT NULL, hits INTEGER NOT NULL, seed INTEGER NOT NULL,
  created_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS findings_by_job ON findings(job_id, id);
)sql";

// Job manifests (ManifestRecord in manifest_records.h): one per job attempt.
constexpr const char* kManifestsSchema = R"sql(
CREATE TABLE IF NOT EXISTS manifests(
  job_id INTEGER NOT NULL REFERENCES jobs(id), attempt INTEGER NOT NULL,
  source_tree TEXT NOT NULL, image_sha256 TEXT NOT NULL, image_size INTEGER NOT NULL,
  manifest_json TEXT NOT NULL, created_ms INTEGER NOT NULL, PRIMARY KEY(job_id, attempt));
CREATE INDEX IF NOT EXISTS manifests_by_image ON manifests(image_sha256);
CREATE INDEX IF NOT EXISTS manifests_by_source ON manifests(source_tree);
)sql";

// Columns added after a table was first released: added to an existing
// database when it is opened (SQLite has no ADD COLUMN IF NOT EXISTS).
struct AddedColumn {
  const char* table;
  const char* column;
  const char* definition;
};
constexpr AddedColumn kAddedColumns[] = {
    {"pipelines", "untrusted", "INTEGER NOT NULL DEFAULT 0"},
    {"steps", "excerpt", "TEXT NOT NULL DEFAULT ''"},
    {"jobs", "cancel_requested", "INTEGER NOT NULL DEFAULT 0"},
    {"workers", "unhealthy", "TEXT NOT NULL DEFAULT ''"},
};

constexpr const char* kPipelineColumns =
    "id, repo, repo_name, commit_sha, ref, trigger, dirty, worktree, title, "
    "COALESCE(delivery_id, ''), options_json, state, created_ms, finished_ms, untrusted";
constexpr const char* kJobColumns =
    "id, pipeline_id, name, unikernel, cell_key, cell_label, compiler, target, labels, spec_json, "
    "state, cause, reproducer, worker, attempt, started_ms, finished_ms, duration_ms";

PipelineRecord ReadPipeline(const Statement& s) {
  PipelineRecord p;
  p.id = s.Int(0);
  p.repo = s.Text(1);
  p.repo_name = s.Text(2);
  p.commit = s.Text(3);
  p.ref = s.Text(4);
  p.trigger = s.Text(5);
  p.dirty = s.Int(6) != 0;
  p.worktree = s.Text(7);
  p.title = s.Text(8);
  p.delivery_id = s.Text(9);
  p.options_json = s.Text(10);
  p.state = s.Text(11);
  p.created_ms = s.Int(12);
  p.finished_ms = s.Int(13);
  p.untrusted = s.Int(14) != 0;
  return p;
}

// Adds `c` to its table unless it is there already. Run in a write
// transaction, so two processes opening one database add it once.
Status AddColumn(sqlite3* db, const AddedColumn& c) {
  Statement info(db, (std::string("PRAGMA table_info(") + c.table + ")").c_str());
  int rc;
  while ((rc = info.Step()) == SQLITE_ROW) {
    if (info.Text(1) == c.column) return Status::Ok();
  }
  if (rc != SQLITE_DONE) return info.Error();
  const std::string alter =
      std::string("ALTER TABLE ") + c.table + " ADD COLUMN " + c.column + " " + c.definition;
  return Statement(db, alter.c_str()).Run();
}

JobRecord ReadJob(const Statement& s) {
  JobRecord j;
  j.id = s.Int(0);
  j.pipeline_id = s.Int(1);
  j.name = s.Text(2);
  j.unikernel = s.Text(3);
  j.cell_key = s.Text(4);
  j.cell_label = s.Text(5);
  j.compiler = s.Text(6);
  j.target = s.Text(7);
  j.labels = SplitLabels(s.Text(8));
  j.spec_json = s.Text(9);
  j.state = ParseJobState(s.Text(10)).value_or(JobState::kInfra);
  j.cause = s.Text(11);
  j.reproducer = s.Text(12);
  j.worker = s.Text(13);
  j.attempt = static_cast<int>(s.Int(14));
  j.started_ms = s.Int(15);
  j.finished_ms = s.Int(16);
  j.duration_ms = s.Int(17);
  return j;
}

}  // namespace

Status SqliteStore::Init() {
  // Two processes opening a new database at once (serve and a worker started
  // together) must both succeed. Turning a new file to WAL takes an exclusive
  // lock and fails at once, without the busy handler, while the other holds
  // any lock: it is retried for as long as the busy timeout. The schema then
  // goes in one IMMEDIATE transaction, which waits through the busy timeout,
  // rather than statement by statement, where a read lock upgraded to a write
  // lock fails at once with "database is locked".
  char* err = nullptr;
  auto exec = [&](const std::string& sql) {
    sqlite3_free(err);
    err = nullptr;
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  };
  int rc = SQLITE_BUSY;
  for (int waited_ms = 0; waited_ms <= 10'000; waited_ms += 20) {
    rc = exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    sqlite3_sleep(20);
  }
  if (rc == SQLITE_OK)
    rc = exec(std::string("BEGIN IMMEDIATE; ") + kSchema + kPerfSchema + kFindingsSchema +
              kManifestsSchema + FailuresSchemaSql() + "COMMIT;");
  if (rc != SQLITE_OK) {
    std::string message = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return Status::IoError("sqlite: cannot create schema: " + message);
  }
  sqlite3_free(err);
  std::lock_guard lock(mu_);
  return InTransaction<bool>([&]() -> Result<bool> {
           for (const AddedColumn& c : kAddedColumns) CIRUN_RETURN_IF_ERROR(AddColumn(db_, c));
           return true;
         })
      .status()
      .WithContext("sqlite: cannot bring the schema up to date");
}

Result<int64_t> SqliteStore::CreatePipeline(const PipelineInfo& info,
                                            const std::vector<JobInfo>& jobs, bool* created) {
  std::lock_guard lock(mu_);
  if (created) *created = false;
  if (!info.delivery_id.empty()) {
    Statement find(db_, "SELECT id FROM pipelines WHERE delivery_id = ?");
    find.Bind(1, info.delivery_id);
    if (find.Step() == SQLITE_ROW) return find.Int(0);
  }
  auto id = InTransaction<int64_t>([&] { return InsertPipeline(info, jobs); });
  if (id.ok() && created) *created = true;
  return id;
}

Result<std::optional<ClaimedJob>> SqliteStore::ClaimJob(const ClaimRequest& request) {
  std::lock_guard lock(mu_);
  return InTransaction<std::optional<ClaimedJob>>([&] { return ClaimLocked(request); });
}

Status SqliteStore::Heartbeat(int64_t job_id, const std::string& worker, int attempt,
                              std::chrono::milliseconds lease) {
  std::lock_guard lock(mu_);
  Statement s(db_,
              "UPDATE jobs SET lease_until_ms = ? WHERE id = ? AND worker = ? AND attempt = ? "
              "AND state = 'running' RETURNING cancel_requested");
  s.Bind(1, Now() + lease.count()).Bind(2, job_id).Bind(3, worker).Bind(4, attempt);
  const int rc = s.Step();
  if (rc == SQLITE_DONE) return LostLease(job_id, worker, attempt);
  if (rc != SQLITE_ROW) return s.Error();
  const bool cancel = s.Int(0) != 0;
  if (s.Step() != SQLITE_DONE) return s.Error();  // ends the statement: commits
  if (cancel) return Status::Cancelled("job " + std::to_string(job_id) + " is to be cancelled");
  return Status::Ok();
}

Status SqliteStore::AddStep(const StepRecord& step) {
  std::lock_guard lock(mu_);
  Statement s(db_,
              "INSERT INTO steps(job_id, attempt, name, outcome, cause, duration_ms, "
              "first_byte_ms, success_ms, command, log, detail_json, created_ms, excerpt) "
              "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.Bind(1, step.job_id).Bind(2, step.attempt).Bind(3, step.name).Bind(4, step.outcome);
  s.Bind(5, step.cause).Bind(6, step.duration_ms).BindOptional(7, step.first_byte_ms);
  s.BindOptional(8, step.success_ms).Bind(9, step.command).Bind(10, step.log);
  s.Bind(11, step.detail_json.empty() ? "{}" : step.detail_json).Bind(12, Now());
  s.Bind(13, step.excerpt);
  return s.Run();
}

Status SqliteStore::SetLiveLog(const LiveLog& log) {
  std::lock_guard lock(mu_);
  Statement s(db_,
              "INSERT OR REPLACE INTO live_logs(job_id, attempt, step, text, updated_ms) "
              "VALUES(?,?,?,?,?)");
  s.Bind(1, log.job_id).Bind(2, log.attempt).Bind(3, log.step).Bind(4, log.text).Bind(5, Now());
  return s.Run();
}

Result<std::optional<LiveLog>> SqliteStore::GetLiveLog(int64_t job_id) {
  std::lock_guard lock(mu_);
  Statement s(db_, "SELECT attempt, step, text, updated_ms FROM live_logs WHERE job_id = ?");
  s.Bind(1, job_id);
  const int rc = s.Step();
  if (rc == SQLITE_DONE) return std::optional<LiveLog>();
  if (rc != SQLITE_ROW) return s.Error();
  return std::optional<LiveLog>(
      LiveLog{job_id, static_cast<int>(s.Int(0)), s.Text(1), s.Text(2), s.Int(3)});
}

Status SqliteStore::ClearLiveLog(int64_t job_id) {
  std::lock_guard lock(mu_);
  Statement s(db_, "DELETE FROM live_logs WHERE job_id = ?");
  s.Bind(1, job_id);
  return s.Run();
}

Status SqliteStore::FinishJob(int64_t job_id, const std::string& worker, int attempt,
                              const JobResult& result) {
  std::lock_guard lock(mu_);
  return InTransaction<bool>([&]() -> Result<bool> {
           CIRUN_RETURN_IF_ERROR(FinishLocked(job_id, worker, attempt, result));
           return true;
         })
      .status();
}

Status SqliteStore::ReleaseJob(int64_t job_id, const std::string& worker, int attempt) {
  std::lock_guard lock(mu_);
  Statement s(db_,
              "UPDATE jobs SET state = 'queued', lease_until_ms = 0 WHERE id = ? AND worker = ? "
              "AND attempt = ? AND state = 'running'");
  s.Bind(1, job_id).Bind(2, worker).Bind(3, attempt);
  CIRUN_RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db_) == 0) return LostLease(job_id, worker, attempt);
  return Status::Ok();
}

Result<int> SqliteStore::RequeueExpired() {
  std::lock_guard lock(mu_);
  Statement s(db_,
              "UPDATE jobs SET state = 'queued' WHERE state = 'running' AND lease_until_ms < ?");
  s.Bind(1, Now());
  CIRUN_RETURN_IF_ERROR(s.Run());
  return sqlite3_changes(db_);
}

Result<int> SqliteStore::ExpireUnclaimed(std::chrono::milliseconds queued_for) {
  std::lock_guard lock(mu_);
  const int64_t now = Now();
  return InTransaction<int>([&]() -> Result<int> {
    auto workers = ListWorkersLocked(now);
    if (!workers.ok()) return workers.status();
    std::vector<std::pair<int64_t, int64_t>> expired;  // (job, pipeline)
    Statement find(db_,
                   "SELECT j.id, j.pipeline_id, j.labels FROM jobs j JOIN pipelines p ON p.id = "
                   "j.pipeline_id WHERE j.state = 'queued' AND j.attempt = 0 AND "
                   "p.created_ms < ?");
    find.Bind(1, now - queued_for.count());
    int rc;
    while ((rc = find.Step()) == SQLITE_ROW) {
      if (!OfferedByAny(SplitLabels(find.Text(2)), *workers))
        expired.emplace_back(find.Int(0), find.Int(1));
    }
    if (rc != SQLITE_DONE) return find.Error();
    std::set<int64_t> pipelines;
    for (const auto& [job_id, pipeline_id] : expired) {
      Statement s(db_,
                  "UPDATE jobs SET state = 'infra', finished_ms = ?, cause = CASE WHEN labels = "
                  "'' THEN 'no worker' ELSE 'no worker offering ' || labels END || ' claimed it "
                  "within ' || ? WHERE id = ?");
      s.Bind(1, now).Bind(2, FormatSettingDuration(queued_for)).Bind(3, job_id);
      CIRUN_RETURN_IF_ERROR(s.Run());
      pipelines.insert(pipeline_id);
    }
    for (int64_t pipeline_id : pipelines) CIRUN_RETURN_IF_ERROR(UpdatePipelineState(pipeline_id));
    return static_cast<int>(expired.size());
  });
}

Result<int> SqliteStore::CancelQueued(int64_t pipeline_id, const std::string& unikernel,
                                      const std::string& cause) {
  std::lock_guard lock(mu_);
  return InTransaction<int>([&]() -> Result<int> {
    Statement s(db_,
                "UPDATE jobs SET state = 'cancelled', cause = ?, finished_ms = ? WHERE "
                "pipeline_id = ? AND state = 'queued' AND (? = '' OR unikernel = ?)");
    s.Bind(1, cause).Bind(2, Now()).Bind(3, pipeline_id).Bind(4, unikernel).Bind(5, unikernel);
    CIRUN_RETURN_IF_ERROR(s.Run());
    const int changed = sqlite3_changes(db_);
    CIRUN_RETURN_IF_ERROR(UpdatePipelineState(pipeline_id));
    return changed;
  });
}

Result<int> SqliteStore::RequestCancel(int64_t pipeline_id) {
  std::lock_guard lock(mu_);
  Statement s(db_,
              "UPDATE jobs SET cancel_requested = 1 WHERE pipeline_id = ? AND state = 'running'");
  s.Bind(1, pipeline_id);
  CIRUN_RETURN_IF_ERROR(s.Run());
  return sqlite3_changes(db_);
}

Result<int> SqliteStore::ApprovePipeline(int64_t pipeline_id) {
  std::lock_guard lock(mu_);
  return InTransaction<int>([&]() -> Result<int> {
    Statement find(db_, "SELECT id FROM pipelines WHERE id = ?");
    find.Bind(1, pipeline_id);
    const int rc = find.Step();
    if (rc == SQLITE_DONE) return Status::NotFound("no pipeline " + std::to_string(pipeline_id));
    if (rc != SQLITE_ROW) return find.Error();
    Statement s(db_,
                "UPDATE jobs SET state = 'queued', cause = '' WHERE pipeline_id = ? AND "
                "state = 'waiting'");
    s.Bind(1, pipeline_id);
    CIRUN_RETURN_IF_ERROR(s.Run());
    const int changed = sqlite3_changes(db_);
    CIRUN_RETURN_IF_ERROR(UpdatePipelineState(pipeline_id));
    return changed;
  });
}

Result<std::vector<PipelineRecord>> SqliteStore::ListWaitingPipelines() {
  std::lock_guard lock(mu_);
  Statement s(db_, (std::string("SELECT ") + kPipelineColumns +
                    " FROM pipelines WHERE state = 'waiting' ORDER BY id")
                       .c_str());
  std::vector<PipelineRecord> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) out.push_back(ReadPipeline(s));
  if (rc != SQLITE_DONE) return s.Error();
  return out;
}

Result<PipelineRecord> SqliteStore::GetPipeline(int64_t id) {
  std::lock_guard lock(mu_);
  Statement s(db_,
              (std::string("SELECT ") + kPipelineColumns + " FROM pipelines WHERE id = ?").c_str());
  s.Bind(1, id);
  int rc = s.Step();
  if (rc == SQLITE_ROW) return ReadPipeline(s);
  if (rc == SQLITE_DONE) return Status::NotFound("no pipeline " + std::to_string(id));
  return s.Error();
}

Result<std::vector<PipelineRecord>> SqliteStore::ListPipelines(int limit) {
  std::lock_guard lock(mu_);
  Statement s(
      db_, (std::string("SELECT ") + kPipelineColumns + " FROM pipelines ORDER BY id DESC LIMIT ?")
               .c_str());
  s.Bind(1, limit);
  std::vector<PipelineRecord> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) out.push_back(ReadPipeline(s));
  if (rc != SQLITE_DONE) return s.Error();
  return out;
}

Result<std::vector<PipelineRecord>> SqliteStore::ListPipelinesPage(const PipelineQuery& q) {
  std::lock_guard lock(mu_);
  Statement s(db_, (std::string("SELECT ") + kPipelineColumns +
                    " FROM pipelines WHERE (? <= 0 OR id < ?) AND (? = '' OR repo_name = ?) "
                    "AND (? = '' OR state = ?) AND (? = '' OR ref = ? OR ref = ?) "
                    "ORDER BY id DESC LIMIT ?")
                       .c_str());
  s.Bind(1, q.before_id).Bind(2, q.before_id).Bind(3, q.repo_name).Bind(4, q.repo_name);
  s.Bind(5, q.state).Bind(6, q.state).Bind(7, q.branch).Bind(8, q.branch);
  s.Bind(9, "refs/heads/" + q.branch).Bind(10, static_cast<int64_t>(q.limit));
  std::vector<PipelineRecord> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) out.push_back(ReadPipeline(s));
  if (rc != SQLITE_DONE) return s.Error();
  return out;
}

Result<std::vector<JobRecord>> SqliteStore::ListJobs(int64_t pipeline_id) {
  std::lock_guard lock(mu_);
  Statement s(
      db_, (std::string("SELECT ") + kJobColumns + " FROM jobs WHERE pipeline_id = ? ORDER BY id")
               .c_str());
  s.Bind(1, pipeline_id);
  std::vector<JobRecord> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) out.push_back(ReadJob(s));
  if (rc != SQLITE_DONE) return s.Error();
  return out;
}

Result<std::vector<StepRecord>> SqliteStore::ListSteps(int64_t job_id) {
  std::lock_guard lock(mu_);
  Statement s(
      db_,
      "SELECT s.job_id, s.attempt, s.name, s.outcome, s.cause, s.duration_ms, "
      "s.first_byte_ms, s.success_ms, s.command, s.log, s.detail_json, s.excerpt FROM steps s "
      "JOIN jobs j ON j.id = s.job_id WHERE s.job_id = ? AND s.attempt = j.attempt "
      "ORDER BY s.id");
  s.Bind(1, job_id);
  std::vector<StepRecord> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    StepRecord r;
    r.job_id = s.Int(0);
    r.attempt = static_cast<int>(s.Int(1));
    r.name = s.Text(2);
    r.outcome = s.Text(3);
    r.cause = s.Text(4);
    r.duration_ms = s.Int(5);
    r.first_byte_ms = s.OptionalInt(6);
    r.success_ms = s.OptionalInt(7);
    r.command = s.Text(8);
    r.log = s.Text(9);
    r.detail_json = s.Text(10);
    r.excerpt = s.Text(11);
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return s.Error();
  return out;
}

namespace {

// The open log of step `step_id` (incremental blob I/O: its size and pieces
// are read without loading the whole value); nullptr when there is no such
// row. Closed by the caller.
sqlite3_blob* OpenStepLog(sqlite3* db, int64_t step_id) {
  sqlite3_blob* blob = nullptr;
  if (sqlite3_blob_open(db, "main", "steps", "log", step_id, 0, &blob) != SQLITE_OK) {
    sqlite3_blob_close(blob);
    return nullptr;
  }
  return blob;
}

}  // namespace

Result<std::vector<StepSummary>> SqliteStore::ListStepsWithoutLogs(int64_t job_id) {
  std::lock_guard lock(mu_);
  Statement s(db_,
              "SELECT s.id, s.job_id, s.attempt, s.name, s.outcome, s.cause, s.duration_ms, "
              "s.first_byte_ms, s.success_ms, s.command, s.detail_json, s.excerpt FROM steps s "
              "JOIN jobs j ON j.id = s.job_id WHERE s.job_id = ? AND s.attempt = j.attempt "
              "ORDER BY s.id");
  s.Bind(1, job_id);
  std::vector<StepSummary> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    StepSummary r;
    r.id = s.Int(0);
    r.step.job_id = s.Int(1);
    r.step.attempt = static_cast<int>(s.Int(2));
    r.step.name = s.Text(3);
    r.step.outcome = s.Text(4);
    r.step.cause = s.Text(5);
    r.step.duration_ms = s.Int(6);
    r.step.first_byte_ms = s.OptionalInt(7);
    r.step.success_ms = s.OptionalInt(8);
    r.step.command = s.Text(9);
    r.step.detail_json = s.Text(10);
    r.step.excerpt = s.Text(11);
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return s.Error();
  // length(log) would read a TEXT value whole (it counts characters).
  for (StepSummary& r : out) {
    sqlite3_blob* blob = OpenStepLog(db_, r.id);
    if (!blob) return Status::Internal(std::string("sqlite: ") + sqlite3_errmsg(db_));
    r.log_bytes = sqlite3_blob_bytes(blob);
    sqlite3_blob_close(blob);
  }
  return out;
}

Result<std::string> SqliteStore::ReadStepLog(int64_t step_id, int64_t offset, int64_t limit) {
  std::lock_guard lock(mu_);
  sqlite3_blob* blob = OpenStepLog(db_, step_id);
  if (!blob) return Status::NotFound("no step " + std::to_string(step_id));
  const int64_t size = sqlite3_blob_bytes(blob);
  const int64_t from = std::clamp<int64_t>(offset, 0, size);
  const int64_t n = std::clamp<int64_t>(limit, 0, size - from);
  std::string out(static_cast<size_t>(n), '\0');
  const int rc =
      n ? sqlite3_blob_read(blob, out.data(), static_cast<int>(n), static_cast<int>(from))
        : SQLITE_OK;
  sqlite3_blob_close(blob);
  if (rc != SQLITE_OK) return Status::Internal(std::string("sqlite: ") + sqlite3_errstr(rc));
  return out;
}

Result<std::vector<std::pair<std::string, int64_t>>> SqliteStore::CountJobsByState() {
  std::lock_guard lock(mu_);
  Statement s(db_, "SELECT state, COUNT(*) FROM jobs GROUP BY state ORDER BY state");
  std::vector<std::pair<std::string, int64_t>> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) out.emplace_back(s.Text(0), s.Int(1));
  if (rc != SQLITE_DONE) return s.Error();
  return out;
}

Status SqliteStore::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string message = err ? err : "unknown error";
    sqlite3_free(err);
    return Status::IoError(std::string("sqlite: ") + message);
  }
  return Status::Ok();
}

Status SqliteStore::LostLease(int64_t job_id, const std::string& worker, int attempt) {
  return Status::FailedPrecondition("job " + std::to_string(job_id) + " attempt " +
                                    std::to_string(attempt) + " is no longer held by " + worker);
}

Result<int64_t> SqliteStore::InsertPipeline(const PipelineInfo& info,
                                            const std::vector<JobInfo>& jobs) {
  Statement p(db_,
              "INSERT INTO pipelines(repo, repo_name, commit_sha, ref, trigger, dirty, worktree, "
              "title, delivery_id, options_json, state, created_ms, untrusted) "
              "VALUES(?,?,?,?,?,?,?,?,?,?,'queued',?,?)");
  p.Bind(1, info.repo).Bind(2, info.repo_name).Bind(3, info.commit).Bind(4, info.ref);
  p.Bind(5, info.trigger).Bind(6, info.dirty ? 1 : 0).Bind(7, info.worktree).Bind(8, info.title);
  p.BindNullIfEmpty(9, info.delivery_id)
      .Bind(10, info.options_json.empty() ? "{}" : info.options_json);
  p.Bind(11, Now()).Bind(12, info.untrusted ? 1 : 0);
  CIRUN_RETURN_IF_ERROR(p.Run());
  const int64_t id = sqlite3_last_insert_rowid(db_);
  for (const JobInfo& job : jobs) {
    Statement j(db_,
                "INSERT INTO jobs(pipeline_id, name, unikernel, cell_key, cell_label, compiler, "
                "target, labels, spec_json, state, cause, finished_ms) "
                "VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
    j.Bind(1, id).Bind(2, job.name).Bind(3, job.unikernel).Bind(4, job.cell_key);
    j.Bind(5, job.cell_label).Bind(6, job.compiler).Bind(7, job.target);
    j.Bind(8, JoinLabels(job.labels)).Bind(9, job.spec_json).Bind(10, JobStateName(job.state));
    j.Bind(11, job.cause).Bind(12, IsFinal(job.state) ? Now() : 0);
    CIRUN_RETURN_IF_ERROR(j.Run());
  }
  CIRUN_RETURN_IF_ERROR(UpdatePipelineState(id));
  return id;
}

Result<std::optional<ClaimedJob>> SqliteStore::ClaimLocked(const ClaimRequest& request) {
  std::string sql =
      std::string("SELECT ") + kJobColumns +
      " FROM jobs WHERE state = 'queued' AND (? = 0 OR pipeline_id = ?) ORDER BY id LIMIT 200";
  Statement s(db_, sql.c_str());
  s.Bind(1, request.pipeline_id ? 1 : 0).Bind(2, request.pipeline_id.value_or(0));
  std::optional<JobRecord> chosen;
  int rc;
  while (!chosen && (rc = s.Step()) == SQLITE_ROW) {
    JobRecord job = ReadJob(s);
    const auto& excluded = request.exclude_jobs;
    if (std::any_of(excluded.begin(), excluded.end(), [&](const ExcludedJob& e) {
          return e.id == job.id && e.attempt == job.attempt;
        }))
      continue;
    if (LabelsSatisfied(job.labels, request.labels)) chosen = std::move(job);
  }
  if (!chosen) return std::optional<ClaimedJob>();
  const int64_t now = Now();
  Statement u(db_,
              "UPDATE jobs SET state = 'running', worker = ?, attempt = attempt + 1, "
              "lease_until_ms = ?, started_ms = ? WHERE id = ? AND state = 'queued'");
  u.Bind(1, request.worker).Bind(2, now + request.lease.count()).Bind(3, now).Bind(4, chosen->id);
  CIRUN_RETURN_IF_ERROR(u.Run());
  chosen->state = JobState::kRunning;
  chosen->worker = request.worker;
  chosen->attempt += 1;
  chosen->started_ms = now;
  Statement ps(db_, "UPDATE pipelines SET state = 'running' WHERE id = ? AND state = 'queued'");
  ps.Bind(1, chosen->pipeline_id);
  CIRUN_RETURN_IF_ERROR(ps.Run());
  ClaimedJob claimed{*chosen, {}};
  Statement p(db_,
              (std::string("SELECT ") + kPipelineColumns + " FROM pipelines WHERE id = ?").c_str());
  p.Bind(1, chosen->pipeline_id);
  if (p.Step() != SQLITE_ROW) return Status::Internal("job without pipeline");
  claimed.pipeline = ReadPipeline(p);
  return std::optional<ClaimedJob>(std::move(claimed));
}

Status SqliteStore::FinishLocked(int64_t job_id, const std::string& worker, int attempt,
                                 const JobResult& r) {
  Statement s(db_,
              "UPDATE jobs SET state = ?, cause = ?, reproducer = ?, duration_ms = ?, "
              "finished_ms = ?, lease_until_ms = 0 WHERE id = ? AND worker = ? AND attempt = ? "
              "AND state = 'running'");
  s.Bind(1, JobStateName(r.state)).Bind(2, r.cause).Bind(3, r.reproducer).Bind(4, r.duration_ms);
  s.Bind(5, Now()).Bind(6, job_id).Bind(7, worker).Bind(8, attempt);
  CIRUN_RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db_) == 0) return LostLease(job_id, worker, attempt);
  Statement p(db_, "SELECT pipeline_id FROM jobs WHERE id = ?");
  p.Bind(1, job_id);
  if (p.Step() != SQLITE_ROW) return p.Error();
  return UpdatePipelineState(p.Int(0));
}

Status SqliteStore::UpdatePipelineState(int64_t pipeline_id) {
  Statement s(db_, "SELECT state, COUNT(*) FROM jobs WHERE pipeline_id = ? GROUP BY state");
  s.Bind(1, pipeline_id);
  std::map<std::string, int64_t> counts;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) counts[s.Text(0)] = s.Int(1);
  if (rc != SQLITE_DONE) return s.Error();
  const std::string state = PipelineStateFromCounts(counts);
  Statement u(db_,
              "UPDATE pipelines SET state = ?, finished_ms = CASE WHEN ? IN "
              "('queued','running','waiting') THEN 0 ELSE ? END WHERE id = ?");
  u.Bind(1, state).Bind(2, state).Bind(3, Now()).Bind(4, pipeline_id);
  return u.Run();
}

}  // namespace sqlite_internal

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return Status::IoError("cannot create " + parent.string() + ": " + ec.message());
  // The store holds logs and causes: created 0600, and no existing file of it
  // (the database, its WAL and shared memory, which SQLite creates with the
  // database's mode) stays readable by others.
  const bool on_disk = path != ":memory:" && !path.starts_with("file:");
  if (int fd = on_disk ? ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600) : -1;
      fd >= 0)
    ::close(fd);
  for (const std::string& file : {path, path + "-wal", path + "-shm"}) {
    if (!on_disk) break;
    struct stat st {};
    if (::stat(file.c_str(), &st) == 0 && (st.st_mode & S_IRWXO) != 0)
      ::chmod(file.c_str(), st.st_mode & 07770);
  }
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return Status::IoError("cannot open SQLite database " + path + ": " + message);
  }
  sqlite3_busy_timeout(db, 10'000);
  auto store = std::make_unique<sqlite_internal::SqliteStore>(db);
  CIRUN_RETURN_IF_ERROR(store->Init().WithContext(path));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace cirun
