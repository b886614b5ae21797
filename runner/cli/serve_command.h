// `ci-run serve --config FILE`: the service on one HTTP port: GitHub webhook
// (POST /hooks/github), Prometheus metrics (GET /metrics), health
// (GET /healthz); it reports commit statuses to GitHub and, unless the
// config says `worker.in-serve: false`, runs jobs in-process too, so one
// machine needs nothing else.
#pragma once

#include <string>

#include "runner/cli/command.h"

namespace cirun {

/// Runs until SIGTERM (exit 0) or SIGINT (exit 130); 2 for configuration
/// errors, 1 if the store or the port cannot be opened.
int RunServe(const std::string& config_path);

void SetupServeCommand(CLI::App* sub, int* exit_code);

}  // namespace cirun
