// `ci-run manifest JOB`: the environment a job ran in, as its manifest
// recorded it (runner/pipeline/job_manifest.h): text, or --json.
#pragma once

#include <cstdint>

#include "runner/cli/command.h"
#include "runner/cli/store_flags.h"

namespace cirun {

struct ManifestOptions {
  StoreFlags store;
  int64_t job = 0;    // job id (`ci-run status PIPELINE --json`: jobs[].id)
  bool json = false;  // the manifest as JSON, with a "job" section
};

/// Prints the manifest. Exit code: 0 printed; 2 usage error, unknown job or
/// a job without a manifest (skipped, or not run yet); 1 store error.
int RunManifest(const ManifestOptions& options);

void SetupManifestCommand(CLI::App* sub, int* exit_code);

}  // namespace cirun
