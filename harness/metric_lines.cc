#include "harness/metric_lines.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

namespace cirun {
namespace {

constexpr std::string_view kKeyword = "METRIC";

std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

bool ValidName(std::string_view name) {
  if (name.empty()) return false;
  if (!std::isalpha(static_cast<unsigned char>(name[0])) && name[0] != '_') return false;
  for (char c : name) {
    bool ok =
        std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::optional<double> ParseValue(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::string copy(text);
  char* end = nullptr;
  double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace

std::optional<BootMetric> ParseMetricLine(std::string_view line) {
  std::vector<std::string_view> words = Words(line);
  if (words.size() < 2 || words.size() > 3 || words[0] != kKeyword) return std::nullopt;
  size_t eq = words[1].find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  std::string_view name = words[1].substr(0, eq);
  std::optional<double> value = ParseValue(words[1].substr(eq + 1));
  if (!ValidName(name) || !value) return std::nullopt;
  BootMetric metric;
  metric.name = std::string(name);
  metric.value = *value;
  if (words.size() == 3) metric.unit = std::string(words[2]);
  return metric;
}

}  // namespace cirun
