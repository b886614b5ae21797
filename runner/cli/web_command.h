// `ci-run web [--db FILE | --config FILE] [--listen ADDR]`: the dashboard
// (runner/web/dashboard.h) over a store, alone on its own port: a developer
// browses the runs of `ci-run local` (the work tree's .ci-run/ci.db by
// default), or anyone a service's store, read-only unless a token is given.
#pragma once

#include <string>

#include "runner/cli/command.h"
#include "runner/cli/store_flags.h"

namespace cirun {

struct WebOptions {
  StoreFlags store;
  std::string listen = "127.0.0.1:8090";  // HOST:PORT; port 0: any free port
  std::string token_file;                 // the actions' token (default: --config's web.token)
  bool require_login = false;             // reading needs the token too
};

/// Serves until SIGINT/SIGTERM. Exit code: 0 stopped by SIGTERM, 130 by
/// SIGINT, 2 usage error (bad --listen, no store, unreadable token), 1 the
/// port cannot be bound or the store cannot be opened.
int RunWeb(const WebOptions& options);

void SetupWebCommand(CLI::App* sub, int* exit_code);

}  // namespace cirun
