#include "harness/solo5_exit_line.h"

#include <charconv>

#include "harness/line_splitter.h"

namespace cirun {
namespace {

constexpr std::string_view kExitPrefix = "Solo5: solo5_exit(";
constexpr std::string_view kExitSuffix = ") called";
constexpr std::string_view kAbortLine = "Solo5: solo5_abort() called";

std::optional<Solo5ExitLine> ParseLine(std::string_view line) {
  if (line == kAbortLine) return Solo5ExitLine{Solo5ExitLine::Kind::kAbort, 0, std::string(line)};
  if (!line.starts_with(kExitPrefix) || !line.ends_with(kExitSuffix)) return std::nullopt;
  std::string_view digits = line.substr(kExitPrefix.size());
  digits.remove_suffix(kExitSuffix.size());
  int code = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), code);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return Solo5ExitLine{Solo5ExitLine::Kind::kExit, code, std::string(line)};
}

}  // namespace

std::optional<Solo5ExitLine> FindSolo5ExitLine(std::string_view console) {
  std::optional<Solo5ExitLine> found;
  for (std::string_view line : ConsoleLines(console)) {
    if (auto parsed = ParseLine(line)) found = std::move(parsed);
  }
  return found;
}

}  // namespace cirun
