// DirectoryTreeId: the git tree id of a directory on disk, as git would
// compute it after `git add -A` there (regular files, executables, symbolic
// links; empty directories and .git left out), without a repository.
#pragma once

#include <string>

#include "base/status.h"

namespace cirun {

/// The 40-hex-digit git tree id of `dir`'s contents. NotFound if `dir` is not
/// a directory; IoError if a file cannot be read.
Result<std::string> DirectoryTreeId(const std::string& dir);

}  // namespace cirun
