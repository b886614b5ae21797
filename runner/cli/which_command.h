// `ci-run which IMAGE_OR_HASH`: which commit, cell and environment produced
// this binary: the jobs whose manifest records its SHA-256.
#pragma once

#include <string>

#include "runner/cli/command.h"
#include "runner/cli/store_flags.h"

namespace cirun {

struct WhichOptions {
  StoreFlags store;
  std::string image;  // an image file, or its SHA-256 (or a prefix of 8+ hex digits)
  int limit = 10;     // jobs listed
  bool json = false;  // a JSON array of the jobs, newest first
};

/// Prints the jobs that built the image, newest first. Exit code: 0 found, 1
/// not found (or a store error), 2 usage error.
int RunWhich(const WhichOptions& options);

void SetupWhichCommand(CLI::App* sub, int* exit_code);

}  // namespace cirun
