// Installing and removing the toolchains that `ci-run toolchain add` builds.
//
// Layout of CACHE/toolchains/NAME/:
//   toolchain.yml   the registration LoadHostConfig reads; written last and
//                   atomically, only after the compiler built, installed and
//                   compiled a test program: a failed or interrupted add never
//                   leaves a half toolchain registered
//   prefix/         the installation (bin/ocamlopt, lib/ocaml, ...)
//   build/          work in progress: source.sha256 (which tarball), src/ (the
//                   extracted tree), <phase>.done markers, build.log. A new
//                   `add` of the same NAME and tarball resumes after the last
//                   finished phase; another tarball starts over.
//   lock            flock()ed by add and remove: one writer per toolchain
#pragma once

#include <cstdio>
#include <string>

#include "base/status.h"
#include "harness/process_runner.h"

namespace cirun {

struct ToolchainInstallOptions {
  std::string name;            // toolchain name, e.g. "ocaml-4.14"
  std::string source_tarball;  // an OCaml source tarball (.tgz, .tar.gz, .tar.xz, ...)
  std::string cache_dir;       // registrations go to cache_dir/toolchains/NAME
  int jobs = 1;                // make -jJOBS
  bool keep_build = false;     // keep build/src after success (default: removed, ~0.5 GB)
};

/// The directory of toolchain `name` under `cache_dir`.
std::string ToolchainDir(const std::string& cache_dir, const std::string& name);

/// Builds the OCaml compiler in `options.source_tarball` into the toolchain's
/// prefix and registers it, printing progress to `out` (a redrawn status line
/// when `live`, else a line every 30 s of a long phase). Returns OK when the
/// toolchain is registered (also when it already was, from the same tarball);
/// InvalidArgument for a bad name or tarball, or a name registered from
/// another tarball; FailedPrecondition when a phase failed (the message names
/// the phase and the log, whose last lines were printed to `out`); Cancelled
/// when `cancel` fired. On any error nothing is registered and finished phases
/// are kept for the next attempt. Blocks while another process holds the lock.
Status InstallOcamlToolchain(const ToolchainInstallOptions& options, ProcessRunner& runner,
                             const CancelToken* cancel, FILE* out, bool live);

/// Removes a toolchain registered in `cache_dir` (its whole directory).
/// NotFound if there is none of that name.
Status RemoveRegisteredToolchain(const std::string& cache_dir, const std::string& name);

}  // namespace cirun
