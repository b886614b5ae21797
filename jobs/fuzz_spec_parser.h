// Reading `fuzz:` of a unikernel, and the fuzz key type grammar.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "jobs/config_reader.h"
#include "jobs/repo_config.h"

namespace cirun {

/// Checks a fuzz key type: `string`, `bool`, `ipv4`, `ipv4-cidr`,
/// `int[lo,hi]` (64-bit, lo <= hi) or `enum[a,b,...]` (non-empty, distinct
/// values). On success returns "" and sets `*canonical` to the type without
/// spaces ("int[1,65535]"); otherwise returns what is wrong.
std::string NormalizeFuzzType(std::string_view type, std::string* canonical);

/// Reads `fuzz:`: `keys` (map of argument name without dashes -> type,
/// default none: only mutation of the boot arguments), `boots` (positive,
/// default 200), `time` (duration, default 0: boots only). Returns nullopt
/// after reporting problems.
std::optional<FuzzSpec> ParseFuzz(ConfigReader& reader, const YamlEntry& entry,
                                  const std::string& unikernel);

}  // namespace cirun
