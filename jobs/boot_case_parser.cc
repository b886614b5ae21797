// Reading `boot:` and `tests:`.
#include "jobs/boot_case_parser.h"

#include <map>

namespace cirun {
namespace {

constexpr std::string_view kBootKeys[] = {"args", "expect", "fail", "timeout", "exit", "outcome"};
constexpr std::string_view kTestKeys[] = {"name",    "args", "expect", "fail",
                                          "timeout", "exit", "outcome"};
// `outcome:` values: what a boot may be expected to end as (infra never is).
constexpr std::string_view kOutcomes[] = {"passed", "crashed", "hung", "failed", "rejected"};

std::vector<std::string> Texts(const std::vector<YamlString>& v) {
  std::vector<std::string> out;
  for (const YamlString& s : v) out.push_back(s.text);
  return out;
}

// A list of strings whose ${variables} (and, for patterns, regexes) are checked.
bool ReadStrings(ConfigReader& r, const YamlEntry& e, const VariableScope& scope, bool regex,
                 std::vector<std::string>* out) {
  std::optional<std::vector<YamlString>> v = r.Strings(e);
  if (!v) return false;
  const size_t errors = r.error_count();
  scope.CheckAll(r, e.name, *v, regex);
  *out = Texts(*v);
  return r.error_count() == errors;
}

// `exit`: an int 0..255 or a list of them.
bool ReadExitCodes(ConfigReader& r, const YamlEntry& e, std::vector<int>* out) {
  const std::string label = Quote(e.name);
  if (e.value.IsScalar()) {
    std::optional<int64_t> code = r.Int(e, 0, 255);
    if (code) *out = {static_cast<int>(*code)};
    return code.has_value();
  }
  if (!e.value.IsSequence()) {
    r.Expected(e, "an exit code from 0 to 255 or a list of them");
    return false;
  }
  out->clear();
  bool ok = true;
  for (const YAML::Node& item : e.value) {
    std::optional<int64_t> code = r.Int(item, label, 0, 255);
    if (code) out->push_back(static_cast<int>(*code));
    ok = ok && code.has_value();
  }
  return ok;
}

// `outcome`: one of kOutcomes.
bool ReadOutcome(ConfigReader& r, const YamlEntry& e, std::string* out) {
  const std::string value = e.value.IsScalar() ? e.value.Scalar() : "";
  for (std::string_view outcome : kOutcomes) {
    if (value != outcome) continue;
    *out = value;
    return true;
  }
  r.Expected(e, "passed, crashed, hung, failed or rejected");
  return false;
}

bool ReadCaseField(ConfigReader& r, const YamlEntry& e, const VariableScope& scope, BootCase* c) {
  if (e.name == "args") return ReadStrings(r, e, scope, false, &c->args);
  if (e.name == "expect") return ReadStrings(r, e, scope, true, &c->expect);
  if (e.name == "fail") return ReadStrings(r, e, scope, true, &c->fail);
  if (e.name == "exit") return ReadExitCodes(r, e, &c->exit_codes);
  if (e.name == "outcome") return ReadOutcome(r, e, &c->outcome);
  if (e.name == "timeout") {
    auto timeout = r.Duration(e, false);
    if (timeout) c->timeout = *timeout;
    return timeout.has_value();
  }
  return true;  // "name", or an unknown key reported by CheckKeys
}

bool ReadCase(ConfigReader& r, const std::vector<YamlEntry>& entries, const VariableScope& scope,
              BootCase* c) {
  bool ok = true;
  for (const YamlEntry& e : entries) ok = ReadCaseField(r, e, scope, c) && ok;
  const YamlEntry* exit = FindEntry(entries, "exit");
  if (ok && exit && c->exit_codes.empty() && c->expect.empty()) {
    r.Error(r.Pos(*exit),
            "\"exit\": [] (stop the VM once every \"expect\" matched) needs a "
            "non-empty \"expect\"");
    ok = false;
  }
  return ok;
}

// Reads the test's name; reports it missing, malformed, reserved or repeated.
bool ReadTestName(ConfigReader& r, const YAML::Node& item, const std::vector<YamlEntry>& entries,
                  const std::string& context, std::map<std::string, int>* seen, BootCase* test) {
  const YamlEntry* name = FindEntry(entries, "name");
  if (!name) {
    r.Missing(r.Pos(item), "name", context);
    return false;
  }
  std::optional<YamlString> s = r.String(*name);
  if (!s) return false;
  test->name = s->text;
  if (!IsName(s->text) || s->text == "boot") {
    r.Expected(name->value, s->pos, "test name",
               "letters, digits, '_', '.' or '-' (and not \"boot\")");
    return false;
  }
  auto [it, inserted] = seen->emplace(s->text, s->pos.line);
  if (inserted) return true;
  r.Error(s->pos, "duplicate test name " + Quote(s->text) + " (first at line " +
                      std::to_string(it->second) + ")");
  return false;
}

std::optional<BootCase> ParseTest(ConfigReader& r, const YAML::Node& item, size_t index,
                                  const BootCase& boot, const VariableScope& scope,
                                  const std::string& unikernel, std::map<std::string, int>* seen) {
  std::string context =
      "in test #" + std::to_string(index + 1) + " of unikernel " + Quote(unikernel);
  auto entries = r.Entries(item, r.Pos(item), "test #" + std::to_string(index + 1));
  if (!entries) return std::nullopt;
  BootCase test;
  test.where = r.Pos(item);
  test.timeout = boot.timeout;
  test.fail = boot.fail;
  bool ok = ReadTestName(r, item, *entries, context, seen, &test);
  if (ok) context = "in test " + Quote(test.name) + " of unikernel " + Quote(unikernel);
  r.CheckKeys(*entries, kTestKeys, context);
  ok = ReadCase(r, *entries, scope, &test) && ok;
  if (!ok) return std::nullopt;
  return test;
}

}  // namespace

std::optional<BootCase> ParseBoot(ConfigReader& r, const YamlEntry& entry,
                                  const VariableScope& scope, const std::string& unikernel) {
  auto entries = r.Entries(entry);
  if (!entries) return std::nullopt;
  const size_t errors = r.error_count();
  r.CheckKeys(*entries, kBootKeys, "in \"boot\" of unikernel " + Quote(unikernel));
  BootCase boot;
  boot.where = r.Pos(entry.key);
  if (!ReadCase(r, *entries, scope, &boot) || r.error_count() != errors) return std::nullopt;
  return boot;
}

std::optional<std::vector<BootCase>> ParseTests(ConfigReader& r, const YamlEntry& entry,
                                                const BootCase& boot, const VariableScope& scope,
                                                const std::string& unikernel) {
  if (!entry.value.IsSequence()) {
    r.Expected(entry, "a list of tests such as [{name: bad-port, args: [--port=x]}]");
    return std::nullopt;
  }
  std::vector<BootCase> tests;
  std::map<std::string, int> seen;
  const size_t errors = r.error_count();
  size_t index = 0;
  for (const YAML::Node& item : entry.value) {
    std::optional<BootCase> test = ParseTest(r, item, index++, boot, scope, unikernel, &seen);
    if (test) tests.push_back(std::move(*test));
  }
  if (r.error_count() != errors) return std::nullopt;
  return tests;
}

}  // namespace cirun
