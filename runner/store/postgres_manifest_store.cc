// PostgresStore: job manifests (table manifests, in kSchema in
// postgres_store.cc; see ManifestRecord in manifest_records.h).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runner/store/postgres_store_internal.h"

namespace cirun::postgres_internal {
namespace {

constexpr const char* kSelect =
    "SELECT m.job_id, m.attempt, m.source_tree, m.image_sha256, m.image_size, m.manifest_json, "
    "m.created_ms, j.pipeline_id, p.repo, p.commit_sha, j.name, j.unikernel, j.cell_key, j.state "
    "FROM manifests m JOIN jobs j ON j.id = m.job_id AND j.attempt = m.attempt "
    "JOIN pipelines p ON p.id = j.pipeline_id ";

ManifestRecord ReadManifest(const pqxx::row& r) {
  ManifestRecord m;
  m.job_id = Int(r[0]);
  m.attempt = static_cast<int>(Int(r[1]));
  m.source_tree = Text(r[2]);
  m.image_sha256 = Text(r[3]);
  m.image_size = Int(r[4]);
  m.manifest_json = Text(r[5]);
  m.created_ms = Int(r[6]);
  m.pipeline_id = Int(r[7]);
  m.repo = Text(r[8]);
  m.commit = Text(r[9]);
  m.job_name = Text(r[10]);
  m.unikernel = Text(r[11]);
  m.cell_key = Text(r[12]);
  m.job_state = Text(r[13]);
  return m;
}

}  // namespace

Status PostgresStore::AddManifest(const ManifestRecord& m) {
  return Tx<bool>(
             "record a job manifest",
             [&](pqxx::work& tx) -> Result<bool> {
               tx.exec_params(
                   "INSERT INTO manifests(job_id, attempt, source_tree, image_sha256, image_size, "
                   "manifest_json, created_ms) VALUES($1, $2, $3, $4, $5, $6, " CIRUN_PG_NOW_MS
                   ") ON CONFLICT (job_id, attempt) DO UPDATE SET source_tree = "
                   "EXCLUDED.source_tree, "
                   "image_sha256 = EXCLUDED.image_sha256, image_size = EXCLUDED.image_size, "
                   "manifest_json = EXCLUDED.manifest_json, created_ms = EXCLUDED.created_ms",
                   m.job_id, m.attempt, m.source_tree, m.image_sha256, m.image_size,
                   m.manifest_json);
               return true;
             })
      .status();
}

Result<std::optional<ManifestRecord>> PostgresStore::GetManifest(int64_t job_id) {
  using Out = std::optional<ManifestRecord>;
  return Tx<Out>("read a job manifest", [&](pqxx::work& tx) -> Result<Out> {
    pqxx::result rows = tx.exec_params(std::string(kSelect) + "WHERE m.job_id = $1", job_id);
    if (rows.empty()) return Out();
    return Out(ReadManifest(rows[0]));
  });
}

Result<std::vector<ManifestRecord>> PostgresStore::FindManifests(const ManifestQuery& q) {
  using Out = std::vector<ManifestRecord>;
  return Tx<Out>("find job manifests", [&](pqxx::work& tx) -> Result<Out> {
    // Every condition is always present; an empty value turns it off.
    const std::string sql = std::string(kSelect) +
                            "WHERE ($1 = '' OR left(m.image_sha256, length($1)) = $1) "
                            "AND ($2 = '' OR p.repo = $2) AND ($3 = '' OR j.unikernel = $3) "
                            "AND ($4 = '' OR j.cell_key = $4) AND ($5 = '' OR m.source_tree = $5) "
                            "AND ($6::BIGINT <= 0 OR j.pipeline_id < $6::BIGINT) "
                            "ORDER BY j.pipeline_id DESC, m.job_id DESC LIMIT $7::BIGINT";
    pqxx::result rows = tx.exec_params(sql, q.image_sha256_prefix, q.repo, q.unikernel, q.cell_key,
                                       q.source_tree, q.before_pipeline, q.limit);
    Out out;
    for (const auto& row : rows) out.push_back(ReadManifest(row));
    return out;
  });
}

}  // namespace cirun::postgres_internal
