// `ci-run rebuild PIPELINE [--failed]`: queues a new pipeline for the same
// commit with the same jobs (or, with --failed, only those that failed, hit
// an infrastructure error or were cancelled). The service's workers run it
// and GitHub gets its statuses again. A pipeline that could not be planned
// (fetch error, bad .ci-run.yml) is planned again from its commit, which
// needs the service config (--config).
#pragma once

#include <cstdint>

#include "runner/cli/command.h"
#include "runner/cli/store_flags.h"
#include "runner/web/pipeline_actions.h"  // RebuildJobs, RebuildInfo

namespace cirun {

struct RebuildOptions {
  StoreFlags store;
  int64_t pipeline = 0;
  bool failed_only = false;
};

/// Prints the new pipeline. Exit code: 0 queued (or nothing to rebuild), 2
/// usage error or unknown pipeline, 1 store error.
int RunRebuild(const RebuildOptions& options);

void SetupRebuildCommand(CLI::App* sub, int* exit_code);

}  // namespace cirun
