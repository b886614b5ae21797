// What the store keeps of a job's environment: its manifest (see
// runner/pipeline/job_manifest.h for what a manifest holds), indexed by the
// job, its sources' tree id and its image's SHA-256.
#pragma once

#include <cstdint>
#include <string>

namespace cirun {

/// The manifest of one attempt of one job.
struct ManifestRecord {
  int64_t job_id = 0;
  int attempt = 0;
  std::string source_tree;    // the id of the unikernel's sources (git tree id)
  std::string image_sha256;   // lowercase hex; "" when no image was built
  int64_t image_size = 0;     // bytes; 0 when no image was built
  std::string manifest_json;  // the whole manifest, a JSON object
  int64_t created_ms = 0;     // set by AddManifest
  // Filled in by the reads, from the job and its pipeline:
  int64_t pipeline_id = 0;
  std::string repo;       // the pipeline's repository
  std::string commit;     // the pipeline's commit
  std::string job_name;   // "hello gcc/virtio"
  std::string unikernel;  //
  std::string cell_key;   // "compiler=gcc,target=virtio"
  std::string job_state;  // the job's state now ("passed", "failed", "running", ...)
};

/// Which manifests FindManifests returns: those matching every non-empty field,
/// of jobs' current attempts, newest pipeline first, at most `limit`.
struct ManifestQuery {
  std::string image_sha256_prefix;  // the image hash starts with this (lowercase hex)
  std::string repo;
  std::string unikernel;
  std::string cell_key;
  std::string source_tree;
  int64_t before_pipeline = 0;  // > 0: only pipelines with a smaller id
  int limit = 20;
};

}  // namespace cirun
