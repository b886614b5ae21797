#include "runner/pipeline/environment_pin.h"

#include <cstdlib>
#include <filesystem>
#include <set>

namespace cirun {
namespace {

std::string OrNone(const std::string& s) {
  return s.empty() ? "(none)" : s;
}

// The PATH a target's programs are found on: the toolchain's (as the job
// manifest does), else ci-run's own.
std::string ToolPath(const ToolchainSpec* toolchain) {
  if (toolchain) return ToolchainPath(*toolchain);
  const char* own = std::getenv("PATH");
  return own ? own : "";
}

void CompareTools(const JobManifest& recorded, EnvironmentProbe& probe, const HostConfig& host,
                  EnvironmentPinReport* report) {
  if (recorded.target.empty()) return;
  const TargetSpec* target = host.FindTarget(recorded.target);
  if (!target) {
    report->differences.push_back("target " + recorded.target + ": not on this host");
    return;
  }
  const std::string path = ToolPath(host.FindToolchain(recorded.toolchain));
  std::map<std::string, std::string> here, then;
  for (const std::string& program : TargetPrograms(*target))
    here[std::filesystem::path(program).filename().string()] = probe.Tool(program, path).version;
  for (const auto& [name, tool] : recorded.tools) then[name] = tool.version;
  for (const std::string& line : MapDifferences("tool", then, here))
    report->differences.push_back(line);
}

}  // namespace

std::optional<std::string> MatchToolchain(const JobManifest& recorded,
                                          const std::vector<ToolchainCandidate>& candidates) {
  if (recorded.compilers.empty()) return std::nullopt;
  for (const ToolchainCandidate& c : candidates)
    if (c.name == recorded.toolchain && c.compilers == recorded.compilers) return c.name;
  for (const ToolchainCandidate& c : candidates)
    if (c.compilers == recorded.compilers) return c.name;
  return std::nullopt;
}

std::vector<std::string> MapDifferences(const std::string& what,
                                        const std::map<std::string, std::string>& recorded,
                                        const std::map<std::string, std::string>& here) {
  std::set<std::string> names;
  for (const auto& [k, v] : recorded) names.insert(k);
  for (const auto& [k, v] : here) names.insert(k);
  std::vector<std::string> out;
  for (const std::string& name : names) {
    auto a = recorded.find(name);
    auto b = here.find(name);
    const std::string then = a == recorded.end() ? "" : a->second;
    const std::string now = b == here.end() ? "" : b->second;
    if (then != now)
      out.push_back(what + " " + name + ": recorded " + OrNone(then) + ", this host has " +
                    OrNone(now));
  }
  return out;
}

EnvironmentPinReport PinEnvironment(const JobManifest& recorded, const std::string& ci_run_version,
                                    EnvironmentProbe& probe, HostConfig* host) {
  EnvironmentPinReport report;
  if (!recorded.ci_run.empty() && recorded.ci_run != ci_run_version)
    report.differences.push_back("ci-run: recorded " + recorded.ci_run + ", this is " +
                                 ci_run_version);
  const ToolchainSpec* named = host->FindToolchain(recorded.toolchain);
  if (!recorded.toolchain.empty() && recorded.toolchain != "(host)") {
    const std::string language = named ? named->language : "";
    std::vector<ToolchainCandidate> candidates;
    for (const ToolchainSpec& t : host->toolchains)
      if (language.empty() || t.language == language)
        candidates.push_back({t.name, probe.Compilers(t)});
    auto match = MatchToolchain(recorded, candidates);
    if (match && *match != recorded.toolchain) {
      ToolchainSpec alias = *host->FindToolchain(*match);
      alias.name = recorded.toolchain;
      host->Put(alias);
      report.chosen.push_back("toolchain " + recorded.toolchain + ": this host's " + *match +
                              " (its compilers report what the job recorded)");
    } else if (match) {
      report.chosen.push_back("toolchain " + recorded.toolchain + ": this host's, as recorded");
    } else if (!named) {
      report.differences.push_back("toolchain " + recorded.toolchain +
                                   ": not on this host, and no toolchain here reports its "
                                   "compilers");
    } else {
      for (const ToolchainCandidate& c : candidates)
        if (c.name == recorded.toolchain)
          for (const std::string& line :
               MapDifferences("compiler", recorded.compilers, c.compilers))
            report.differences.push_back(line);
    }
    if (const ToolchainSpec* chosen = host->FindToolchain(recorded.toolchain);
        chosen && chosen->language == "ocaml")
      for (const std::string& line :
           MapDifferences("library", recorded.libraries, probe.Libraries(*chosen)))
        report.differences.push_back(line);
  }
  CompareTools(recorded, probe, *host, &report);
  return report;
}

}  // namespace cirun
