// Reading `boot:` and `tests:` of a unikernel (parser internal).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "jobs/config_reader.h"
#include "jobs/repo_config.h"
#include "jobs/variable_scope.h"

namespace cirun {

/// Reads `boot:` (an empty value means all defaults: no args, no patterns,
/// 20s, exit [0], outcome passed). `outcome:` is passed, crashed, hung,
/// failed or rejected: the outcome that passes the case. `exit: []` (pass once every expect
/// matched, then stop the VM) requires a non-empty `expect`. Returns nullopt after reporting
/// problems.
std::optional<BootCase> ParseBoot(ConfigReader& reader, const YamlEntry& entry,
                                  const VariableScope& scope, const std::string& unikernel);

/// Reads `tests:`, a list of boot cases, each with a unique `name`
/// ([A-Za-z0-9_.-]+, not "boot"). A test inherits `timeout` and `fail` from
/// `boot` when it does not set them; `args`, `expect` and `exit` default as for
/// boot ([], [], [0]); `outcome` is not inherited (default passed). Returns nullopt after reporting
/// problems.
std::optional<std::vector<BootCase>> ParseTests(ConfigReader& reader, const YamlEntry& entry,
                                                const BootCase& boot, const VariableScope& scope,
                                                const std::string& unikernel);

}  // namespace cirun
