// QueryString: the parameters after '?' in a URL
// ("repo=a%2Fb&state=failed"), percent-decoded, '+' as a space.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace cirun {

class QueryString {
 public:
  /// Parses `query` (without the '?'). Never fails: a malformed escape is
  /// kept as it is; of a repeated name the last value wins.
  explicit QueryString(const std::string& query);

  /// The value of `name`, or `fallback` when absent.
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  /// The value of `name` as a non-negative integer; nullopt when absent or
  /// not one.
  std::optional<int64_t> Int(const std::string& name) const;

 private:
  std::map<std::string, std::string> values_;
};

/// `text` with %XX escapes decoded and '+' read as a space.
std::string PercentDecode(const std::string& text);

}  // namespace cirun
