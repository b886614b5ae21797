// Finding host tools (qemu-system-*, solo5 tenders, xl) the way a child's exec would.
#pragma once

#include <string>

#include "base/status.h"

namespace cirun {

/// The path to run `name`: `name` itself if it contains a '/' and is an
/// executable file, else the first executable `name` in ci-run's PATH
/// (boost::process::search_path). Returns Unavailable "<name> not found in PATH"
/// or "<name> is not an executable file". Thread-safe.
Result<std::string> FindExecutable(const std::string& name);

}  // namespace cirun
