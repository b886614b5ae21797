// PostgresStore: case runs, bisections and failure signatures (tables in
// kSchema in postgres_store.cc; see failure_records.h).

#include <cstdint>
#include <vector>

#include "runner/store/postgres_store_internal.h"

namespace cirun::postgres_internal {

Status PostgresStore::AddCaseRun(const CaseRunRecord& r) {
  return Tx<bool>("record a case's runs",
                  [&](pqxx::work& tx) -> Result<bool> {
                    tx.exec_params(
                        "INSERT INTO case_runs(job_id, attempt, repo, branch, commit_sha, "
                        "unikernel, cell_key, case_name, outcome, runs, passes, created_ms) "
                        "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, " CIRUN_PG_NOW_MS ")",
                        r.job_id, r.attempt, r.repo, r.branch, r.commit, r.unikernel, r.cell_key,
                        r.case_name, r.outcome, r.runs, r.passes);
                    return true;
                  })
      .status();
}

Result<std::vector<CaseRunRecord>> PostgresStore::ListCaseRuns(const std::string& repo,
                                                               const std::string& branch) {
  using Out = std::vector<CaseRunRecord>;
  return Tx<Out>("list case runs", [&](pqxx::work& tx) -> Result<Out> {
    pqxx::result rows = tx.exec_params(
        "SELECT job_id, attempt, repo, branch, commit_sha, unikernel, cell_key, case_name, "
        "outcome, runs, passes, created_ms FROM case_runs WHERE repo = $1 AND branch = $2 "
        "ORDER BY id",
        repo, branch);
    Out out;
    for (const auto& row : rows) {
      CaseRunRecord r;
      r.job_id = Int(row[0]);
      r.attempt = static_cast<int>(Int(row[1]));
      r.repo = Text(row[2]);
      r.branch = Text(row[3]);
      r.commit = Text(row[4]);
      r.unikernel = Text(row[5]);
      r.cell_key = Text(row[6]);
      r.case_name = Text(row[7]);
      r.outcome = Text(row[8]);
      r.runs = static_cast<int>(Int(row[9]));
      r.passes = static_cast<int>(Int(row[10]));
      r.created_ms = Int(row[11]);
      out.push_back(std::move(r));
    }
    return out;
  });
}

Result<int64_t> PostgresStore::AddBisection(const BisectionRecord& b) {
  return Tx<int64_t>("record a bisection", [&](pqxx::work& tx) -> Result<int64_t> {
    pqxx::result r = tx.exec_params(
        "INSERT INTO bisections(pipeline_id, repo, unikernel, cell_key, case_name, good, bad, "
        "verdict, culprit, summary, created_ms) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, "
        "$10, " CIRUN_PG_NOW_MS ") RETURNING id",
        b.pipeline_id, b.repo, b.unikernel, b.cell_key, b.case_name, b.good, b.bad, b.verdict,
        b.culprit, b.summary);
    return Int(r[0][0]);
  });
}

Result<std::vector<BisectionRecord>> PostgresStore::ListBisections(const std::string& repo,
                                                                   int limit) {
  using Out = std::vector<BisectionRecord>;
  return Tx<Out>("list bisections", [&](pqxx::work& tx) -> Result<Out> {
    pqxx::result rows = tx.exec_params(
        "SELECT id, pipeline_id, repo, unikernel, cell_key, case_name, good, bad, verdict, "
        "culprit, summary, created_ms FROM bisections WHERE ($1 = '' OR repo = $1) "
        "ORDER BY id DESC LIMIT $2",
        repo, limit);
    Out out;
    for (const auto& row : rows) {
      BisectionRecord b;
      b.id = Int(row[0]);
      b.pipeline_id = Int(row[1]);
      b.repo = Text(row[2]);
      b.unikernel = Text(row[3]);
      b.cell_key = Text(row[4]);
      b.case_name = Text(row[5]);
      b.good = Text(row[6]);
      b.bad = Text(row[7]);
      b.verdict = Text(row[8]);
      b.culprit = Text(row[9]);
      b.summary = Text(row[10]);
      b.created_ms = Int(row[11]);
      out.push_back(std::move(b));
    }
    return out;
  });
}

Status PostgresStore::NoteFailureSignature(const std::string& repo, const std::string& signature,
                                           const std::string& commit, int64_t cells) {
  return Tx<bool>("note a failure signature",
                  [&](pqxx::work& tx) -> Result<bool> {
                    tx.exec_params(
                        "INSERT INTO failure_signatures(repo, signature, first_commit, "
                        "last_commit, first_seen_ms, last_seen_ms, cells) VALUES($1, $2, $3, "
                        "$3, " CIRUN_PG_NOW_MS ", " CIRUN_PG_NOW_MS
                        ", $4) ON CONFLICT(repo, signature) DO UPDATE SET "
                        "last_commit = excluded.last_commit, last_seen_ms = excluded.last_seen_ms, "
                        "cells = failure_signatures.cells + excluded.cells",
                        repo, signature, commit, cells);
                    return true;
                  })
      .status();
}

Result<std::vector<FailureSignatureRecord>> PostgresStore::ListFailureSignatures(
    const std::string& repo) {
  using Out = std::vector<FailureSignatureRecord>;
  return Tx<Out>("list failure signatures", [&](pqxx::work& tx) -> Result<Out> {
    pqxx::result rows = tx.exec_params(
        "SELECT repo, signature, first_commit, last_commit, first_seen_ms, last_seen_ms, cells "
        "FROM failure_signatures WHERE repo = $1 ORDER BY last_seen_ms DESC, signature",
        repo);
    Out out;
    for (const auto& row : rows) {
      FailureSignatureRecord f;
      f.repo = Text(row[0]);
      f.signature = Text(row[1]);
      f.first_commit = Text(row[2]);
      f.last_commit = Text(row[3]);
      f.first_seen_ms = Int(row[4]);
      f.last_seen_ms = Int(row[5]);
      f.cells = Int(row[6]);
      out.push_back(std::move(f));
    }
    return out;
  });
}

}  // namespace cirun::postgres_internal
