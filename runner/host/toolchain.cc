#include "runner/host/toolchain.h"

#include <algorithm>

#include <cstdlib>

namespace cirun {

const char* ToolchainKindName(ToolchainSpec::Kind kind) {
  switch (kind) {
    case ToolchainSpec::Kind::kSystem:
      return "system";
    case ToolchainSpec::Kind::kPrefix:
      return "prefix";
    case ToolchainSpec::Kind::kOpam:
      return "opam";
  }
  return "unknown";
}

namespace {

// The toolchain's files a sandboxed build must see read-only: the prefix, an
// opam root, and every absolute path named in its variables (OCAMLPATH,
// OCAMLFIND_CONF, ...).
std::vector<std::string> ToolchainPaths(const ToolchainSpec& toolchain,
                                        const std::map<std::string, std::string>& env) {
  std::vector<std::string> paths;
  if (toolchain.kind == ToolchainSpec::Kind::kPrefix) paths.push_back(toolchain.prefix);
  if (toolchain.kind == ToolchainSpec::Kind::kOpam) paths.push_back(env.at("OPAMROOT"));
  for (const auto& [name, value] : toolchain.env) {
    if (name == "PATH") continue;
    size_t start = 0;
    while (start <= value.size()) {
      size_t end = value.find(':', start);
      if (end == std::string::npos) end = value.size();
      std::string part = value.substr(start, end - start);
      if (part.starts_with("/")) paths.push_back(part);
      start = end + 1;
    }
  }
  return paths;
}

// Fills env and argv wrapping common to builds and probes.
ProcessSpec WrapForToolchain(const ToolchainSpec& toolchain, std::vector<std::string> argv) {
  ProcessSpec spec;
  spec.env_set = toolchain.env;
  if (toolchain.kind == ToolchainSpec::Kind::kPrefix) {
    const char* path = std::getenv("PATH");
    spec.env_set["PATH"] = toolchain.prefix + "/bin" + (path ? std::string(":") + path : "");
  }
  if (toolchain.kind == ToolchainSpec::Kind::kOpam && !spec.env_set.contains("OPAMROOT")) {
    // Named, so that it is found with another HOME (a sandbox's).
    const char* root = std::getenv("OPAMROOT");
    const char* home = std::getenv("HOME");
    spec.env_set["OPAMROOT"] = root ? root : std::string(home ? home : "") + "/.opam";
  }
  spec.read_only_paths = ToolchainPaths(toolchain, spec.env_set);
  if (toolchain.kind == ToolchainSpec::Kind::kOpam) {
    std::vector<std::string> wrapped = {"opam", "exec", "--switch=" + toolchain.opam_switch, "--"};
    wrapped.insert(wrapped.end(), argv.begin(), argv.end());
    argv = std::move(wrapped);
  }
  spec.argv = std::move(argv);
  return spec;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace

ProcessSpec ToolchainProcess(const ToolchainSpec& toolchain, const std::string& command,
                             const std::string& cwd) {
  ProcessSpec spec = WrapForToolchain(toolchain, {"sh", "-c", command});
  spec.cwd = cwd;
  return spec;
}

std::string ToolchainTargetProblem(const ToolchainSpec& toolchain, const std::string& target) {
  if (toolchain.targets.empty() || std::find(toolchain.targets.begin(), toolchain.targets.end(),
                                             target) != toolchain.targets.end())
    return "";
  std::string list;
  for (const std::string& t : toolchain.targets) list += (list.empty() ? "" : ", ") + t;
  return "toolchain " + toolchain.name + " builds for " + list + " only, not " + target;
}

ProcessSpec ToolchainVersionProcess(const ToolchainSpec& toolchain) {
  ProcessSpec spec = WrapForToolchain(toolchain, toolchain.version_command);
  spec.timeout = std::chrono::seconds(20);
  return spec;
}

Result<std::string> ToolchainProbe::Identity(const ToolchainSpec& toolchain) {
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(toolchain.name);
    if (it != cache_.end()) return it->second;
  }
  // Probed outside the lock: a slow toolchain does not block the others.
  std::string output;
  ProcessExit exit = runner_.Run(
      ToolchainVersionProcess(toolchain),
      [&](std::string_view chunk, std::chrono::milliseconds) {
        output.append(chunk);
        return OutputAction::kContinue;
      },
      nullptr);
  Result<std::string> result = Status::Unavailable("unprobed");
  if (toolchain.version_command.empty()) {
    result = Status::InvalidArgument("toolchain " + toolchain.name + " has no version command");
  } else if (exit.kind == ProcessExit::Kind::kExited && exit.code == 0) {
    result = Trim(output);
  } else if (exit.kind == ProcessExit::Kind::kSpawnFailed) {
    // The program that did not start: opam for a switch, else the version command.
    const std::string program = ToolchainVersionProcess(toolchain).argv[0];
    result = Status::Unavailable(exit.error.rfind(program, 0) == 0
                                     ? exit.error
                                     : program + " not found (" + exit.error + ")");
  } else {
    std::string first_line = Trim(output.substr(0, output.find('\n')));
    result = Status::Unavailable("`" + toolchain.version_command[0] + "` " + exit.Describe() +
                                 (first_line.empty() ? "" : ": " + first_line));
  }
  std::lock_guard lock(mu_);
  return cache_.emplace(toolchain.name, result).first->second;
}

}  // namespace cirun
