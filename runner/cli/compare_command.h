// `ci-run compare PATH BASE HEAD`: builds both commits, runs their benchmarks
// interleaved (A B B A ...) and decides per metric: slower, faster, no change
// or inconclusive, with the ratio of medians, its confidence interval and the
// rank test's p-value.
#pragma once

#include "runner/cli/command.h"

namespace cirun {

/// Registers `compare` on `sub`.
void SetupCompareCommand(CLI::App* sub, int* exit_code);

}  // namespace cirun
