// `ci-run fuzz [PATH|URL] --unikernel NAME --only k=v,...`: fuzzes the boot
// arguments of one cell on its own, as a developer does after a finding. The
// source, configuration, build and boot are those of `ci-run local` (the same
// code), then the fuzz step runs with the budget given here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runner/cli/command.h"
#include "runner/pipeline/run_flags.h"

namespace cirun {

struct FuzzCommandOptions {
  std::string location = ".";     // work tree, repository path or URL
  std::string rev;                // "" : the work tree as it is / HEAD
  std::string unikernel;          // --unikernel NAME (required)
  std::vector<std::string> only;  // --only k=v,... selecting one cell
  int boots = 0;                  // --boots N (0: the unikernel's fuzz: boots, else 200)
  int seconds = 0;                // --seconds S: wall-time budget (0: the config's, else none)
  uint64_t seed = 1;              // --seed N
  int jobs = 0;                   // --jobs N: boots at once (0: number of cores)
  std::string json;               // --json FILE: the campaign and its findings
  RunFlags run;                   // as `ci-run local`
  bool keep_workspaces = false;   // keep the workspace (and image) when nothing was found
};

/// Fuzzes one cell; prints progress, then the campaign's figures and each
/// unique finding with its reproducers. Returns 0 if nothing was found, 1 for
/// findings (or a failed build or boot), 2 for a usage or configuration error
/// (also when the selection is not exactly one job), 130 when interrupted.
int RunFuzzCommand(const FuzzCommandOptions& options);

/// Registers `fuzz` on `sub`.
void SetupFuzzCommand(CLI::App* sub, int* exit_code);

}  // namespace cirun
