// ParseRepoConfig: YAML text -> validated RepoConfig, or every diagnostic.
#include "jobs/repo_config_parser.h"

#include <charconv>
#include <cstdint>
#include <limits>

#include "jobs/config_reader.h"
#include "jobs/matrix_parser.h"
#include "jobs/unikernel_parser.h"

namespace cirun {
namespace {

constexpr std::string_view kTopKeys[] = {"matrix", "unikernels", "reruns", "flaky"};

// The first tab in the indentation of a line at or before `last_line`
// (1-based), or line 0.
SourcePos FirstIndentTab(std::string_view text, int last_line, const std::string& file) {
  int line = 1;
  size_t start = 0;
  while (start < text.size() && line <= last_line) {
    size_t end = std::min(text.find('\n', start), text.size());
    for (size_t i = start; i < end && (text[i] == ' ' || text[i] == '\t'); ++i) {
      if (text[i] == '\t') return SourcePos{file, line, static_cast<int>(i - start) + 1};
    }
    start = end + 1;
    ++line;
  }
  return SourcePos{file, 0, 0};
}

// Line `line` (1-based) of `text`, without its newline.
std::string_view Line(std::string_view text, int line) {
  size_t start = 0;
  for (int i = 1; i < line && start != std::string_view::npos; ++i) {
    start = text.find('\n', start);
    if (start != std::string_view::npos) ++start;
  }
  if (start == std::string_view::npos || start > text.size()) return {};
  return text.substr(start, text.find('\n', start) - start);
}

// yaml-cpp reports a tab in the indentation as some other syntax error; the
// tab is the useful thing to point at. A plain ${variable} inside [...] or
// {...} ends the flow collection early: say so.
void ReportSyntaxError(ConfigReader& r, std::string_view text, const YAML::ParserException& e,
                       const std::string& file) {
  SourcePos pos = e.mark.line < 0 ? r.Start() : SourcePos{file, e.mark.line + 1, e.mark.column + 1};
  SourcePos tab = FirstIndentTab(text, pos.line, file);
  if (tab.line > 0) {
    r.Error(tab, "tab character in indentation (YAML indents with spaces only)");
    return;
  }
  std::string hint;
  if (e.msg.find("flow") != std::string::npos &&
      Line(text, pos.line).find("${") != std::string::npos) {
    hint = " (inside [...] or {...}, quote strings that contain ${variables})";
  }
  r.Error(pos, "YAML syntax error: " + e.msg + hint);
}

// Parses the unikernels and reports the top-level matrix's problem once if
// any unikernel uses it.
std::vector<UnikernelSpec> ParseUnikernels(ConfigReader& r, const YamlEntry& entry,
                                           const std::optional<CheckedMatrix>& top) {
  std::vector<UnikernelSpec> out;
  auto entries = r.Entries(entry);
  if (!entries) return out;
  if (entries->empty()) r.Expected(entry, "at least one unikernel");
  bool top_used = false;
  for (const YamlEntry& e : *entries) {
    bool uses_top = false;
    auto uk = ParseUnikernel(r, e, top ? &*top : nullptr, &uses_top);
    if (uk) out.push_back(std::move(*uk));
    if (uses_top && !top)
      r.Error(r.Pos(e.key), "unikernel " + Quote(e.name) + ": " + kNoMatrixProblem);
    top_used = top_used || uses_top;
  }
  if (top_used && top && !top->problem.empty()) r.Error(top->where, top->problem);
  return out;
}

void ParseTopLevel(ConfigReader& r, const YAML::Node& root, RepoConfig* config) {
  if (!root.IsMap()) {
    r.Expected(root, r.Start(), "top level", "a map with \"matrix\" and \"unikernels\"");
    return;
  }
  auto entries = r.Entries(root, r.Start(), "top level");
  if (!entries) return;
  r.CheckKeys(*entries, kTopKeys, "at the top level");
  std::optional<CheckedMatrix> top;
  if (const YamlEntry* m = FindEntry(*entries, "matrix")) {
    top = ReadMatrix(r, *m);
    config->matrix = top->matrix.value_or(Matrix{});
  }
  if (const YamlEntry* e = FindEntry(*entries, "reruns")) {
    config->failures.reruns = static_cast<int>(r.Int(*e, 0, 10).value_or(2));
  }
  if (const YamlEntry* e = FindEntry(*entries, "flaky")) {
    std::optional<YamlString> s = r.String(*e);
    if (s && s->text != "fail" && s->text != "warn") r.Expected(*e, "fail or warn");
    config->failures.flaky_fails = s && s->text == "fail";
  }
  if (const YamlEntry* u = FindEntry(*entries, "unikernels")) {
    config->unikernels = ParseUnikernels(r, *u, top);
  } else {
    r.Missing(r.Pos(root), "unikernels", "at the top level");
  }
}

}  // namespace

Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  const Status bad = Status::InvalidArgument(
      "expected a duration such as \"10s\" or \"500ms\", got \"" + std::string(text) + "\"");
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || value < 0) return bad;
  const std::string_view unit(end, text.data() + text.size() - end);
  int64_t scale = 0;
  if (unit == "ms") scale = 1;
  if (unit == "s" || unit.empty()) scale = 1000;
  if (unit == "m") scale = 60'000;
  if (unit == "h") scale = 3'600'000;
  if (scale == 0 || value > std::numeric_limits<int64_t>::max() / scale) return bad;
  return std::chrono::milliseconds(value * scale);
}

std::vector<ConfigDiagnostic> ParseRepoConfigDiagnostics(std::string_view text,
                                                         const std::string& file_name,
                                                         RepoConfig* out) {
  ConfigReader reader(file_name);
  RepoConfig config;
  config.file = file_name;
  try {
    ParseTopLevel(reader, YAML::Load(std::string(text)), &config);
  } catch (const YAML::ParserException& e) {
    ReportSyntaxError(reader, text, e, file_name);
  } catch (const std::exception& e) {
    reader.Error(reader.Start(), std::string("internal error while reading YAML: ") + e.what());
  }
  std::vector<ConfigDiagnostic> diagnostics = reader.TakeDiagnostics();
  if (diagnostics.empty() && out) *out = std::move(config);
  return diagnostics;
}

Result<RepoConfig> ParseRepoConfig(std::string_view text, const std::string& file_name) {
  RepoConfig config;
  std::vector<ConfigDiagnostic> diagnostics = ParseRepoConfigDiagnostics(text, file_name, &config);
  if (diagnostics.empty()) return config;
  std::string message;
  for (const ConfigDiagnostic& d : diagnostics) {
    message += (message.empty() ? "" : "\n") + d.ToString();
  }
  return Status::InvalidArgument(message);
}

}  // namespace cirun
