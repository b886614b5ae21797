#include "runner/pipeline/env_diff.h"

#include <map>
#include <set>

namespace cirun {
namespace {

bool StartsWith(const std::string& s, const char* prefix) {
  return s.rfind(prefix, 0) == 0;
}

bool IsSourceEntry(const std::string& entry) {
  return entry == "repo" || entry == "commit" || entry == "source tree" || entry == "dirty";
}

}  // namespace

std::vector<EnvChange> DiffManifests(const JobManifest& a, const JobManifest& b) {
  const auto before = ManifestEntries(a);
  const auto after = ManifestEntries(b);
  std::map<std::string, std::string> after_by_name(after.begin(), after.end());
  std::set<std::string> seen;
  std::vector<EnvChange> out;
  for (const auto& [name, value] : before) {
    seen.insert(name);
    auto it = after_by_name.find(name);
    const std::string other = it == after_by_name.end() ? "" : it->second;
    if (other != value) out.push_back({name, value, other});
  }
  for (const auto& [name, value] : after)
    if (!seen.contains(name)) out.push_back({name, "", value});
  return out;
}

bool IsEnvironmentEntry(const std::string& entry) {
  return !IsSourceEntry(entry) && !StartsWith(entry, "image");
}

std::string DescribeChange(const EnvChange& c) {
  const std::string before = c.before.empty() ? "(none)" : c.before;
  const std::string after = c.after.empty() ? "(none)" : c.after;
  for (const char* prefix : {"library ", "duniverse "}) {
    if (StartsWith(c.entry, prefix)) {
      std::string name = c.entry.substr(std::string(prefix).size());
      if (std::string(prefix) == "duniverse ") name = "duniverse/" + name;
      return name + " " + before + " -> " + after;
    }
  }
  return c.entry + ": " + before + " -> " + after;
}

std::string EnvDiffText(const std::vector<EnvChange>& changes) {
  if (changes.empty()) return "no difference\n";
  std::string sources, environment, unreached, image;
  for (const EnvChange& c : changes) {
    std::string line = "  " + DescribeChange(c) + "\n";
    if (IsSourceEntry(c.entry))
      sources += line;
    else if (IsUnreachedStep(c))
      unreached += line;
    else if (IsEnvironmentEntry(c.entry))
      environment += line;
    else
      image += line;
  }
  std::string out;
  if (!sources.empty()) out += "Sources\n" + sources;
  if (!environment.empty()) out += "Environment\n" + environment;
  if (!unreached.empty()) out += "Not reached by one of the jobs\n" + unreached;
  if (!image.empty()) out += "Image\n" + image;
  return out;
}

bool IsUnreachedStep(const EnvChange& c) {
  return c.entry == "boot command" && (c.before.empty() || c.after.empty());
}

std::string EnvironmentChangeLine(const std::vector<EnvChange>& changes) {
  std::string out;
  for (const EnvChange& c : changes) {
    if (!IsEnvironmentEntry(c.entry) || IsUnreachedStep(c)) continue;
    out += (out.empty() ? "" : "; ") + DescribeChange(c);
  }
  return out.empty() ? "" : "environment changed: " + out;
}

}  // namespace cirun
