// `ci-run local [PATH|URL]`: the whole pipeline on one machine.
#pragma once

#include <string>
#include <vector>

#include "runner/command.h"

namespace cirun {

struct LocalOptions {
  std::string location = ".";           // work tree, repository path or URL
  std::string rev;                      // "" : the work tree as it is / HEAD
  std::string config;                   // --config FILE or preset name
  std::vector<std::string> only;        // --only k=v,k=v (repeatable, OR-ed)
  std::vector<std::string> unikernels;  // --unikernel NAME (repeatable)
  int jobs = 0;                         // 0: number of cores
  std::string db;                       // "" : STATE/.ci-run/ci.db
  std::string cache_dir;                // "" : DefaultCacheDir()
  std::string work_dir;                 // "" : STATE/.ci-run/work
  std::string host_config;              // --host-config FILE
  std::string junit;                    // --junit FILE
  std::string json;                     // --json FILE
  bool keep_workspaces = false;
  bool no_cache = false;
  bool dry_run = false;
  bool plain = false;      // no live display even on a TTY
  bool no_bench = false;   // skip the bench step of unikernels with `bench:`
  std::string bench_base;  // compare benchmarks with this commit, interleaved (a PR's base)
};

/// Runs the pipeline; returns the exit code (0 all passed or skipped, 1 a job
/// failed, 2 usage/config error, 130 interrupted).
int RunLocal(const LocalOptions& options);

/// Registers `local` on `sub`.
void SetupLocalCommand(CLI::App* sub, int* exit_code);

}  // namespace cirun
