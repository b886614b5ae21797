// `ci-run status [PIPELINE]`: the pipelines in the store (newest first), or
// one pipeline's jobs with their state, timings, causes and reproducers.
#pragma once

#include <cstdint>
#include <string>

#include "runner/cli/command.h"
#include "runner/cli/store_flags.h"

namespace cirun {

struct StatusOptions {
  StoreFlags store;
  int64_t pipeline = 0;  // 0: list the pipelines
  int limit = 20;        // pipelines listed
  bool json = false;     // the whole pipeline as JSON (as `local --json` writes it)
  bool wait = false;     // wait until the pipeline has finished
  bool logs = false;     // the step logs of the failed jobs (or of `job`)
  std::string job;       // --job: one job's logs, by name or id (implies logs)
  bool workers = false;  // list the live workers instead of pipelines
};

/// Prints the list, the pipeline, its step logs, or the live workers. Exit code: 0; with --wait,
/// 0 if every job passed or was skipped and 1 otherwise; 2 for usage errors,
/// an unknown pipeline or a --job no job of it matches; 1 if the store cannot
/// be read.
int RunStatus(const StatusOptions& options);

void SetupStatusCommand(CLI::App* sub, int* exit_code);

}  // namespace cirun
