#include "runner/pipeline/environment_probe.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>
#include <regex>
#include <tuple>

#include "runner/sources/directory_tree.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;

// Version lines by (resolved path, mtime in ns, size, argument), for the
// process's life. Thread-safe.
class VersionCache {
 public:
  using Key = std::tuple<std::string, int64_t, int64_t, std::string>;
  std::optional<std::string> Find(const Key& key) {
    std::lock_guard lock(mu_);
    auto it = lines_.find(key);
    if (it == lines_.end()) return std::nullopt;
    return it->second;
  }
  void Put(const Key& key, const std::string& line) {
    std::lock_guard lock(mu_);
    lines_[key] = line;
  }

 private:
  std::mutex mu_;
  std::map<Key, std::string> lines_;  // guarded by mu_
};

VersionCache& Cache() {
  static VersionCache cache;
  return cache;
}

std::string FirstLine(const std::string& text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) return line;
    pos = end + 1;
  }
  return "";
}

struct Probe {
  bool ok = false;
  std::string output;
  std::string why;  // when !ok
};

Probe RunProbe(ProcessRunner& runner, ProcessSpec spec) {
  spec.timeout = std::chrono::seconds(20);
  spec.output_cap = 1 << 20;
  Probe p;
  ProcessExit exit = runner.Run(
      spec,
      [&](std::string_view chunk, std::chrono::milliseconds) {
        p.output.append(chunk);
        return OutputAction::kContinue;
      },
      nullptr);
  p.ok = exit.kind == ProcessExit::Kind::kExited && exit.code == 0;
  if (!p.ok) p.why = exit.Describe();
  return p;
}

// The version line of `program` found at `path`: `program ARG` run with
// `base` (a toolchain's env), cached by the file's identity.
std::optional<std::string> VersionLine(ProcessRunner& runner, const std::string& path,
                                       const std::string& arg, ProcessSpec base) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  const VersionCache::Key key{
      path, static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
      static_cast<int64_t>(st.st_size), arg};
  if (auto cached = Cache().Find(key)) return *cached;
  base.argv = {path, arg};
  Probe p = RunProbe(runner, std::move(base));
  if (!p.ok) return std::nullopt;
  const std::string line = FirstLine(p.output);
  Cache().Put(key, line);
  return line;
}

// The base process of a toolchain's probes: its env and PATH (an opam
// switch's programs are found through `opam exec`, see ToolchainProcess).
ProcessSpec ToolchainBase(const ToolchainSpec& toolchain) {
  ProcessSpec spec = ToolchainProcess(toolchain, "true", "/");
  spec.env_set["PATH"] = ToolchainPath(toolchain);
  return spec;
}

}  // namespace

std::string FindProgram(const std::string& program, const std::string& path_env) {
  std::error_code ec;
  if (program.find('/') != std::string::npos) {
    return ::access(program.c_str(), X_OK) == 0 ? fs::absolute(program, ec).string() : "";
  }
  size_t start = 0;
  while (start <= path_env.size()) {
    size_t end = path_env.find(':', start);
    if (end == std::string::npos) end = path_env.size();
    const std::string dir = path_env.substr(start, end - start);
    if (!dir.empty()) {
      const std::string candidate = dir + "/" + program;
      if (fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0)
        return candidate;
    }
    start = end + 1;
  }
  return "";
}

std::string ToolchainPath(const ToolchainSpec& toolchain) {
  const char* own = std::getenv("PATH");
  std::string path = own ? own : "/usr/bin:/bin";
  auto it = toolchain.env.find("PATH");
  if (it != toolchain.env.end()) path = it->second;
  if (toolchain.kind == ToolchainSpec::Kind::kPrefix) path = toolchain.prefix + "/bin:" + path;
  return path;
}

