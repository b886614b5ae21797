// VariableScope: the ${variables} a unikernel's strings may use (parser internal).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "jobs/config_reader.h"
#include "jobs/matrix_parser.h"

namespace cirun {

class VariableScope {
 public:
  /// The keys of `matrix` plus the built-in `unikernel`; nullptr: there is no
  /// matrix (reported elsewhere), so names are not checked. Per-cell checks use
  /// `matrix->cells` (none if the matrix is unusable).
  explicit VariableScope(const CheckedMatrix* matrix);

  /// Checks one string of field `field`: an unterminated "${", a name that is
  /// not a variable (with a hint), a variable some expanded cell has no value
  /// for, and, if `regex`, that the string compiles as an RE2 regex
  /// once each ${name} is replaced by a placeholder. Reports at `s.pos`.
  void Check(ConfigReader& reader, std::string_view field, const YamlString& s, bool regex) const;
  void CheckAll(ConfigReader& reader, std::string_view field, const std::vector<YamlString>& v,
                bool regex) const;

 private:
  void CheckName(ConfigReader& reader, const std::string& label, const YamlString& s,
                 std::string_view name) const;
  void CheckRegex(ConfigReader& reader, const std::string& label, const YamlString& s) const;

  const CheckedMatrix* matrix_;
  std::vector<std::string> names_;  // matrix keys, then "unikernel"
};

/// Plain text saying why `pattern` does not compile as an RE2 regex (the
/// syntax of every expect and fail pattern; docs/configuration.md),
/// or "" if it does.
std::string RegexProblem(const std::string& pattern);

}  // namespace cirun
