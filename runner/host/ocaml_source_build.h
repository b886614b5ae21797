// OcamlSourceBuild: how `ci-run toolchain add` turns an OCaml source tree
// into an installed, registered compiler. Pure: plans and texts only; the
// installer (toolchain_install.h) runs them.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "base/status.h"

namespace cirun {

/// One phase of a from-source build, run in the source tree.
struct SourceBuildPhase {
  std::string name;               // "configure", "build", "install"
  std::vector<std::string> argv;  // run without a shell
  std::chrono::minutes timeout;   // the phase is killed after this
};

/// The version in the first line of an OCaml source tree's VERSION file
/// ("4.14.1", "5.3.0", "5.4.0~alpha1" -> "5.4.0~alpha1"). InvalidArgument
/// if the first line does not start with "MAJOR.MINOR".
Result<std::string> ParseOcamlVersionFile(const std::string& text);

/// The major version of "4.14.1" (4); 0 if it does not start with a number.
int OcamlMajorVersion(const std::string& version);

/// The phases that build OCaml `version` from its source tree into `prefix`
/// with `jobs` parallel jobs, as OCaml's INSTALL files say:
///   configure: ./configure --prefix=PREFIX
///   build:     make -jJOBS world.opt   (4.x: the native compilers too)
///              make -jJOBS             (5.x: the default target is complete)
///   install:   make install
std::vector<SourceBuildPhase> OcamlBuildPhases(const std::string& version,
                                               const std::string& prefix, int jobs);

/// True for a name usable as a toolchain and a directory: letters, digits,
/// '.', '_', '+', '-', starting with a letter or digit, at most 64 bytes.
bool IsValidToolchainName(const std::string& name);

/// A warning if `name` carries a version ("ocaml-5.3", "ocaml-4.14.1") that
/// `version` does not start with, else "". E.g. name ocaml-5.3, version
/// 4.14.1: "the name ocaml-5.3 suggests OCaml 5.3, but the sources are 4.14.1".
std::string ToolchainNameMismatch(const std::string& name, const std::string& version);

/// `s` as a YAML double-quoted scalar ('"' and '\\' escaped).
std::string YamlQuoted(const std::string& s);

/// The start of a registration (CACHE/toolchains/NAME/toolchain.yml): the
/// comment lines (`what` names the kind, `note` the sources), then
/// `toolchains:` and NAME's kind, language and prefix lines; the caller adds
/// NAME's other keys, indented by four spaces.
std::string RegistrationHead(const std::string& what, const std::string& name,
                             const std::string& prefix, const std::string& note);

/// What a registered toolchain looks like on disk: the host-config YAML that
/// LoadHostConfig reads from CACHE/toolchains/NAME/toolchain.yml (it is also
/// a valid --host-config file). A prefix toolchain of language ocaml whose
/// identity is `ocamlopt -version`, with OCAMLLIB pinned to the prefix's
/// library so that an OCAMLLIB set in the caller's environment (opam, Debian)
/// cannot mix two compilers. `note` goes into a comment line.
std::string RegisteredOcamlToolchainYaml(const std::string& name, const std::string& prefix,
                                         const std::string& note);

}  // namespace cirun
