// SqliteStore: case runs, bisections and failure signatures (the tables of
// FailuresSchemaSql below; see failure_records.h).

#include <sqlite3.h>

#include <cstdint>
#include <vector>

#include "runner/store/sqlite_store_internal.h"

namespace cirun::sqlite_internal {

const char* FailuresSchemaSql() {
  return R"sql(
CREATE TABLE IF NOT EXISTS case_runs(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id INTEGER NOT NULL REFERENCES jobs(id), attempt INTEGER NOT NULL,
  repo TEXT NOT NULL, branch TEXT NOT NULL, commit_sha TEXT NOT NULL, unikernel TEXT NOT NULL,
  cell_key TEXT NOT NULL, case_name TEXT NOT NULL, outcome TEXT NOT NULL,
  runs INTEGER NOT NULL, passes INTEGER NOT NULL, created_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS case_runs_by_branch ON case_runs(repo, branch, id);
CREATE TABLE IF NOT EXISTS bisections(
  id INTEGER PRIMARY KEY AUTOINCREMENT, pipeline_id INTEGER NOT NULL,
  repo TEXT NOT NULL, unikernel TEXT NOT NULL, cell_key TEXT NOT NULL, case_name TEXT NOT NULL,
  good TEXT NOT NULL, bad TEXT NOT NULL, verdict TEXT NOT NULL, culprit TEXT NOT NULL,
  summary TEXT NOT NULL, created_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS bisections_by_repo ON bisections(repo, id);
CREATE TABLE IF NOT EXISTS failure_signatures(
  repo TEXT NOT NULL, signature TEXT NOT NULL, first_commit TEXT NOT NULL,
  last_commit TEXT NOT NULL, first_seen_ms INTEGER NOT NULL, last_seen_ms INTEGER NOT NULL,
  cells INTEGER NOT NULL, PRIMARY KEY(repo, signature));
)sql";
}

Status SqliteStore::AddCaseRun(const CaseRunRecord& r) {
  std::lock_guard lock(mu_);
  Statement s(db_,
              "INSERT INTO case_runs(job_id, attempt, repo, branch, commit_sha, unikernel, "
              "cell_key, case_name, outcome, runs, passes, created_ms) "
              "VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
  s.Bind(1, r.job_id).Bind(2, r.attempt).Bind(3, r.repo).Bind(4, r.branch).Bind(5, r.commit);
  s.Bind(6, r.unikernel).Bind(7, r.cell_key).Bind(8, r.case_name).Bind(9, r.outcome);
  s.Bind(10, r.runs).Bind(11, r.passes).Bind(12, Now());
  return s.Run();
}

Result<std::vector<CaseRunRecord>> SqliteStore::ListCaseRuns(const std::string& repo,
                                                             const std::string& branch) {
  std::lock_guard lock(mu_);
  Statement s(db_,
              "SELECT job_id, attempt, repo, branch, commit_sha, unikernel, cell_key, case_name, "
              "outcome, runs, passes, created_ms FROM case_runs WHERE repo = ? AND branch = ? "
              "ORDER BY id");
  s.Bind(1, repo).Bind(2, branch);
  std::vector<CaseRunRecord> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    CaseRunRecord r;
    r.job_id = s.Int(0);
    r.attempt = static_cast<int>(s.Int(1));
    r.repo = s.Text(2);
    r.branch = s.Text(3);
    r.commit = s.Text(4);
    r.unikernel = s.Text(5);
    r.cell_key = s.Text(6);
    r.case_name = s.Text(7);
    r.outcome = s.Text(8);
    r.runs = static_cast<int>(s.Int(9));
    r.passes = static_cast<int>(s.Int(10));
    r.created_ms = s.Int(11);
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return s.Error();
  return out;
}

Result<int64_t> SqliteStore::AddBisection(const BisectionRecord& b) {
  std::lock_guard lock(mu_);
  Statement s(db_,
              "INSERT INTO bisections(pipeline_id, repo, unikernel, cell_key, case_name, good, "
              "bad, verdict, culprit, summary, created_ms) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
  s.Bind(1, b.pipeline_id).Bind(2, b.repo).Bind(3, b.unikernel).Bind(4, b.cell_key);
  s.Bind(5, b.case_name).Bind(6, b.good).Bind(7, b.bad).Bind(8, b.verdict).Bind(9, b.culprit);
  s.Bind(10, b.summary).Bind(11, Now());
  CIRUN_RETURN_IF_ERROR(s.Run());
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
}

Result<std::vector<BisectionRecord>> SqliteStore::ListBisections(const std::string& repo,
                                                                 int limit) {
  std::lock_guard lock(mu_);
  Statement s(db_,
              "SELECT id, pipeline_id, repo, unikernel, cell_key, case_name, good, bad, verdict, "
              "culprit, summary, created_ms FROM bisections WHERE (? = '' OR repo = ?) "
              "ORDER BY id DESC LIMIT ?");
  s.Bind(1, repo).Bind(2, repo).Bind(3, limit);
  std::vector<BisectionRecord> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    BisectionRecord b;
    b.id = s.Int(0);
    b.pipeline_id = s.Int(1);
    b.repo = s.Text(2);
    b.unikernel = s.Text(3);
    b.cell_key = s.Text(4);
    b.case_name = s.Text(5);
    b.good = s.Text(6);
    b.bad = s.Text(7);
    b.verdict = s.Text(8);
    b.culprit = s.Text(9);
    b.summary = s.Text(10);
    b.created_ms = s.Int(11);
    out.push_back(std::move(b));
  }
  if (rc != SQLITE_DONE) return s.Error();
  return out;
}

Status SqliteStore::NoteFailureSignature(const std::string& repo, const std::string& signature,
                                         const std::string& commit, int64_t cells) {
  std::lock_guard lock(mu_);
  const int64_t now = Now();
  Statement s(db_,
              "INSERT INTO failure_signatures(repo, signature, first_commit, last_commit, "
              "first_seen_ms, last_seen_ms, cells) VALUES(?,?,?,?,?,?,?) "
              "ON CONFLICT(repo, signature) DO UPDATE SET last_commit = excluded.last_commit, "
              "last_seen_ms = excluded.last_seen_ms, cells = cells + excluded.cells");
  s.Bind(1, repo).Bind(2, signature).Bind(3, commit).Bind(4, commit).Bind(5, now).Bind(6, now);
  s.Bind(7, cells);
  return s.Run();
}

Result<std::vector<FailureSignatureRecord>> SqliteStore::ListFailureSignatures(
    const std::string& repo) {
  std::lock_guard lock(mu_);
  Statement s(db_,
              "SELECT repo, signature, first_commit, last_commit, first_seen_ms, last_seen_ms, "
              "cells FROM failure_signatures WHERE repo = ? "
              "ORDER BY last_seen_ms DESC, signature");
  s.Bind(1, repo);
  std::vector<FailureSignatureRecord> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    FailureSignatureRecord f;
    f.repo = s.Text(0);
    f.signature = s.Text(1);
    f.first_commit = s.Text(2);
    f.last_commit = s.Text(3);
    f.first_seen_ms = s.Int(4);
    f.last_seen_ms = s.Int(5);
    f.cells = s.Int(6);
    out.push_back(std::move(f));
  }
  if (rc != SQLITE_DONE) return s.Error();
  return out;
}

}  // namespace cirun::sqlite_internal
