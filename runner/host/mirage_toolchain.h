// MirageToolchain: what `ci-run toolchain add NAME --mirage-sources DIR`
// builds from upstream source tarballs on a host without opam, as plans and
// texts (the installer, mirage_toolchain_install.h, runs them):
//
//   the `mirage` tool (mirage 4.4 with functoria, emile, pecu), Solo5 (the
//   solo5-hvt / solo5-spt tenders and the x86_64-solo5-none-static cross
//   toolchain), ocaml-solo5 (a cross OCaml built from Debian's ocaml-source),
//   and two library sets that stand in for `make depends` (opam-monorepo's
//   duniverse/): one for the unix target, one for the Solo5 targets.
//
// The sources are those of ../shared/third_party/mirageos/ (SOURCES.md): one
// `NAME-VERSION.tar.gz` per package, each a `git archive` under one folder.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace cirun {

/// One upstream package: the folder it is extracted to, and the tarball
/// name's start (the rest is "-" and a version: "mirage" matches
/// mirage-v4.4.2.tar.gz, not mirage-unix-v5.0.1.tar.gz).
struct MiragePackage {
  std::string name;
  bool in_unix_set = false;   // vendored into a unix unikernel's duniverse/
  bool in_solo5_set = false;  // vendored into a Solo5 unikernel's duniverse/
};

/// Every package the toolchain needs, in build order.
const std::vector<MiragePackage>& MiragePackages();

/// A package and the tarball found for it.
struct MirageSource {
  MiragePackage package;
  std::string tarball;  // absolute path
  std::string version;  // from the tarball's name: mirage-v4.4.2.tar.gz -> "4.4.2"
};

/// Finds one tarball per package in `dir`. InvalidArgument naming every
/// missing package (and any package with two candidate tarballs).
Result<std::vector<MirageSource>> FindMirageSources(const std::string& dir);

/// True if `file_name` is a tarball of `package` ("NAME-" then a version,
/// optionally "v"-prefixed, then ".tar.gz").
bool IsTarballOf(const std::string& package, const std::string& file_name);

/// The version in a package's tarball name ("mirage", "mirage-v4.4.2.tar.gz"
/// -> "4.4.2"; "logs-v0.7.0+dune.tar.gz" -> "0.7.0+dune").
std::string TarballVersion(const std::string& package, const std::string& file_name);

/// The edits that make these sources build with Debian 12's dune 2.9 and
/// without topkg or the `result` library, applied to the tree extracted in
/// `src` (one folder per package), and the version a git checkout would get
/// from `dune subst`, for `mirage --version`. Idempotent.
Status PatchMirageSources(const std::string& src, const std::string& mirage_version);

/// The Solo5 targets the toolchain builds and boots ("hvt", "spt", "virtio"),
/// and every target it builds for ("unix" first).
const std::vector<std::string>& MirageSolo5Targets();
std::vector<std::string> MirageBuildTargets();

/// The script installed as PREFIX/bin/ci-run-duniverse: `ci-run-duniverse
/// TARGET`, run in a unikernel's folder after `mirage configure -t TARGET`,
/// replaces ./duniverse with a copy of PREFIX/duniverse/{unix,solo5}.
std::string DuniverseScript(const std::string& prefix);

/// The registration (a host-config YAML, CACHE/toolchains/NAME/toolchain.yml):
/// toolchain NAME of kind prefix whose identity is `mirage --version`, that
/// builds for MirageBuildTargets() only, with OCAMLPATH (the mirage tool's
/// libraries), OCAMLFIND_CONF (the solo5 findlib toolchain) and dune's shared
/// build cache in its environment; and the targets hvt and spt (the tenders
/// in PREFIX/bin) and virtio (QEMU as Solo5's solo5-virtio-run starts it).
std::string RegisteredMirageToolchainYaml(const std::string& name, const std::string& prefix,
                                          const std::string& note);

}  // namespace cirun
