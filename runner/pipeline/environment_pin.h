// EnvironmentPin: `ci-run local --env-from JOB`. Runs with the environment
// a stored job recorded (its manifest, job_manifest.h) where this host has
// it, and says precisely what differs where it has not: the toolchain whose
// compilers report exactly the recorded version lines is chosen (under the
// recorded name, whatever this host calls it); the libraries, the target's
// tools and ci-run's version are compared with what this host has.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runner/host/host_config.h"
#include "runner/pipeline/environment_probe.h"
#include "runner/pipeline/job_manifest.h"

namespace cirun {

/// One toolchain of this host and what its compilers report.
struct ToolchainCandidate {
  std::string name;
  std::map<std::string, std::string> compilers;  // EnvironmentProbe::Compilers
};

/// The candidate whose compilers report exactly `recorded.compilers`, the one
/// named `recorded.toolchain` first, else the first in order; nullopt when
/// none does (or nothing was recorded).
std::optional<std::string> MatchToolchain(const JobManifest& recorded,
                                          const std::vector<ToolchainCandidate>& candidates);

/// One line per key whose value differs between `recorded` and `here`:
/// "WHAT NAME: recorded A, this host has B", "(none)" for a missing side.
std::vector<std::string> MapDifferences(const std::string& what,
                                        const std::map<std::string, std::string>& recorded,
                                        const std::map<std::string, std::string>& here);

/// What PinEnvironment did.
struct EnvironmentPinReport {
  std::vector<std::string> chosen;       // "toolchain gcc: this host's gcc-12 (...)"
  std::vector<std::string> differences;  // what this host cannot match; empty when all matched
};

/// Points `host`'s toolchain named `recorded.toolchain` at the host
/// toolchain that matches it (MatchToolchain over every toolchain of the
/// same language, probed through `probe`), and lists what still differs:
/// the compilers (when none matched), the OCaml libraries, the recorded
/// target's tools, ci-run's version (`ci_run_version`). A toolchain or target
/// this host lacks is a difference too; the job is then skipped with the
/// usual reason. Never fails.
EnvironmentPinReport PinEnvironment(const JobManifest& recorded, const std::string& ci_run_version,
                                    EnvironmentProbe& probe, HostConfig* host);

}  // namespace cirun
