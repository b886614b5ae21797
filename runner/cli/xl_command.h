// `ci-run xl IMAGE [--name N] [--memory MB] [--disk PATH]... [--bridge BR]... -- ARGS`:
// prints the .xl file ci-run would boot IMAGE from, without booting it.
#pragma once

#include <string>
#include <vector>

#include "runner/cli/command.h"

namespace cirun {

struct XlCommandOptions {
  std::string image;
  std::string name;                  // "" : the image's file name without its extension
  int memory_mb = 0;                 // 0 : the target's (64 by default)
  std::vector<std::string> disks;    // absolute paths; replace the target's disks if given
  std::vector<std::string> bridges;  // replace the target's bridges if given
  std::string on_crash;              // "" : the target's ("destroy")
  std::string target = "xen";        // the xen target whose defaults apply
  std::string host_config;
  std::string cache_dir;
  std::vector<std::string> args;  // runtime arguments (after --)
};

/// Prints the file on stdout and returns 0; returns 2 with one line on stderr
/// for a usage error or a value the file cannot carry ("ci-run xl: cmdline:
/// byte 0xc3 at offset 3 is not ASCII (xl cannot carry it)").
int RunXlCommand(const XlCommandOptions& options);

void SetupXlCommand(CLI::App* sub, int* exit_code);

}  // namespace cirun
