// Durations as short human text, for causes and descriptions.
#pragma once

#include <chrono>
#include <string>

namespace cirun {

/// "250ms" below one second; "10s" for whole seconds; "1.5s" otherwise (one
/// decimal, rounded down).
std::string FormatDuration(std::chrono::milliseconds duration);

/// A configured duration in the largest unit it is a whole number of, as a
/// config file would say it: "24h", "90m", "45s", "1500ms".
std::string FormatSettingDuration(std::chrono::milliseconds duration);

}  // namespace cirun
