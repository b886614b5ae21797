// Reading `fuzz:` and checking fuzz key types.
#include "jobs/fuzz_spec_parser.h"

#include <algorithm>
#include <charconv>
#include <climits>

namespace cirun {
namespace {

constexpr std::string_view kFuzzKeys[] = {"keys", "boots", "time"};
constexpr std::string_view kSimpleTypes[] = {"string", "bool", "ipv4", "ipv4-cidr"};
constexpr const char kTypeGrammar[] =
    "a type: string, bool, ipv4, ipv4-cidr, int[lo,hi] or enum[a,b,...]";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> SplitCommas(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t comma; (comma = s.find(',', start)) != std::string_view::npos; start = comma + 1) {
    parts.push_back(Trim(s.substr(start, comma - start)));
  }
  parts.push_back(Trim(s.substr(start)));
  return parts;
}

// The text between "<prefix>[" and a final "]", if `type` has that shape.
std::optional<std::string_view> Bracketed(std::string_view type, std::string_view prefix) {
  if (type.size() < prefix.size() + 2 || !type.starts_with(prefix) || type[prefix.size()] != '[' ||
      type.back() != ']') {
    return std::nullopt;
  }
  return type.substr(prefix.size() + 1, type.size() - prefix.size() - 2);
}

std::optional<int64_t> ToInt64(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string IntType(std::string_view inner, std::string* canonical) {
  std::vector<std::string_view> parts = SplitCommas(inner);
  std::optional<int64_t> lo = parts.size() == 2 ? ToInt64(parts[0]) : std::nullopt;
  std::optional<int64_t> hi = parts.size() == 2 ? ToInt64(parts[1]) : std::nullopt;
  if (!lo || !hi) return "expected int[lo,hi] with two 64-bit integers";
  if (*lo > *hi) return "the lower bound is above the upper bound";
  *canonical = "int[" + std::to_string(*lo) + "," + std::to_string(*hi) + "]";
  return "";
}

std::string EnumType(std::string_view inner, std::string* canonical) {
  std::vector<std::string_view> values = SplitCommas(inner);
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].empty()) return "expected enum[a,b,...] with non-empty values";
    if (std::find(values.begin(), values.begin() + i, values[i]) != values.begin() + i) {
      return "duplicate value " + Quote(values[i]);
    }
    out += (i ? "," : "") + std::string(values[i]);
  }
  *canonical = "enum[" + out + "]";
  return "";
}

std::optional<FuzzKey> ParseFuzzKey(ConfigReader& r, const YamlEntry& e) {
  const std::string label = "fuzz key " + Quote(e.name);
  if (!IsName(e.name) || e.name.front() == '-') {
    r.Error(r.Pos(e.key), label +
                              ": expected an argument name without dashes (letters, digits, "
                              "'_', '.' or '-')");
    return std::nullopt;
  }
  if (!e.value.IsScalar()) {
    r.Expected(e.value, r.Pos(e), label, kTypeGrammar);
    return std::nullopt;
  }
  FuzzKey key{e.name, ""};
  const std::string problem = NormalizeFuzzType(e.value.Scalar(), &key.type);
  if (problem.empty()) return key;
  r.Error(r.Pos(e.value), label + ": " + problem);
  return std::nullopt;
}

bool ParseFuzzKeys(ConfigReader& r, const YamlEntry& e, std::vector<FuzzKey>* keys) {
  auto entries = r.Entries(e);
  if (!entries) return false;
  bool ok = true;
  for (const YamlEntry& k : *entries) {
    std::optional<FuzzKey> key = ParseFuzzKey(r, k);
    if (key) keys->push_back(std::move(*key));
    ok = ok && key.has_value();
  }
  return ok;
}

bool ParseFuzzField(ConfigReader& r, const YamlEntry& e, FuzzSpec* fuzz) {
  if (e.name == "keys") return ParseFuzzKeys(r, e, &fuzz->keys);
  if (e.name == "boots") {
    std::optional<int64_t> n = r.Int(e, 1, INT_MAX);
    if (n) fuzz->boots = static_cast<int>(*n);
    return n.has_value();
  }
  if (e.name == "time") {
    auto time = r.Duration(e, true);
    if (time) fuzz->time = *time;
    return time.has_value();
  }
  return true;  // unknown: reported by CheckKeys
}

}  // namespace

std::string NormalizeFuzzType(std::string_view type, std::string* canonical) {
  const std::string_view t = Trim(type);
  if (std::find(std::begin(kSimpleTypes), std::end(kSimpleTypes), t) != std::end(kSimpleTypes)) {
    *canonical = std::string(t);
    return "";
  }
  std::string problem;
  if (auto inner = Bracketed(t, "int")) {
    problem = IntType(*inner, canonical);
  } else if (auto inner = Bracketed(t, "enum")) {
    problem = EnumType(*inner, canonical);
  } else {
    return "expected " + std::string(kTypeGrammar) + ", got " + Quote(type);
  }
  return problem.empty() ? "" : Quote(type) + ": " + problem;
}

std::optional<FuzzSpec> ParseFuzz(ConfigReader& r, const YamlEntry& entry,
                                  const std::string& unikernel) {
  auto entries = r.Entries(entry);
  if (!entries) return std::nullopt;
  const size_t errors = r.error_count();
  r.CheckKeys(*entries, kFuzzKeys, "in \"fuzz\" of unikernel " + Quote(unikernel));
  FuzzSpec fuzz;
  fuzz.where = r.Pos(entry.key);
  for (const YamlEntry& e : *entries) ParseFuzzField(r, e, &fuzz);
  if (r.error_count() != errors) return std::nullopt;
  return fuzz;
}

}  // namespace cirun
