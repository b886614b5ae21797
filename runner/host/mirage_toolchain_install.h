// Installing a MirageOS toolchain: `ci-run toolchain add NAME --mirage-sources DIR`.
//
// Layout of CACHE/toolchains/NAME/ (as for an OCaml toolchain, see
// toolchain_install.h): toolchain.yml written last, prefix/ the installation
// (bin/mirage, bin/solo5-hvt, bin/solo5-spt, bin/ci-run-duniverse,
// solo5-sysroot/, findlib/, duniverse/{unix,solo5}/), build/ the work in
// progress with one marker per finished phase, and the lock.
//
// Needs, from Debian 12: OCaml 4.13 with ocamlfind and dune 2.9, the OCaml
// libraries the mirage tool and the unix target link (see bootstrap.sh's
// mirage packages), ocaml-source (the compiler's sources, for the cross
// compiler), gcc, make and libseccomp-dev (solo5-spt). Takes about 15 minutes
// on 2 cores, most of it the cross compiler.
#pragma once

#include <cstdio>
#include <string>

#include "base/status.h"
#include "harness/process_runner.h"

namespace cirun {

struct MirageToolchainOptions {
  std::string name;         // toolchain name, e.g. "mirage"
  std::string sources_dir;  // the folder of source tarballs (FindMirageSources)
  std::string cache_dir;    // registrations go to cache_dir/toolchains/NAME
  int jobs = 1;             // make -jJOBS, dune -jJOBS
  bool keep_build = false;  // keep build/src after success
};

/// Builds the MirageOS toolchain from `options.sources_dir` and registers it,
/// printing each phase with progress to `out` (see InstallOcamlToolchain for
/// `live`, the resumption and the error codes: InvalidArgument for a bad
/// name, missing sources or a host without Debian's OCaml sources;
/// FailedPrecondition naming the failed phase and its log; Cancelled). On any
/// error nothing is registered and finished phases are kept.
Status InstallMirageToolchain(const MirageToolchainOptions& options, ProcessRunner& runner,
                              const CancelToken* cancel, FILE* out, bool live);

}  // namespace cirun
