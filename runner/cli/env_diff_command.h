// `ci-run env-diff JOB_A JOB_B`: what differs between the manifests of two
// jobs (runner/pipeline/env_diff.h), and nothing else.
#pragma once

#include <cstdint>

#include "runner/cli/command.h"
#include "runner/cli/store_flags.h"

namespace cirun {

struct EnvDiffOptions {
  StoreFlags store;
  int64_t job_a = 0;
  int64_t job_b = 0;
  bool json = false;  // {"a": job, "b": job, "changes": [{entry, before, after, environment}]}
};

/// Prints the differences. Exit code, as diff(1): 0 no difference, 1
/// differences (or a store error), 2 usage error or a job without a manifest.
int RunEnvDiff(const EnvDiffOptions& options);

void SetupEnvDiffCommand(CLI::App* sub, int* exit_code);

}  // namespace cirun
