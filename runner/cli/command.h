// The shape of a ci-run subcommand: `main` is a table of these.
#pragma once

#include <CLI/CLI.hpp>

namespace cirun {

/// Adds a subcommand's options to `sub` and arranges for its callback to store
/// the process exit code in `*exit_code` (ExitCode, exit_code.h: 0 ok, 1
/// something failed, 2 usage or configuration error, 3 nothing failed but some
/// jobs were infra, 130 interrupted).
using CommandSetup = void (*)(CLI::App* sub, int* exit_code);

struct CommandEntry {
  const char* name;
  const char* help;
  CommandSetup setup;
};

}  // namespace cirun
