// VariableScope: checking ${variables} and regexes in configuration strings.
#include "jobs/variable_scope.h"

#include <re2/re2.h>

#include <algorithm>

#include "jobs/variables.h"

namespace cirun {
namespace {

constexpr const char kBuiltin[] = "unikernel";

std::string Dollar(std::string_view name) {
  return "\"${" + std::string(name) + "}\"";
}

}  // namespace

std::string RegexProblem(const std::string& pattern) {
  re2::RE2 regex(pattern, re2::RE2::Quiet);
  if (regex.ok()) return "";
  switch (regex.error_code()) {
    case re2::RE2::ErrorMissingParen:
      return "unmatched '('";
    case re2::RE2::ErrorUnexpectedParen:
      return "unmatched ')'";
    case re2::RE2::ErrorMissingBracket:
      return "unmatched '['";
    case re2::RE2::ErrorBadCharRange:
      return "invalid character range " + regex.error_arg();
    case re2::RE2::ErrorBadCharClass:
      return "invalid character class " + regex.error_arg();
    case re2::RE2::ErrorRepeatArgument:
    case re2::RE2::ErrorRepeatOp:
      return "nothing to repeat before " + regex.error_arg();
    case re2::RE2::ErrorRepeatSize:
      return "invalid repetition count " + regex.error_arg();
    case re2::RE2::ErrorBadEscape:
    case re2::RE2::ErrorTrailingBackslash:
      return "invalid escape " + regex.error_arg() + " (RE2 has no back-references)";
    case re2::RE2::ErrorBadPerlOp:
      return "unsupported syntax " + regex.error_arg() + " (RE2 has no look-around)";
    case re2::RE2::ErrorPatternTooLarge:
      return "too complex";
    default:
      return regex.error();
  }
}

VariableScope::VariableScope(const CheckedMatrix* matrix) : matrix_(matrix) {
  if (matrix_) names_ = matrix_->keys;
  names_.push_back(kBuiltin);
}

void VariableScope::Check(ConfigReader& r, std::string_view field, const YamlString& s,
                          bool regex) const {
  const std::string label = Quote(field);
  const size_t errors = r.error_count();
  Status status = ForEachVariable(s.text, [&](std::string_view name) {
    if (matrix_) CheckName(r, label, s, name);
  });
  if (!status.ok()) {
    r.Error(s.pos, label + ": " + status.message());
    return;
  }
  if (regex && r.error_count() == errors) CheckRegex(r, label, s);
}

void VariableScope::CheckAll(ConfigReader& r, std::string_view field,
                             const std::vector<YamlString>& v, bool regex) const {
  for (const YamlString& s : v) Check(r, field, s, regex);
}

void VariableScope::CheckName(ConfigReader& r, const std::string& label, const YamlString& s,
                              std::string_view name) const {
  if (std::find(names_.begin(), names_.end(), name) == names_.end()) {
    std::vector<std::string_view> candidates(names_.begin(), names_.end());
    std::string hint = DidYouMean(name, candidates);
    if (hint.empty()) {
      for (const std::string& n : names_) hint += (hint.empty() ? " (known: " : ", ") + Dollar(n);
      hint += ")";
    }
    r.Error(s.pos, label + ": unknown variable " + Dollar(name) + hint);
    return;
  }
  if (name == kBuiltin) return;
  for (const MatrixCell& cell : matrix_->cells) {
    if (std::any_of(cell.values.begin(), cell.values.end(),
                    [&](const auto& kv) { return kv.first == name; }))
      continue;
    r.Error(s.pos, label + ": variable " + Dollar(name) + " has no value in matrix cell " +
                       Quote(cell.Key()));
    return;
  }
}

void VariableScope::CheckRegex(ConfigReader& r, const std::string& label,
                               const YamlString& s) const {
  Variables placeholders;
  (void)ForEachVariable(s.text,
                        [&](std::string_view name) { placeholders[std::string(name)] = "x"; });
  Result<std::string> pattern = ExpandVariables(s.text, placeholders);
  if (!pattern.ok()) return;
  const std::string problem = RegexProblem(*pattern);
  if (problem.empty()) return;
  r.Error(s.pos, label + ": invalid regular expression " + Quote(s.text) + ": " + problem);
}

}  // namespace cirun
