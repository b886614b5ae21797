// SelfRun: a job step that runs ci-run itself (the nightly `history` step,
// the service's culprit search): pointed at the job environment's store,
// cache and configuration, unsandboxed (ci-run's own builds and boots are
// boxed), its output kept as the step's log.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "harness/process_runner.h"

namespace cirun {

struct JobEnvironment;

/// Appends the flags that point a ci-run command at `env`'s state: --db
/// (env.store_url), --cache-dir, and --service-config (the service's
/// toolchains and targets) or else --host-config, each only when set.
void AppendStateFlags(const JobEnvironment& env, std::vector<std::string>* argv);

struct SelfRunResult {
  ProcessExit exit;
  std::string log;      // the last log_cap bytes of its output
  std::string command;  // argv as users would type it (argv[0]: env.self_command)
};

/// Runs `argv` (argv[0]: this executable) through env.runner, unsandboxed,
/// with NO_COLOR, stopped after `timeout` or when `cancel` fires.
SelfRunResult RunSelf(const JobEnvironment& env, const std::vector<std::string>& argv,
                      std::chrono::milliseconds timeout, size_t log_cap, const CancelToken* cancel);

}  // namespace cirun
