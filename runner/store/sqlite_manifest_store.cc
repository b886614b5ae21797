// SqliteStore: job manifests (table manifests, kManifestsSchema in
// sqlite_store.cc; see ManifestRecord in manifest_records.h).

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runner/store/sqlite_store_internal.h"

namespace cirun::sqlite_internal {
namespace {

constexpr const char* kSelect =
    "SELECT m.job_id, m.attempt, m.source_tree, m.image_sha256, m.image_size, m.manifest_json, "
    "m.created_ms, j.pipeline_id, p.repo, p.commit_sha, j.name, j.unikernel, j.cell_key, j.state "
    "FROM manifests m JOIN jobs j ON j.id = m.job_id AND j.attempt = m.attempt "
    "JOIN pipelines p ON p.id = j.pipeline_id ";

ManifestRecord ReadManifest(const Statement& s) {
  ManifestRecord m;
  m.job_id = s.Int(0);
  m.attempt = static_cast<int>(s.Int(1));
  m.source_tree = s.Text(2);
  m.image_sha256 = s.Text(3);
  m.image_size = s.Int(4);
  m.manifest_json = s.Text(5);
  m.created_ms = s.Int(6);
  m.pipeline_id = s.Int(7);
  m.repo = s.Text(8);
  m.commit = s.Text(9);
  m.job_name = s.Text(10);
  m.unikernel = s.Text(11);
  m.cell_key = s.Text(12);
  m.job_state = s.Text(13);
  return m;
}

}  // namespace

Status SqliteStore::AddManifest(const ManifestRecord& m) {
  std::lock_guard lock(mu_);
  Statement s(db_,
              "INSERT OR REPLACE INTO manifests(job_id, attempt, source_tree, image_sha256, "
              "image_size, manifest_json, created_ms) VALUES(?,?,?,?,?,?,?)");
  s.Bind(1, m.job_id).Bind(2, m.attempt).Bind(3, m.source_tree).Bind(4, m.image_sha256);
  s.Bind(5, m.image_size).Bind(6, m.manifest_json).Bind(7, Now());
  return s.Run();
}

Result<std::optional<ManifestRecord>> SqliteStore::GetManifest(int64_t job_id) {
  std::lock_guard lock(mu_);
  Statement s(db_, (std::string(kSelect) + "WHERE m.job_id = ?").c_str());
  s.Bind(1, job_id);
  int rc = s.Step();
  if (rc == SQLITE_ROW) return std::optional<ManifestRecord>(ReadManifest(s));
  if (rc != SQLITE_DONE) return s.Error();
  return std::optional<ManifestRecord>();
}

Result<std::vector<ManifestRecord>> SqliteStore::FindManifests(const ManifestQuery& q) {
  std::string sql = std::string(kSelect) + "WHERE 1 = 1";
  std::vector<std::string> texts;
  if (!q.image_sha256_prefix.empty()) {
    sql += " AND substr(m.image_sha256, 1, ?) = ?";
  }
  for (const auto& [column, value] :
       {std::pair{"p.repo", &q.repo}, std::pair{"j.unikernel", &q.unikernel},
        std::pair{"j.cell_key", &q.cell_key}, std::pair{"m.source_tree", &q.source_tree}}) {
    if (value->empty()) continue;
    sql += std::string(" AND ") + column + " = ?";
    texts.push_back(*value);
  }
  if (q.before_pipeline > 0) sql += " AND j.pipeline_id < ?";
  sql += " ORDER BY j.pipeline_id DESC, m.job_id DESC LIMIT ?";
  std::lock_guard lock(mu_);
  Statement s(db_, sql.c_str());
  int i = 1;
  if (!q.image_sha256_prefix.empty()) {
    s.Bind(i++, static_cast<int64_t>(q.image_sha256_prefix.size()));
    s.Bind(i++, q.image_sha256_prefix);
  }
  for (const std::string& t : texts) s.Bind(i++, t);
  if (q.before_pipeline > 0) s.Bind(i++, q.before_pipeline);
  s.Bind(i++, static_cast<int64_t>(q.limit));
  std::vector<ManifestRecord> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) out.push_back(ReadManifest(s));
  if (rc != SQLITE_DONE) return s.Error();
  return out;
}

}  // namespace cirun::sqlite_internal
