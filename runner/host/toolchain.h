// Toolchains: how this host provides a compiler named on the matrix's
// `compiler` axis (a host setting, never part of the repository).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "harness/process_runner.h"

namespace cirun {

struct ToolchainSpec {
  enum class Kind {
    kSystem,  // programs on PATH (gcc, clang, Debian's OCaml)
    kPrefix,  // an installation prefix: PREFIX/bin goes first on PATH
    kOpam,    // an opam switch: commands run under `opam exec --switch=NAME --`
  };
  std::string name;  // the `compiler` axis value, e.g. "gcc", "ocaml-4.14"
  Kind kind = Kind::kSystem;
  std::string language = "c";                // "c" or "ocaml" (for `ci-run toolchain list`)
  std::vector<std::string> version_command;  // prints the identity, e.g. ["gcc", "--version"]
  std::map<std::string, std::string> env;    // set for builds, e.g. {CC: gcc}
  std::string prefix;                        // kPrefix
  std::string opam_switch;                   // kOpam
  std::string origin = "built-in";           // where it was defined: "built-in" or a file
  std::vector<std::string> targets;          // the targets it builds for; empty: any
};

/// "system", "prefix", "opam".
const char* ToolchainKindName(ToolchainSpec::Kind kind);

/// The process that runs `command` (with sh -c) in `cwd` under `toolchain`:
/// the toolchain's env, PATH for a prefix, `opam exec` for a switch.
ProcessSpec ToolchainProcess(const ToolchainSpec& toolchain, const std::string& command,
                             const std::string& cwd);

/// Why `toolchain` cannot build for `target` ("toolchain mirage builds for
/// unix, spt only, not xen"), or "" if it can (its `targets` list is empty
/// or names `target`).
std::string ToolchainTargetProblem(const ToolchainSpec& toolchain, const std::string& target);

/// The process that prints the toolchain's identity (its version_command).
ProcessSpec ToolchainVersionProcess(const ToolchainSpec& toolchain);

/// Finds out, once per toolchain, whether this host has it and what it is.
/// Thread-safe; results are cached for the probe's lifetime.
class ToolchainProbe {
 public:
  explicit ToolchainProbe(ProcessRunner& runner) : runner_(runner) {}

  /// The toolchain's identity (its version output, trimmed), or Unavailable
  /// with the reason ("gcc: not found in PATH", "exited with status 2: ...").
  Result<std::string> Identity(const ToolchainSpec& toolchain);

 private:
  ProcessRunner& runner_;
  std::mutex mu_;
  std::map<std::string, Result<std::string>> cache_;  // by toolchain name; guarded by mu_
};

}  // namespace cirun
