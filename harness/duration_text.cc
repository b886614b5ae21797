#include "harness/duration_text.h"

namespace cirun {

std::string FormatDuration(std::chrono::milliseconds duration) {
  const long long ms = duration.count();
  if (ms < 1000) return std::to_string(ms) + "ms";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms / 1000) + "." + std::to_string((ms % 1000) / 100) + "s";
}

std::string FormatSettingDuration(std::chrono::milliseconds duration) {
  const long long ms = duration.count();
  if (ms == 0 || ms % 1000 != 0) return std::to_string(ms) + "ms";
  const long long s = ms / 1000;
  if (s % 3600 == 0) return std::to_string(s / 3600) + "h";
  if (s % 60 == 0) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

}  // namespace cirun
