// `ci-run toolchain list|add|remove`: the compilers this host offers to the
// matrix's `compiler` axis.
#pragma once

#include "runner/cli/command.h"

namespace cirun {

/// Adds the `toolchain` subcommand with its own subcommands:
///   list [--json]                           every toolchain, its kind, language,
///                                           version read from the compiler itself
///                                           (or why it is unavailable), and where
///                                           it was defined
///   add NAME --ocaml-source TARBALL [-j N]  build an OCaml compiler from source into
///                                           the cache and register it (resumable)
///   remove NAME                             unregister and delete a built toolchain
/// Each takes --cache-dir (default ~/.cache/ci-run) and --host-config.
/// Exit codes: 0 ok, 1 the build failed, 2 usage error, 130 interrupted.
void SetupToolchainCommand(CLI::App* sub, int* exit_code);

}  // namespace cirun
