// ConfigReader: typed values out of yaml-cpp nodes, every problem collected
// as a ConfigDiagnostic with its file:line:column. The one YAML reader of
// ci-run: `.ci-run.yml` (repo_config_parser), the host config and the service
// config (runner/host/) read through it.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "jobs/repo_config.h"
#include "jobs/repo_config_parser.h"

namespace cirun {

/// One `key: value` pair of a YAML map.
struct YamlEntry {
  std::string name;  // the key's text
  YAML::Node key;
  YAML::Node value;
};

/// A scalar read as a string, with where it was written.
struct YamlString {
  std::string text;
  SourcePos pos;
};

/// The first entry called `name`, or nullptr.
const YamlEntry* FindEntry(const std::vector<YamlEntry>& entries, std::string_view name);

/// True if `s` is non-empty and only letters, digits, '_', '.' and '-'.
bool IsName(std::string_view s);

/// `s` as one line of text for a message: a newline as \n, a tab as \t, any
/// other control byte as \xNN (bytes from 0x80 as they are: UTF-8).
std::string OneLine(std::string_view s);

/// OneLine(s) in double quotes; over kQuoteLimit bytes, the first kQuoteLimit (less the end of
/// a cut UTF-8 character), "..." and the size: "aaaa..." (5000 bytes).
std::string Quote(std::string_view s);
inline constexpr size_t kQuoteLimit = 120;

/// "a", "a or b", "a, b or c".
std::string OrList(std::span<const std::string_view> words);

/// " (did you mean \"x\"?)" for the candidate closest to `word` (optimal string
/// alignment distance, at most 1 for words up to 4 characters, else 2), or "".
std::string DidYouMean(std::string_view word, std::span<const std::string_view> candidates);

class ConfigReader {
 public:
  explicit ConfigReader(std::string file) : file_(std::move(file)) {}

  /// 1-based position of `node` (1:1 when yaml-cpp has none).
  SourcePos Pos(const YAML::Node& node) const;
  /// The value's position, or the key's when the value is empty (yaml-cpp
  /// places an empty value at the next token).
  SourcePos Pos(const YamlEntry& entry) const;
  SourcePos Start() const { return SourcePos{file_, 1, 1}; }

  /// The YAML document in `text`; a syntax error is reported at its position
  /// (or at 1:1) and yields a null node.
  YAML::Node Load(const std::string& text);

  /// Records a diagnostic at `pos`; `message` is made OneLine (a diagnostic
  /// is one line, whatever a library's message or a value held).
  void Error(SourcePos pos, std::string message);
  /// Reports "<label>: expected <what>, got <node described>" at `node`.
  void Expected(const YAML::Node& node, SourcePos pos, std::string_view label,
                std::string_view what);
  /// Reports "\"name\": expected <what>, got ..." at the entry's value.
  void Expected(const YamlEntry& entry, std::string_view what);
  size_t error_count() const { return diagnostics_.size(); }
  /// Every diagnostic so far, sorted by position (stable); past
  /// kMaxDiagnostics, the first kMaxDiagnostics and one more at the next
  /// one's position: "... and N more problems from here on, not shown" (a
  /// hostile file cannot make a message of thousands of lines).
  std::vector<ConfigDiagnostic> TakeDiagnostics();
  static constexpr size_t kMaxDiagnostics = 50;
  /// OK without diagnostics; else kInvalidArgument whose message is every
  /// diagnostic (TakeDiagnostics), one "FILE:LINE:COL: message" a line.
  Status TakeStatus();

  /// The entries of a map in file order; an empty value counts as an empty map.
  /// Reports non-map values (as `label`), non-scalar keys and duplicate keys;
  /// duplicates are dropped. Returns nullopt if `node` is not a map.
  std::optional<std::vector<YamlEntry>> Entries(const YAML::Node& node, SourcePos pos,
                                                std::string_view label);
  std::optional<std::vector<YamlEntry>> Entries(const YamlEntry& entry);
  /// Reports every entry not in `allowed` as `unknown key "k" <context>` with
  /// a hint.
  void CheckKeys(const std::vector<YamlEntry>& entries, std::span<const std::string_view> allowed,
                 std::string_view context);
  /// Reports `missing required key "name" <context>` at `pos`.
  void Missing(SourcePos pos, std::string_view name, std::string_view context);

  /// The index in `choices` of the entry's value; else reports
  /// "\"name\": expected a, b or c, got ..." and returns nullopt.
  std::optional<size_t> Choice(const YamlEntry& entry, std::span<const std::string_view> choices);

  /// Typed values: each reports a wrong shape and returns nullopt.
  std::optional<YamlString> String(const YamlEntry& entry);  // a scalar, may be ""
  std::optional<YamlString> NonEmptyString(const YamlEntry& entry);
  std::optional<std::vector<YamlString>> Strings(const YamlEntry& entry);  // a list of scalars
  std::optional<int64_t> Int(const YamlEntry& entry, int64_t lo, int64_t hi);
  std::optional<int64_t> Int(const YAML::Node& node, std::string_view label, int64_t lo,
                             int64_t hi);
  std::optional<bool> Bool(const YamlEntry& entry);
  /// A duration (see ParseDuration); zero only if `allow_zero`.
  std::optional<std::chrono::milliseconds> Duration(const YamlEntry& entry, bool allow_zero);

 private:
  std::string file_;
  std::vector<ConfigDiagnostic> diagnostics_;
};

}  // namespace cirun
