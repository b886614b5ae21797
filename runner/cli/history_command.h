// `ci-run history PATH`: along the first-parent history, the benchmark
// samples of each commit (stored, or measured for a spread of commits that
// lack them), the change points in every metric (harness/change_points.h),
// and for each one a bisection between the commits on either side that
// names the single commit that introduced the change, confirmed by an
// interleaved comparison with its parent.
#pragma once

#include "runner/cli/command.h"

namespace cirun {

/// Registers `history` on `sub`.
void SetupHistoryCommand(CLI::App* sub, int* exit_code);

}  // namespace cirun
