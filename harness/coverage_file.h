// The file the QEMU coverage plugin (qemu_plugins/coverage.c) writes when
// QEMU exits: a header line "ci-run coverage 1 blocks|edges", then one
// distinct id (a block's guest address, or an edge id) in hex a line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace cirun {

/// The ids in `text`, sorted and without duplicates. InvalidArgument naming
/// the line for a missing or unknown header or a line that is not hex.
Result<std::vector<uint64_t>> ParseCoverage(std::string_view text);

/// ParseCoverage of the file at `path`; NotFound if there is none (QEMU was
/// killed before it could write it), IoError if it cannot be read.
Result<std::vector<uint64_t>> ReadCoverageFile(const std::string& path);

}  // namespace cirun
