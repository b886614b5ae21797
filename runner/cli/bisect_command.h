// `ci-run bisect [PATH] --good REV --bad REV --only CELL --unikernel NAME`:
// the commit that made one cell's case fail, found by bisecting the
// first-parent history between a commit where it passed and one where it
// failed, and confirmed: the culprit fails N times (--confirm, default 3),
// its parent passes N times; else "not confirmed", with what was seen.
// Exit: 0 a confirmed culprit, 1 not confirmed, 2 usage, 130 interrupted.
#pragma once

#include "runner/cli/command.h"

namespace cirun {

/// Registers `bisect` on `sub`.
void SetupBisectCommand(CLI::App* sub, int* exit_code);

}  // namespace cirun
