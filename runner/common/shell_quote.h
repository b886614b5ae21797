// Quoting for the one-line commands ci-run prints (reproducers, logs).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cirun {

/// `s` as one POSIX shell word: unchanged if it only has safe characters
/// (letters, digits, and @%_+=:,./-), else in single quotes with ' as '\''.
std::string ShellQuote(std::string_view s);

/// Each element ShellQuote'd, joined by spaces.
std::string ShellJoin(const std::vector<std::string>& words);

}  // namespace cirun
