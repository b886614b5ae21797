// PostgresStore: fuzz findings (table findings, in kSchema in
// postgres_store.cc; see FindingRecord in store.h).

#include <cstdint>
#include <vector>

#include "runner/store/postgres_store_internal.h"

namespace cirun::postgres_internal {

Result<int64_t> PostgresStore::AddFinding(const FindingRecord& f) {
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

Result<std::vector<FindingRecord>> PostgresStore::ListFindings(int64_t pipeline_id) {
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

}  // namespace cirun::postgres_internal