ToolRecord EnvironmentProbe::Tool(const std::string& program, const std::string& path_env) {
  ToolRecord t;
  t.path = FindProgram(program, path_env);
  if (t.path.empty()) {
    t.version = "not found";
    return t;
  }
  ProcessSpec base;
  base.env_set["PATH"] = path_env;
  auto line = VersionLine(runner_, t.path, "--version", base);
  t.version = line ? *line : "unavailable: `" + program + " --version` failed";
  return t;
}

std::map<std::string, std::string> EnvironmentProbe::Compilers(const ToolchainSpec& toolchain) {
  std::vector<std::pair<std::string, std::string>> wanted;  // program, version argument
  if (toolchain.language == "ocaml") {
    wanted = {{"ocamlopt", "-version"}, {"dune", "--version"}};
  } else {
    auto cc = toolchain.env.find("CC");
    std::string compiler = cc != toolchain.env.end() ? cc->second : toolchain.name;
    compiler = compiler.substr(0, compiler.find(' '));  // "gcc -m32" -> "gcc"
    wanted = {{compiler, "--version"}, {"ld", "--version"}};
  }
  std::map<std::string, std::string> out;
  const ProcessSpec base = ToolchainBase(toolchain);
  if (toolchain.kind == ToolchainSpec::Kind::kOpam) {
    // Only `opam exec` knows the switch's PATH: probed each time.
    for (const auto& [program, arg] : wanted) {
      ProcessSpec spec = ToolchainProcess(toolchain, program + " " + arg, "/");
      Probe p = RunProbe(runner_, spec);
      if (p.ok) out[program] = FirstLine(p.output);
    }
    return out;
  }
  const std::string path_env = base.env_set.at("PATH");
  for (const auto& [program, arg] : wanted) {
    const std::string path = FindProgram(program, path_env);
    if (path.empty()) continue;
    if (auto line = VersionLine(runner_, path, arg, base)) out[program] = *line;
  }
  return out;
}

std::map<std::string, std::string> EnvironmentProbe::Libraries(const ToolchainSpec& toolchain) {
  if (toolchain.language != "ocaml") return {};
  ProcessSpec spec = ToolchainProcess(toolchain, "ocamlfind list 2>/dev/null", "/");
  if (toolchain.kind != ToolchainSpec::Kind::kOpam) spec.env_set["PATH"] = ToolchainPath(toolchain);
  Probe p = RunProbe(runner_, spec);
  return p.ok ? ParseOcamlfindList(p.output) : std::map<std::string, std::string>{};
}

std::vector<std::string> TargetPrograms(const TargetSpec& target) {
  switch (target.backend) {
    case BackendKind::kProcess:
      return {};
    case BackendKind::kQemu:
    case BackendKind::kSolo5Virtio:
      return {target.qemu.binary};
    case BackendKind::kXen:
      return target.xen.qemu_fallback ? std::vector<std::string>{target.xen.xl, target.qemu.binary}
                                      : std::vector<std::string>{target.xen.xl};
    case BackendKind::kSolo5Hvt:
      return {target.solo5.tender.empty() ? "solo5-hvt" : target.solo5.tender};
    case BackendKind::kSolo5Spt:
      return {target.solo5.tender.empty() ? "solo5-spt" : target.solo5.tender};
  }
  return {};
}

Result<std::map<std::string, std::string>> DuniverseTrees(const std::string& dir) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_directory(ec) || e.is_symlink(ec)) continue;
    auto id = DirectoryTreeId(e.path().string());
    if (!id.ok()) return id.status();
    out[e.path().filename().string()] = *id;
  }
  if (ec) return Status::IoError("cannot list " + dir + ": " + ec.message());
  return out;
}

std::map<std::string, std::string> ParseOcamlfindList(const std::string& text) {
  static const std::regex kLine(R"(^([A-Za-z0-9_+-]+)\s+\(version: ([^)]*)\)\s*$)");
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(pos, end - pos);
    std::smatch m;
    if (std::regex_match(line, m, kLine)) out[m[1]] = m[2];
    pos = end + 1;
  }
  return out;
}

}  // namespace cirun
