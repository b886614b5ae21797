// EnvironmentProbe: reads, for a job's manifest (job_manifest.h), what the
// programs of a toolchain and of a target are: each program's own version
// line, the OCaml libraries ocamlfind sees, the git tree ids of a duniverse/.
//
// A version line is read once per program file: cached, for the life of the
// process, by the program's resolved path, its modification time and size
// (a replaced or upgraded program is read again).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/process_runner.h"
#include "harness/target_spec.h"
#include "runner/host/toolchain.h"
#include "runner/pipeline/job_manifest.h"

namespace cirun {

class EnvironmentProbe {
 public:
  /// Runs the probes through `runner` (the host's, unboxed: these are the
  /// host's own programs). `runner` outlives the probe.
  explicit EnvironmentProbe(ProcessRunner& runner) : runner_(runner) {}

  /// The first non-empty output line of `PROGRAM --version` (stdout or
  /// stderr; Solo5 tenders print theirs on stderr), PROGRAM looked up on
  /// `path_env` when it has no '/'. Never fails: a missing program has an
  /// empty path and version "not found"; one whose probe fails "unavailable:
  /// <why>".
  ToolRecord Tool(const std::string& program, const std::string& path_env);

  /// The compilers of `toolchain`, each with the first line of its version
  /// output, read from the compiler itself: for C, $CC (its env's CC, else
  /// the toolchain's name) and ld; for OCaml, ocamlopt and dune
  /// (those found). Programs the toolchain lacks are left out.
  std::map<std::string, std::string> Compilers(const ToolchainSpec& toolchain);

  /// For an OCaml toolchain, every top-level package `ocamlfind list` shows
  /// with its version ("lwt" -> "5.6.1"); empty for C or without ocamlfind.
  /// Not cached: libraries change under an unchanged ocamlfind.
  std::map<std::string, std::string> Libraries(const ToolchainSpec& toolchain);

 private:
  ProcessRunner& runner_;
};

/// The programs a target boots with: QEMU for qemu, solo5-virtio and a Xen
/// target's QEMU fallback; xl for xen; the tender for solo5-hvt/spt; none for
/// a process target.
std::vector<std::string> TargetPrograms(const TargetSpec& target);

/// The PATH a toolchain's commands see: PREFIX/bin first for a prefix, its
/// env's PATH if it sets one, else ci-run's own.
std::string ToolchainPath(const ToolchainSpec& toolchain);

/// `program` found on the colon-separated `path_env` (or as given when it
/// holds a '/'), made absolute; "" if not found or not executable.
std::string FindProgram(const std::string& program, const std::string& path_env);

/// The packages of `dir` (a duniverse/: one folder per package) with the git
/// tree id of each, as `git add -A && git write-tree` would compute it for
/// that folder. Empty if `dir` does not exist.
Result<std::map<std::string, std::string>> DuniverseTrees(const std::string& dir);

/// Parses `ocamlfind list` output: "lwt   (version: 5.6.1)" lines of top-level
/// packages (no '.' in the name); other lines (warnings) are ignored.
std::map<std::string, std::string> ParseOcamlfindList(const std::string& text);

}  // namespace cirun
