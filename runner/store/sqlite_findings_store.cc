// SqliteStore: fuzz findings (table findings, kFindingsSchema in
// sqlite_store.cc; see FindingRecord in store.h).

#include <sqlite3.h>

#include <cstdint>
#include <vector>

#include "runner/store/sqlite_store_internal.h"

namespace cirun::sqlite_internal {

Result<int64_t> SqliteStore::AddFinding(const FindingRecord& f) {
  std::lock_guard lock(mu_);
  Statement s(db_,
              "INSERT INTO findings(job_id, attempt, repo, commit_sha, unikernel, cell_key, "
              "signature, outcome, cause, command_line, original, reproducer, boot_reproducer, "
              "hits, seed, created_ms) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.Bind(1, f.job_id).Bind(2, f.attempt).Bind(3, f.repo).Bind(4, f.commit).Bind(5, f.unikernel);
  s.Bind(6, f.cell_key).Bind(7, f.signature).Bind(8, f.outcome).Bind(9, f.cause);
  s.Bind(10, f.command_line).Bind(11, f.original).Bind(12, f.reproducer);
  s.Bind(13, f.boot_reproducer).Bind(14, f.hits).Bind(15, f.seed).Bind(16, Now());
  CIRUN_RETURN_IF_ERROR(s.Run());
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
}

Result<std::vector<FindingRecord>> SqliteStore::ListFindings(int64_t pipeline_id) {
  std::lock_guard lock(mu_);
  Statement s(db_,
              "SELECT f.id, f.job_id, f.attempt, j.pipeline_id, f.repo, f.commit_sha, "
              "f.unikernel, f.cell_key, f.signature, f.outcome, f.cause, f.command_line, "
              "f.original, f.reproducer, f.boot_reproducer, f.hits, f.seed, f.created_ms "
              "FROM findings f JOIN jobs j ON j.id = f.job_id "
              "WHERE j.pipeline_id = ? AND f.attempt = j.attempt ORDER BY f.id");
  s.Bind(1, pipeline_id);
  std::vector<FindingRecord> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    FindingRecord f;
    f.id = s.Int(0);
    f.job_id = s.Int(1);
    f.attempt = static_cast<int>(s.Int(2));
    f.pipeline_id = s.Int(3);
    f.repo = s.Text(4);
    f.commit = s.Text(5);
    f.unikernel = s.Text(6);
    f.cell_key = s.Text(7);
    f.signature = s.Text(8);
    f.outcome = s.Text(9);
    f.cause = s.Text(10);
    f.command_line = s.Text(11);
    f.original = s.Text(12);
    f.reproducer = s.Text(13);
    f.boot_reproducer = s.Text(14);
    f.hits = static_cast<int>(s.Int(15));
    f.seed = s.Int(16);
    f.created_ms = s.Int(17);
    out.push_back(std::move(f));
  }
  if (rc != SQLITE_DONE) return s.Error();
  return out;
}

}  // namespace cirun::sqlite_internal
