// RunFlags: the flags every command that plans and runs jobs shares (`local`,
// `fuzz`, `bench`, `compare`, `history`): one definition of their names,
// defaults and help, and the part of them a printed reproducer repeats.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace cirun {

struct RunFlags {
  std::string config;       // --config FILE or a preset name, instead of .ci-run.yml
  std::string db;           // --db: "" : .ci-run/ci.db beside the checkout
  std::string cache_dir;    // --cache-dir: "" : DefaultCacheDir() (mirrors, build cache)
  std::string work_dir;     // --work-dir: "" : .ci-run/work beside the checkout
  std::string host_config;  // --host-config FILE: this host's toolchains and targets
  bool plain = false;       // --plain: plain line output even on a terminal
};

/// Adds --config, --db, --cache-dir, --work-dir, --host-config and --plain to
/// `sub`, storing into `*flags`. Returns the --host-config option (for
/// `excludes`).
CLI::Option* AddRunFlags(CLI::App* sub, RunFlags* flags);

/// The flags a reproducer repeats, so that the command as printed runs with
/// the same configuration and storage: --config (a file made absolute, a
/// preset name as given), --host-config, --db and --cache-dir (made
/// absolute), each when set. Not --work-dir (a rerun's workspaces are its
/// own) nor --plain.
std::vector<std::string> ReproducerFlags(const RunFlags& flags);

}  // namespace cirun
