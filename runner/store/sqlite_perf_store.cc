// SqliteStore: performance tracking, benchmark samples and the changes found
// in them (tables samples and perf_changes, kPerfSchema in sqlite_store.cc).

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

#include "runner/store/sqlite_store_internal.h"

namespace cirun::sqlite_internal {

Status SqliteStore::AddSamples(const std::vector<SampleRecord>& samples) {
  std::lock_guard lock(mu_);
  const int64_t now = Now();
  return InTransaction<bool>([&]() -> Result<bool> {
           for (const SampleRecord& r : samples) {
             Statement s(db_,
                         "INSERT INTO samples(repo, unikernel, cell_key, metric, commit_sha, "
                         "host, value, unit, source, created_ms) VALUES(?,?,?,?,?,?,?,?,?,?)");
             s.Bind(1, r.repo).Bind(2, r.unikernel).Bind(3, r.cell_key).Bind(4, r.metric);
             s.Bind(5, r.commit).Bind(6, r.host).BindReal(7, r.value).Bind(8, r.unit);
             s.Bind(9, r.source).Bind(10, r.created_ms ? r.created_ms : now);
             CIRUN_RETURN_IF_ERROR(s.Run());
           }
           return true;
         })
      .status();
}

Result<std::vector<SampleRecord>> SqliteStore::ListSamples(const SampleQuery& q) {
  std::lock_guard lock(mu_);
  std::string sql =
      "SELECT repo, unikernel, cell_key, metric, commit_sha, host, value, unit, source, "
      "created_ms FROM samples WHERE repo = ? AND unikernel = ? AND cell_key = ? AND host = ? "
      "AND (? = '' OR metric = ?)";
  if (!q.commits.empty()) {
    sql += " AND commit_sha IN (";
    for (size_t i = 0; i < q.commits.size(); ++i) sql += i ? ",?" : "?";
    sql += ")";
  }
  sql += " ORDER BY id";
  Statement s(db_, sql.c_str());
  s.Bind(1, q.repo).Bind(2, q.unikernel).Bind(3, q.cell_key).Bind(4, q.host);
  s.Bind(5, q.metric).Bind(6, q.metric);
  for (size_t i = 0; i < q.commits.size(); ++i) s.Bind(static_cast<int>(7 + i), q.commits[i]);
  std::vector<SampleRecord> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    SampleRecord r;
    r.repo = s.Text(0);
    r.unikernel = s.Text(1);
    r.cell_key = s.Text(2);
    r.metric = s.Text(3);
    r.commit = s.Text(4);
    r.host = s.Text(5);
    r.value = s.Real(6);
    r.unit = s.Text(7);
    r.source = s.Text(8);
    r.created_ms = s.Int(9);
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return s.Error();
  return out;
}

Result<std::vector<SampleQuery>> SqliteStore::ListSampleSeries() {
  std::lock_guard lock(mu_);
  Statement s(db_,
              "SELECT DISTINCT repo, unikernel, cell_key, host, metric FROM samples "
              "ORDER BY repo, unikernel, cell_key, host, metric");
  std::vector<SampleQuery> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    SampleQuery q;
    q.repo = s.Text(0);
    q.unikernel = s.Text(1);
    q.cell_key = s.Text(2);
    q.host = s.Text(3);
    q.metric = s.Text(4);
    out.push_back(std::move(q));
  }
  if (rc != SQLITE_DONE) return s.Error();
  return out;
}

Result<int64_t> SqliteStore::AddPerfChange(const PerfChangeRecord& c) {
  std::lock_guard lock(mu_);
  Statement s(db_,
              "INSERT INTO perf_changes(repo, unikernel, cell_key, metric, host, commit_sha, "
              "base_commit, verdict, ratio, ci_low, ci_high, p_value, base_median, head_median, "
              "base_n, head_n, unit, source, reproducer, created_ms) "
              "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.Bind(1, c.repo).Bind(2, c.unikernel).Bind(3, c.cell_key).Bind(4, c.metric).Bind(5, c.host);
  s.Bind(6, c.commit).Bind(7, c.base_commit).Bind(8, c.verdict).BindReal(9, c.ratio);
  s.BindReal(10, c.ci_low).BindReal(11, c.ci_high).BindReal(12, c.p_value);
  s.BindReal(13, c.base_median).BindReal(14, c.head_median).Bind(15, c.base_n);
  s.Bind(16, c.head_n).Bind(17, c.unit).Bind(18, c.source).Bind(19, c.reproducer);
  s.Bind(20, c.created_ms ? c.created_ms : Now());
  CIRUN_RETURN_IF_ERROR(s.Run());
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
}

Result<std::vector<PerfChangeRecord>> SqliteStore::ListPerfChanges(const std::string& repo,
                                                                   int limit) {
  std::lock_guard lock(mu_);
  Statement s(db_,
              "SELECT id, repo, unikernel, cell_key, metric, host, commit_sha, base_commit, "
              "verdict, ratio, ci_low, ci_high, p_value, base_median, head_median, base_n, "
              "head_n, unit, source, reproducer, created_ms FROM perf_changes "
              "WHERE ? = '' OR repo = ? ORDER BY id DESC LIMIT ?");
  s.Bind(1, repo).Bind(2, repo).Bind(3, limit);
  std::vector<PerfChangeRecord> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    PerfChangeRecord c;
    c.id = s.Int(0);
    c.repo = s.Text(1);
    c.unikernel = s.Text(2);
    c.cell_key = s.Text(3);
    c.metric = s.Text(4);
    c.host = s.Text(5);
    c.commit = s.Text(6);
    c.base_commit = s.Text(7);
    c.verdict = s.Text(8);
    c.ratio = s.Real(9);
    c.ci_low = s.Real(10);
    c.ci_high = s.Real(11);
    c.p_value = s.Real(12);
    c.base_median = s.Real(13);
    c.head_median = s.Real(14);
    c.base_n = s.Int(15);
    c.head_n = s.Int(16);
    c.unit = s.Text(17);
    c.source = s.Text(18);
    c.reproducer = s.Text(19);
    c.created_ms = s.Int(20);
    out.push_back(std::move(c));
  }
  if (rc != SQLITE_DONE) return s.Error();
  return out;
}

}  // namespace cirun::sqlite_internal
