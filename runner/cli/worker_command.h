// `ci-run worker --config FILE`: claims jobs from the shared store and runs
// them, on as many machines as there are workers. It only takes jobs whose
// labels (targets, toolchains) it offers. The first SIGTERM or SIGINT stops
// claiming and lets the running jobs finish for up to --grace, then hands
// them back to the queue; a second one kills the worker at once (its jobs
// come back when their lease expires).
#pragma once

#include <string>

#include "runner/cli/command.h"

namespace cirun {

struct WorkerOptions {
  std::string config;
  std::string name;                 // "" : HOST:PID
  int slots = 0;                    // 0 : worker.slots from the config
  std::string grace = "30s";        // how long running jobs may finish after SIGTERM
  std::vector<std::string> labels;  // empty: worker.labels, else what this host can run
};

/// Returns 0 after a clean stop (130 after SIGINT), 2 for configuration
/// errors, 1 if the store cannot be opened.
int RunWorker(const WorkerOptions& options);

void SetupWorkerCommand(CLI::App* sub, int* exit_code);

}  // namespace cirun
