// VariableScope: checking ${variables} and regexes in configuration strings.
#include "jobs/variable_scope.h"

#include <algorithm>
#include <regex>

#include "jobs/variables.h"

namespace cirun {
namespace {

constexpr const char kBuiltin[] = "unikernel";

const char* RegexErrorText(std::regex_constants::error_type code) {
  namespace rc = std::regex_constants;
  switch (code) {
    case rc::error_collate:
      return "invalid collating element";
    case rc::error_ctype:
      return "invalid character class";
    case rc::error_escape:
      return "invalid escape";
    case rc::error_backref:
      return "invalid back reference";
    case rc::error_brack:
      return "unmatched '['";
    case rc::error_paren:
      return "unmatched parenthesis";
    case rc::error_brace:
      return "unmatched '{'";
    case rc::error_badbrace:
      return "invalid repetition count in '{}'";
    case rc::error_range:
      return "invalid character range";
    case rc::error_badrepeat:
      return "nothing to repeat before '*', '+', '?' or '{'";
    case rc::error_complexity:
    case rc::error_space:
    case rc::error_stack:
      return "too complex";
    default:
      return "invalid regular expression";
  }
}

std::string Dollar(std::string_view name) {
  return "\"${" + std::string(name) + "}\"";
}

}  // namespace

std::string RegexProblem(const std::string& pattern) {
  try {
    std::regex re(pattern, std::regex::ECMAScript);
    return "";
  } catch (const std::regex_error& e) {
    return RegexErrorText(e.code());
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
