// Turning SIGINT / SIGTERM into cancellation.
#pragma once

#include "harness/process_runner.h"

namespace cirun {

/// Installs handlers so that the first SIGINT or SIGTERM cancels `token`
/// (which must live until the end of the program); a second one of the same
/// kind kills ci-run at once (its children die with it: PR_SET_PDEATHSIG).
/// Returns the signal number that arrived first, via LastInterrupt().
void CancelOnInterrupt(CancelToken* token);

/// The signal that cancelled the token, or 0.
int LastInterrupt();

}  // namespace cirun
