// ExitCode: the process exit status of every ci-run subcommand, and the one
// mapping from job results to it.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "harness/boot_outcome.h"
#include "runner/store/store.h"

namespace cirun {

/// What ci-run's exit status says (README "Exit codes").
enum ExitCode : int {
  kExitPassed = 0,         // every job passed or was skipped
  kExitFailed = 1,         // something failed: a build, a boot, a test, a fuzz finding
  kExitUsage = 2,          // usage or configuration error: nothing was judged
  kExitInfraOnly = 3,      // nothing failed, but some jobs could not run for host reasons
                           // (infra): the commit is not to blame, the result incomplete
  kExitInterrupted = 130,  // interrupted (Ctrl-C, SIGTERM)
};

/// kExitFailed if any state is neither passed, skipped nor infra (failed,
/// cancelled, still queued or running): 1 wins over 3; else kExitInfraOnly if
/// any is infra; else kExitPassed (also for no states at all).
ExitCode ExitCodeForStates(const std::vector<JobState>& states);

/// The JobState a single boot's outcome stands for, for ExitCodeForStates:
/// passed -> kPassed, infra -> kInfra, anything else -> kFailed.
JobState JobStateForBoot(BootOutcome outcome);

/// The exit status an operation's Status stands for, the one mapping every
/// subcommand uses: OK -> kExitPassed; kCancelled -> kExitInterrupted; the
/// caller's input is wrong (kInvalidArgument, kNotFound, kFailedPrecondition)
/// -> kExitUsage; anything else failed while running (kIoError, kTimeout,
/// kUnavailable, kInternal) -> kExitFailed.
ExitCode ExitCodeForStatus(const Status& status);

/// Prints "`who`: message" and a newline to stderr (nothing for OK) and
/// returns ExitCodeForStatus(status). `who` names the command, e.g. "ci-run"
/// or "ci-run fuzz". A usage error is ReportError(who, Status::InvalidArgument(m)).
int ReportError(const std::string& who, const Status& status);

/// For a configuration the command rejects: prints the message (it names
/// FILE:LINE:COL itself), then "`who`: configuration rejected`suffix`", and
/// returns ExitCodeForStatus(status).
int ReportConfigError(const std::string& who, const Status& status, const std::string& suffix = "");

}  // namespace cirun
