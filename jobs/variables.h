// ${variable} expansion in build commands, image paths, arguments and patterns.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "base/status.h"

namespace cirun {

using Variables = std::map<std::string, std::string, std::less<>>;

/// Replaces every "${name}" in `text` by its value in `vars`; "$$" stands for a
/// literal "$". A lone "$" not followed by "{" or "$" is kept as is.
/// Returns InvalidArgument naming the variable for an unknown name, and for an
/// unterminated "${".
Result<std::string> ExpandVariables(std::string_view text, const Variables& vars);

/// Calls `fn(name)` for each ${name} in `text`, in order (for validation).
/// Returns InvalidArgument for an unterminated "${".
template <typename Fn>
Status ForEachVariable(std::string_view text, Fn fn);

}  // namespace cirun

#include "jobs/variables_inl.h"
