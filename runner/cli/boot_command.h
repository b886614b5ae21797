// `ci-run boot IMAGE --target NAME [...] -- ARGS`: one judged boot by hand.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runner/cli/command.h"

namespace cirun {

struct BootCommandOptions {
  std::string image;
  std::string target = "virtio";
  std::vector<std::string> expect;
  std::vector<std::string> fail;
  std::vector<std::string> exit_codes;  // integers, or "none": pass once every expect matched
  std::string timeout = "20s";
  std::string outcome = "passed";  // the outcome that passes the boot (a negative test: crashed...)
  std::string host_config;
  std::string cache_dir;
  std::vector<std::string> args;       // runtime arguments (after --)
  std::optional<std::string> cmdline;  // --cmdline RAW: the guest command line verbatim
  bool quiet = false;                  // do not echo the console
  bool no_sandbox = false;             // --no-sandbox: boot unboxed
};

/// Boots and judges; prints the console as it streams and a verdict line.
/// Returns 0 if the boot passed, 1 if not, 3 if it was infra, 2 for a usage
/// error, 130 when interrupted.
int RunBootCommand(const BootCommandOptions& options);

void SetupBootCommand(CLI::App* sub, int* exit_code);

}  // namespace cirun
