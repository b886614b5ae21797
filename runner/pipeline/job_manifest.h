// JobManifest: the environment that made a job's result, recorded when the
// job runs and stored with it (Store::AddManifest): the sources, the
// toolchain (its compilers' own version lines, its OCaml libraries, the
// packages of a duniverse/), the tools the target booted with, the build and
// boot command lines, ci-run's version and the image's SHA-256 and size.
//
// Two manifests are compared entry by entry (env_diff.h): ManifestEntries
// flattens one into named entries ("library lwt" = "5.6.1").
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace cirun {

/// A program the target used to boot the image, and its version.
struct ToolRecord {
  std::string path;     // as resolved on PATH ("" if not found)
  std::string version;  // first line of `PROGRAM --version`, or "unavailable: ..."
};

struct JobManifest {
  std::string ci_run;  // ci-run's version

  // The sources.
  std::string repo;
  std::string commit;       // full commit id
  std::string source_tree;  // git tree id of the unikernel's path ("worktree-..." when dirty)
  bool dirty = false;       // a work tree tested as it was

  // The toolchain (the cell's `compiler`; "(host)" without one).
  std::string toolchain;                         // name
  std::string toolchain_kind;                    // "system", "prefix", "opam"
  std::string toolchain_location;                // the prefix or the opam switch; "" for system
  std::string toolchain_identity;                // its version command's output, first line
  std::map<std::string, std::string> compilers;  // program -> first line of its version output
  std::map<std::string, std::string> libraries;  // OCaml package -> version (ocamlfind list)
  std::map<std::string, std::string> duniverse;  // duniverse/ package -> git tree id

  // The target and its tools.
  std::string target;
  std::map<std::string, ToolRecord> tools;  // program name -> where and which version

  // What ran.
  std::string build_command;  // as planned (expanded), run with sh -c in the unikernel's path
  std::string build_outcome;  // "passed", "cached" (restored from the build cache), "failed", ...
  std::string boot_command;   // the main boot's command line, the workspace written $WORKSPACE

  // The result.
  std::string image;         // path in the checkout ("unikernels/_build/gcc-virtio/hello.virtio")
  std::string image_sha256;  // lowercase hex; "" when no image was built
  int64_t image_size = 0;    // bytes
};

/// The manifest as a JSON object (sections source, toolchain, target, build,
/// boot, image, plus "format" and "ci_run"), pretty-printed with `indent`
/// spaces (-1: one line).
std::string ManifestToJson(const JobManifest& manifest, int indent = -1);

/// Inverse of ManifestToJson. InvalidArgument for text that is not a JSON
/// object; missing fields stay empty (a manifest from an older ci-run).
Result<JobManifest> ManifestFromJson(const std::string& json);

/// The manifest as named entries, in a stable order: "ci-run", "repo",
/// "commit", "source tree", "dirty", "toolchain", "toolchain kind",
/// "toolchain location", "toolchain identity", "compiler NAME", "library
/// NAME", "duniverse NAME", "target", "tool NAME", "tool NAME path", "build
/// command", "boot command", "image", "image sha256", "image size". Empty
/// values are left out, and so is the toolchain identity when it is one of
/// the compilers' version lines (the same fact once).
std::vector<std::pair<std::string, std::string>> ManifestEntries(const JobManifest& manifest);

/// The manifest for a reader: one section per paragraph (Source, Toolchain,
/// Libraries, Duniverse, Target, Build, Boot, Image), one "name  value" line
/// per entry.
std::string ManifestText(const JobManifest& manifest);

}  // namespace cirun
