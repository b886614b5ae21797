// `ci-run nightly --config FILE`: queues the nightly pipeline of every
// configured repository with `nightly: true` (the full matrix at the head of
// its first branch, trigger "nightly", the config's `nightly:` options in the
// pipeline's options_json under "nightly", for the fuzzing and benchmark
// steps). Run it from cron or a systemd timer; `serve` and the workers run
// the pipelines. Builds of an unchanged commit come from the build cache.
//
// Each repository gets at most one nightly pipeline per UTC day (delivery id
// "nightly:<owner/name>:<YYYY-MM-DD>"), so a timer that fires twice queues
// nothing new; --again queues one more anyway.
#pragma once

#include <string>
#include <vector>

#include "runner/cli/command.h"

namespace cirun {

struct NightlyOptions {
  std::string config;
  std::vector<std::string> repos;  // --repo: only these (default: every nightly repository)
  bool again = false;
};

/// Prints one line per repository. Exit code: 0 every pipeline queued (or
/// queued already today; a repository whose .ci-run.yml is broken gets a
/// failed pipeline and its failure status), 1 a store error or a repository
/// that cannot be fetched, 2 configuration or usage error.
int RunNightly(const NightlyOptions& options);

void SetupNightlyCommand(CLI::App* sub, int* exit_code);

}  // namespace cirun
