// ci-run: continuous integration for MirageOS-style unikernels.
//
// main is a table of subcommands; each one lives in runner/<name>_command.cc.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "runner/boot_command.h"
#include "runner/command.h"
#include "runner/local_command.h"
#include "runner/toolchain_command.h"

namespace {

const cirun::CommandEntry kCommands[] = {
    {"local",
     "Run the pipeline on a work tree, repository or URL: build the matrix, boot, judge, report",
     cirun::SetupLocalCommand},
    {"boot", "Boot one image through the harness and judge it (the building block of reproducers)",
     cirun::SetupBootCommand},
    {"toolchain",
     "List this host's toolchains; build an OCaml compiler from source and register it",
     cirun::SetupToolchainCommand},
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ci-run: build, boot, fuzz and benchmark MirageOS-style unikernels"};
  app.set_version_flag("--version", "ci-run 0.1.0");
  app.require_subcommand(1);
  int exit_code = 0;
  for (const auto& command : kCommands)
    command.setup(app.add_subcommand(command.name, command.help), &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;  // usage errors exit 2, like configuration errors
  }
  return exit_code;
}
