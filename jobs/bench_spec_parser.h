// Reading `bench:` of a unikernel (parser internal).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jobs/config_reader.h"
#include "jobs/repo_config.h"
#include "jobs/variable_scope.h"

namespace cirun {

/// Parses a regression threshold: "10%" (0.10) or a fraction such as 0.1.
/// Returns nullopt unless it is > 0; a bare number must be at most 1 (so a
/// forgotten '%' is caught).
std::optional<double> ParseRegressionThreshold(std::string_view text);

/// Reads `bench:`: `runs` (positive, default 10), `args` (default
/// `boot_args`), `metrics` (non-empty list of names, lower is better, or
/// {name, better: lower|higher}; default [boot_ms]) and `fail-on-regression`.
/// Returns nullopt after reporting problems.
std::optional<BenchSpec> ParseBench(ConfigReader& reader, const YamlEntry& entry,
                                    const VariableScope& scope,
                                    const std::vector<std::string>& boot_args,
                                    const std::string& unikernel);

}  // namespace cirun
