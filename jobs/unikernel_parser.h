// Reading one entry of `unikernels:` (parser internal).
#pragma once

#include <optional>

#include "jobs/config_reader.h"
#include "jobs/matrix_parser.h"
#include "jobs/repo_config.h"

namespace cirun {

/// Reads `name: {path, build, image, build-timeout, matrix, boot, tests,
/// fuzz, bench}`. `top` is the top-level matrix, or nullptr when there is
/// none (then ${variable} names are not checked). A unikernel with its own
/// `matrix` uses that one and its problem is reported here; otherwise
/// `*uses_top` is set and the caller reports the top-level matrix's problem
/// once. Returns nullopt after reporting problems.
std::optional<UnikernelSpec> ParseUnikernel(ConfigReader& reader, const YamlEntry& entry,
                                            const CheckedMatrix* top, bool* uses_top);

}  // namespace cirun
