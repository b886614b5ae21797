// PostgresStore: performance tracking, benchmark samples and the changes
// found in them (tables samples and perf_changes, in kSchema in
// postgres_store.cc; see perf_records.h).

#include <cstdint>
#include <string>
#include <vector>

#include "runner/store/postgres_store_internal.h"

namespace cirun::postgres_internal {

Status PostgresStore::AddSamples(const std::vector<SampleRecord>& samples) {
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

Result<std::vector<SampleRecord>> PostgresStore::ListSamples(const SampleQuery& q) {
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

Result<int64_t> PostgresStore::AddPerfChange(const PerfChangeRecord& c) {
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

Result<std::vector<SampleQuery>> PostgresStore::ListSampleSeries() {
  using Out = std::vector<SampleQuery>;
  return Tx<Out>("list benchmark series", [&](pqxx::work& tx) -> Result<Out> {
    pqxx::result rows = tx.exec(
        "SELECT DISTINCT repo, unikernel, cell_key, host, metric FROM samples "
        "ORDER BY repo, unikernel, cell_key, host, metric");
    Out out;
    for (const auto& row : rows) {
      SampleQuery q;
      q.repo = Text(row[0]);
      q.unikernel = Text(row[1]);
      q.cell_key = Text(row[2]);
      q.host = Text(row[3]);
      q.metric = Text(row[4]);
      out.push_back(std::move(q));
    }
    return out;
  });
}

Result<std::vector<PerfChangeRecord>> PostgresStore::ListPerfChanges(const std::string& repo,
                                                                     int limit) {
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

}  // namespace cirun::postgres_internal
