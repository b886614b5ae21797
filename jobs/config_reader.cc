// ConfigReader: typed YAML values with file:line:col diagnostics.
#include "jobs/config_reader.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <map>

#include "base/hex.h"

namespace cirun {
namespace {

// Optimal string alignment distance (Levenshtein plus adjacent transposition).
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return Quote(node.Scalar());
    case YAML::NodeType::Sequence:
      return node.size() == 0 ? "an empty list" : "a list";
    case YAML::NodeType::Map:
      return node.size() == 0 ? "an empty map" : "a map";
    default:
      return "nothing";
  }
}

std::string IntRange(int64_t lo, int64_t hi) {
  if (lo == 1 && hi == INT_MAX) return "a positive integer";
  return "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
}

std::optional<int64_t> ToInt(const std::string& s) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

}  // namespace

const YamlEntry* FindEntry(const std::vector<YamlEntry>& entries, std::string_view name) {
  for (const YamlEntry& e : entries) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

bool IsName(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

std::string OneLine(std::string_view s) {
  if (std::none_of(s.begin(), s.end(),
                   [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
    return std::string(s);
  std::string out;
  for (char c : s) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += HexByte(byte, "\\x");
    } else {
      out += c;
    }
  }
  return out;
}

std::string Quote(std::string_view s) {
  size_t keep = std::min(s.size(), kQuoteLimit);
  if (keep < s.size()) {
    while (keep > 0 && (static_cast<unsigned char>(s[keep]) & 0xc0) == 0x80) --keep;
  }
  const std::string out = "\"" + OneLine(s.substr(0, keep));
  if (keep < s.size()) return out + "...\" (" + std::to_string(s.size()) + " bytes)";
  return out + "\"";
}

std::string OrList(std::span<const std::string_view> words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += words[i];
  }
  return out;
}

std::string DidYouMean(std::string_view word, std::span<const std::string_view> candidates) {
  const size_t limit = word.size() <= 4 ? 1 : 2;
  std::string_view best;
  size_t best_distance = limit + 1;
  for (std::string_view c : candidates) {
    // The distance is at least the difference in length: a long word (a
    // hostile key) costs nothing here.
    if (std::max(word.size(), c.size()) - std::min(word.size(), c.size()) > limit) continue;
    const size_t d = EditDistance(word, c);
    if (d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  return best_distance <= limit ? " (did you mean " + Quote(best) + "?)" : "";
}

SourcePos ConfigReader::Pos(const YAML::Node& node) const {
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return Start();
  return SourcePos{file_, mark.line + 1, mark.column + 1};
}

YAML::Node ConfigReader::Load(const std::string& text) {
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    Error(e.mark.line < 0 ? Start() : SourcePos{file_, e.mark.line + 1, e.mark.column + 1}, e.msg);
  } catch (const std::exception& e) {
    Error(Start(), std::string("cannot read YAML: ") + e.what());
  }
  return YAML::Node();
}

SourcePos ConfigReader::Pos(const YamlEntry& entry) const {
  return entry.value.IsNull() ? Pos(entry.key) : Pos(entry.value);
}

void ConfigReader::Error(SourcePos pos, std::string message) {
  diagnostics_.push_back(ConfigDiagnostic{std::move(pos), OneLine(message)});
}

void ConfigReader::Expected(const YAML::Node& node, SourcePos pos, std::string_view label,
                            std::string_view what) {
  Error(std::move(pos),
        std::string(label) + ": expected " + std::string(what) + ", got " + Describe(node));
}

void ConfigReader::Expected(const YamlEntry& entry, std::string_view what) {
  Expected(entry.value, Pos(entry), Quote(entry.name), what);
}

std::vector<ConfigDiagnostic> ConfigReader::TakeDiagnostics() {
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(), [](const auto& a, const auto& b) {
    return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
  });
  std::vector<ConfigDiagnostic> out = std::move(diagnostics_);
  diagnostics_.clear();
  if (out.size() > kMaxDiagnostics) {
    const size_t more = out.size() - kMaxDiagnostics;
    out.resize(kMaxDiagnostics + 1);
    out.back().message = "... and " + std::to_string(more) + " more problem" +
                         (more == 1 ? "" : "s") + " from here on, not shown";
  }
  return out;
}

Status ConfigReader::TakeStatus() {
  std::string message;
  for (const ConfigDiagnostic& d : TakeDiagnostics())
    message += (message.empty() ? "" : "\n") + d.ToString();
  return message.empty() ? Status::Ok() : Status::InvalidArgument(message);
}

std::optional<std::vector<YamlEntry>> ConfigReader::Entries(const YAML::Node& node, SourcePos pos,
                                                            std::string_view label) {
  if (node.IsNull()) return std::vector<YamlEntry>();
  if (!node.IsMap()) {
    Expected(node, std::move(pos), label, "a map");
    return std::nullopt;
  }
  std::vector<YamlEntry> entries;
  std::map<std::string, int> first_line;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) {
      Expected(it->first, Pos(it->first), "key", "a name");
      continue;
    }
    YamlEntry entry{it->first.Scalar(), it->first, it->second};
    auto [seen, inserted] = first_line.emplace(entry.name, Pos(entry.key).line);
    if (!inserted) {
      Error(Pos(entry.key), "duplicate key " + Quote(entry.name) + " (first at line " +
                                std::to_string(seen->second) + ")");
      continue;
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::optional<std::vector<YamlEntry>> ConfigReader::Entries(const YamlEntry& entry) {
  return Entries(entry.value, Pos(entry), Quote(entry.name));
}

void ConfigReader::CheckKeys(const std::vector<YamlEntry>& entries,
                             std::span<const std::string_view> allowed, std::string_view context) {
  for (const YamlEntry& e : entries) {
    if (std::find(allowed.begin(), allowed.end(), e.name) != allowed.end()) continue;
    Error(Pos(e.key), "unknown key " + Quote(e.name) + " " + std::string(context) +
                          DidYouMean(e.name, allowed));
  }
}

void ConfigReader::Missing(SourcePos pos, std::string_view name, std::string_view context) {
  Error(std::move(pos), "missing required key " + Quote(name) + " " + std::string(context));
}

std::optional<size_t> ConfigReader::Choice(const YamlEntry& entry,
                                           std::span<const std::string_view> choices) {
  if (entry.value.IsScalar()) {
    auto it = std::find(choices.begin(), choices.end(), entry.value.Scalar());
    if (it != choices.end()) return static_cast<size_t>(it - choices.begin());
  }
  Expected(entry, OrList(choices));
  return std::nullopt;
}

std::optional<YamlString> ConfigReader::String(const YamlEntry& entry) {
  if (!entry.value.IsScalar()) {
    Expected(entry, "a string");
    return std::nullopt;
  }
  return YamlString{entry.value.Scalar(), Pos(entry.value)};
}

std::optional<YamlString> ConfigReader::NonEmptyString(const YamlEntry& entry) {
  if (!entry.value.IsScalar() || entry.value.Scalar().empty()) {
    Expected(entry, "a non-empty string");
    return std::nullopt;
  }
  return YamlString{entry.value.Scalar(), Pos(entry.value)};
}

std::optional<std::vector<YamlString>> ConfigReader::Strings(const YamlEntry& entry) {
  if (!entry.value.IsSequence()) {
    Expected(entry, "a list of strings");
    return std::nullopt;
  }
  std::vector<YamlString> out;
  bool ok = true;
  for (const YAML::Node& item : entry.value) {
    if (item.IsScalar()) {
      out.push_back(YamlString{item.Scalar(), Pos(item)});
    } else {
      Expected(item, Pos(item), Quote(entry.name), "a string in the list");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<int64_t> ConfigReader::Int(const YAML::Node& node, std::string_view label, int64_t lo,
                                         int64_t hi) {
  std::optional<int64_t> value = node.IsScalar() ? ToInt(node.Scalar()) : std::nullopt;
  if (!value || *value < lo || *value > hi) {
    Expected(node, Pos(node), label, IntRange(lo, hi));
    return std::nullopt;
  }
  return value;
}

std::optional<int64_t> ConfigReader::Int(const YamlEntry& entry, int64_t lo, int64_t hi) {
  if (entry.value.IsNull()) {
    Expected(entry, IntRange(lo, hi));
    return std::nullopt;
  }
  return Int(entry.value, Quote(entry.name), lo, hi);
}

std::optional<bool> ConfigReader::Bool(const YamlEntry& entry) {
  bool value = false;
  if (!entry.value.IsScalar() || !YAML::convert<bool>::decode(entry.value, value)) {
    Expected(entry, "true or false");
    return std::nullopt;
  }
  return value;
}

std::optional<std::chrono::milliseconds> ConfigReader::Duration(const YamlEntry& entry,
                                                                bool allow_zero) {
  Result<std::chrono::milliseconds> d =
      entry.value.IsScalar() ? ParseDuration(entry.value.Scalar())
                             : Result<std::chrono::milliseconds>(Status::InvalidArgument(""));
  if (!d.ok()) {
    Expected(entry, "a duration such as \"10s\" or \"500ms\"");
    return std::nullopt;
  }
  if (!allow_zero && d->count() == 0) {
    Expected(entry, "a duration greater than zero");
    return std::nullopt;
  }
  return *d;
}

}  // namespace cirun
