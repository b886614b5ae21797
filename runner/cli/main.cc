// ci-run: continuous integration for MirageOS-style unikernels.
//
// main is a table of subcommands; each one lives in runner/cli/<name>_command.cc.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "runner/cli/approve_command.h"
#include "runner/cli/bench_command.h"
#include "runner/cli/bisect_command.h"
#include "runner/cli/boot_command.h"
#include "runner/cli/command.h"
#include "runner/cli/compare_command.h"
#include "runner/cli/env_diff_command.h"
#include "runner/cli/fuzz_command.h"
#include "runner/cli/history_command.h"
#include "runner/cli/local_command.h"
#include "runner/cli/manifest_command.h"
#include "runner/cli/nightly_command.h"
#include "runner/cli/rebuild_command.h"
#include "runner/cli/serve_command.h"
#include "runner/cli/status_command.h"
#include "runner/cli/toolchain_command.h"
#include "runner/cli/web_command.h"
#include "runner/cli/which_command.h"
#include "runner/cli/worker_command.h"
#include "runner/cli/xl_command.h"
#include "runner/common/version.h"

namespace {

const cirun::CommandEntry kCommands[] = {
    {"local",
     "Run the pipeline on a work tree, repository or URL: build the matrix, boot, judge, report",
     cirun::SetupLocalCommand},
    {"boot", "Boot one image through the harness and judge it (the building block of reproducers)",
     cirun::SetupBootCommand},
    {"xl", "Print the .xl file that boots an image on Xen (xl create), without booting it",
     cirun::SetupXlCommand},
    {"bench", "Run the benchmarks of a commit or work tree; print median and spread per metric",
     cirun::SetupBenchCommand},
    {"compare",
     "Benchmark two commits interleaved; per metric: slower, faster, no change or inconclusive",
     cirun::SetupCompareCommand},
    {"history",
     "Find the commits that changed benchmark results along the first-parent history (bisects)",
     cirun::SetupHistoryCommand},
    {"bisect", "Find the commit that made one cell fail, confirmed 3 times against its parent",
     cirun::SetupBisectCommand},
    {"fuzz", "Fuzz the boot arguments of one cell: hostile bootvars, minimised findings",
     cirun::SetupFuzzCommand},
    {"serve", "Run the service: GitHub webhook, commit statuses, /metrics; jobs in-process",
     cirun::SetupServeCommand},
    {"worker", "Claim jobs from the service's store and run them (any number of machines)",
     cirun::SetupWorkerCommand},
    {"nightly", "Queue the nightly pipeline of every configured repository (from cron)",
     cirun::SetupNightlyCommand},
    {"status", "List the pipelines in the store, or show one", cirun::SetupStatusCommand},
    {"rebuild", "Run a pipeline again, or only its failed jobs", cirun::SetupRebuildCommand},
    {"approve", "Run a pull request's pipeline that waits for approval (untrusted author)",
     cirun::SetupApproveCommand},
    {"toolchain",
     "List this host's toolchains; build an OCaml compiler from source and register it",
     cirun::SetupToolchainCommand},
    {"web", "Browse a store in the web dashboard (pipelines, logs, findings, performance)",
     cirun::SetupWebCommand},
    {"manifest", "Print the environment a job ran in: sources, toolchain, libraries, tools, image",
     cirun::SetupManifestCommand},
    {"env-diff", "List what differs between the environments (manifests) of two jobs",
     cirun::SetupEnvDiffCommand},
    {"which", "Find the commit, cell and environment that built an image (a file or its SHA-256)",
     cirun::SetupWhichCommand},
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ci-run: build, boot, fuzz and benchmark MirageOS-style unikernels"};
  app.set_version_flag("--version", std::string("ci-run ") + cirun::kCiRunVersion);
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
