// Metric lines: `METRIC name=value unit` printed by a unikernel on its console.
#pragma once

#include <optional>
#include <string_view>

#include "harness/boot_request.h"

namespace cirun {

/// Parses one console line of the form `METRIC name=value [unit]`:
/// - leading and trailing whitespace (and a trailing \r) are ignored;
/// - `name` starts with a letter or '_' and continues with letters, digits,
///   '_', '.', ':' or '-';
/// - `value` is a finite number as strtod reads it ("12", "-3.5", "1e6");
/// - `unit` is one optional word (e.g. "ms", "ops/s").
/// Returns nullopt for any other line (including malformed METRIC lines).
std::optional<BootMetric> ParseMetricLine(std::string_view line);

}  // namespace cirun
