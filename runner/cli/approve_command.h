// `ci-run approve PIPELINE`: an operator approves a pipeline waiting for
// approval (a pull request whose author is not trusted, trust_policy.h):
// its jobs are queued and the service's workers run them. The same as a
// trusted user's `/ci-run approve` comment, for one pipeline.
#pragma once

#include <cstdint>

#include "runner/cli/command.h"
#include "runner/cli/store_flags.h"

namespace cirun {

struct ApproveOptions {
  StoreFlags store;
  int64_t pipeline = 0;
};

/// Prints what was queued. Exit code: 0 approved, 2 usage error, unknown
/// pipeline or a pipeline not waiting for approval, 1 store error.
int RunApprove(const ApproveOptions& options);

void SetupApproveCommand(CLI::App* sub, int* exit_code);

}  // namespace cirun
