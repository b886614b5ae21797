// `ci-run bench [PATH]`: runs the benchmarks of one commit (or of the work
// tree as it is) and prints the median and spread of every metric.
#pragma once

#include "runner/cli/command.h"

namespace cirun {

/// Registers `bench` on `sub`.
void SetupBenchCommand(CLI::App* sub, int* exit_code);

}  // namespace cirun
