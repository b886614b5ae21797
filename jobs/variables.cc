// ${variable} expansion.
#include "jobs/variables.h"

#include <string>

namespace cirun {

Result<std::string> ExpandVariables(std::string_view text, const Variables& vars) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (c != '$' || (next != '$' && next != '{')) {
      out += c;
      continue;
    }
    if (next == '$') {
      out += '$';
      ++i;
      continue;
    }
    const size_t end = text.find('}', i + 2);
    if (end == std::string_view::npos) {
      return Status::InvalidArgument("unterminated \"${\" in \"" + std::string(text) + "\"");
    }
    const std::string_view name = text.substr(i + 2, end - i - 2);
    auto it = vars.find(name);
    if (it == vars.end()) {
      return Status::InvalidArgument("unknown variable \"${" + std::string(name) + "}\"");
    }
    out += it->second;
    i = end;
  }
  return out;
}

}  // namespace cirun
