#include "runner/host/mirage_toolchain.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>

#include "runner/host/ocaml_source_build.h"
#include "runner/host/toolchain_build.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;

// Replaces `from` by `to` in the file `path` (nothing if `from` is absent).
Status EditFile(const fs::path& path, const std::string& from, const std::string& to) {
  if (!fs::exists(path)) return Status::InvalidArgument("no " + path.string() + " to patch");
  std::string text = ReadTextFile(path);
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return WriteFileAtomically(path, text);
}

}  // namespace

const std::vector<MiragePackage>& MiragePackages() {
  // {name, unix set, solo5 set}. The mirage tool is mirage + emile + pecu;
  // solo5 and ocaml-solo5 are built on their own.
  static const std::vector<MiragePackage> kPackages = {
      {"mirage", false, true},
      {"emile", false, false},
      {"pecu", false, false},
      {"solo5", false, false},
      {"ocaml-solo5", false, false},
      {"mirage-unix", true, false},
      {"mirage-solo5", false, true},
      {"mirage-bootvar-unix", true, false},
      {"mirage-bootvar-solo5", false, true},
      {"mirage-clock", true, true},
      {"mirage-time", true, true},
      {"mirage-logs", true, true},
      {"parse-argv", true, true},
      {"fmt", false, true},
      {"logs", false, true},
      {"ptime", false, true},
      {"astring", false, true},
      {"cmdliner", false, true},
      {"duration", false, true},
      {"ipaddr", false, true},
      {"domain-name", false, true},
      {"bheap", false, true},
      {"metrics", false, true},
      {"lwt", false, true},
  };
  return kPackages;
}

bool IsTarballOf(const std::string& package, const std::string& file_name) {
  const std::string suffix = ".tar.gz";
  if (file_name.size() <= package.size() + 1 + suffix.size()) return false;
  if (file_name.compare(0, package.size(), package) != 0 || file_name[package.size()] != '-')
    return false;
  if (file_name.compare(file_name.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
  size_t v = package.size() + 1;
  if (file_name[v] == 'v') ++v;
  return v < file_name.size() && std::isdigit(static_cast<unsigned char>(file_name[v]));
}

std::string TarballVersion(const std::string& package, const std::string& file_name) {
  if (!IsTarballOf(package, file_name)) return "";
  size_t v = package.size() + 1;
  if (file_name[v] == 'v') ++v;
  return file_name.substr(v, file_name.size() - v - std::string(".tar.gz").size());
}

Result<std::vector<MirageSource>> FindMirageSources(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status::InvalidArgument("no such directory: " + dir +
                                   " (give the folder of MirageOS source tarballs, e.g. "
                                   "shared/third_party/mirageos)");
  }
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_regular_file()) files.push_back(entry.path().filename().string());
  std::vector<MirageSource> found;
  std::string problems;
  for (const MiragePackage& p : MiragePackages()) {
    std::vector<std::string> matches;
    for (const std::string& f : files)
      if (IsTarballOf(p.name, f)) matches.push_back(f);
    if (matches.size() == 1) {
      found.push_back({p, (fs::absolute(dir) / matches[0]).lexically_normal().string(),
                       TarballVersion(p.name, matches[0])});
    } else if (matches.empty()) {
      problems += (problems.empty() ? "" : ", ") + p.name;
    } else {
      problems += (problems.empty() ? "" : ", ") + p.name + " (" + std::to_string(matches.size()) +
                  " tarballs: keep one)";
    }
  }
  if (!problems.empty()) {
    return Status::InvalidArgument(dir + " lacks the source tarballs of: " + problems +
                                   " (expected NAME-VERSION.tar.gz for each; see "
                                   "shared/third_party/mirageos/SOURCES.md)");
  }
  return found;
}

Status PatchMirageSources(const std::string& src_dir, const std::string& mirage_version) {
  const fs::path src(src_dir);
  // What `dune subst` writes in a git checkout, for `mirage --version`.
  CIRUN_RETURN_IF_ERROR(
      EditFile(src / "mirage" / "lib" / "mirage" / "mirage.ml", "%%VERSION%%", mirage_version));
  // mirage-logs asks for dune 3.0; nothing in it needs more than 2.9.
  CIRUN_RETURN_IF_ERROR(
      EditFile(src / "mirage-logs" / "dune-project", "(lang dune 3.0)", "(lang dune 2.9)"));
  // logs: `result` is in OCaml's stdlib since 4.08 and not packaged for dune here.
  CIRUN_RETURN_IF_ERROR(EditFile(src / "logs" / "src" / "dune", " (libraries result)", ""));
  // fmt is built with topkg upstream: describe its three libraries to dune.
  CIRUN_RETURN_IF_ERROR(
      WriteFileAtomically(src / "fmt" / "dune-project", "(lang dune 2.0)\n(name fmt)\n"));
  CIRUN_RETURN_IF_ERROR(WriteFileAtomically(
      src / "fmt" / "fmt.opam", "opam-version: \"2.0\"\nname: \"fmt\"\nversion: \"0.9.0\"\n"));
  CIRUN_RETURN_IF_ERROR(WriteFileAtomically(
      src / "fmt" / "src" / "dune",
      "(library (name fmt) (public_name fmt) (modules fmt) (wrapped false))\n"
      "(library (name fmt_tty) (public_name fmt.tty) (modules fmt_tty) (libraries fmt unix) "
      "(wrapped false))\n"
      "(library (name fmt_cli) (public_name fmt.cli) (modules fmt_cli) (libraries fmt cmdliner) "
      "(wrapped false))\n"));
  // Solo5 reads its version from git, which a tarball lacks.
  return WriteFileAtomically(src / "solo5" / "include" / "version.h.distrib",
                             "/* generated by ci-run toolchain add */\n#ifndef __VERSION_H__\n"
                             "#define __VERSION_H__\n#define SOLO5_VERSION \"v0.8.1\"\n#endif\n");
}

const std::vector<std::string>& MirageSolo5Targets() {
  static const std::vector<std::string> kTargets = {"hvt", "spt", "virtio"};
  return kTargets;
}

std::vector<std::string> MirageBuildTargets() {
  std::vector<std::string> targets = {"unix"};
  targets.insert(targets.end(), MirageSolo5Targets().begin(), MirageSolo5Targets().end());
  return targets;
}

std::string DuniverseScript(const std::string& prefix) {
  std::string solo5_case;
  for (const std::string& t : MirageSolo5Targets())
    solo5_case += (solo5_case.empty() ? "" : "|") + t;
  return "#!/bin/sh\n"
         "# ci-run-duniverse TARGET: written by `ci-run toolchain add` (MirageOS).\n"
         "# Run in a unikernel's folder after `mirage configure -t TARGET`: stands in\n"
         "# for `make depends` (opam-monorepo) on a host without opam, by replacing\n"
         "# ./duniverse with the library set this toolchain vendors for TARGET.\n"
         "set -eu\n"
         "libs=" +
         prefix +
         "/duniverse\n"
         "case \"${1:-}\" in\n"
         "  unix) set=unix ;;\n"
         "  " +
         solo5_case +
         ") set=solo5 ;;\n"
         "  *) echo \"ci-run-duniverse: this toolchain builds for unix, " +
         solo5_case +
         " only, not '${1:-}'\" >&2; exit 2 ;;\n"
         "esac\n"
         "[ -f dune-project ] || { echo \"ci-run-duniverse: no dune-project here: run "
         "'mirage configure -t $1' first\" >&2; exit 2; }\n"
         "rm -rf duniverse\n"
         "cp -R \"$libs/$set\" duniverse\n"
         "echo \"ci-run-duniverse: vendored the $set library set ($(ls duniverse | grep -vc "
         "'^dune$') "
         "packages) into duniverse/\"\n";
}

std::string RegisteredMirageToolchainYaml(const std::string& name, const std::string& prefix,
                                          const std::string& note) {
  std::string targets;
  for (const std::string& t : MirageBuildTargets()) targets += (targets.empty() ? "" : ", ") + t;
  std::string yaml = RegistrationHead(" (MirageOS)", name, prefix, note);
  yaml += "    version: [mirage, --version]\n";
  yaml += "    targets: [" + targets + "]\n";
  yaml += "    env:\n";
  yaml += "      OCAMLPATH: " + YamlQuoted(prefix + "/lib") + "\n";
  yaml += "      OCAMLFIND_CONF: " + YamlQuoted(prefix + "/findlib/findlib.conf") + "\n";
  yaml += "      DUNE_CACHE: enabled\n";
  yaml += "      DUNE_CACHE_TRANSPORT: direct\n";
  yaml += "# What MirageOS means by its Solo5 targets on this host.\n";
  yaml += "targets:\n";
  yaml += "  unix: {backend: process, argv: mirage}  # mirage-bootvar-unix splits argv again\n";
  yaml += "  hvt: {backend: solo5-hvt, tender: " + YamlQuoted(prefix + "/bin/solo5-hvt") +
          ", memory: \"128\"}\n";
  yaml += "  spt: {backend: solo5-spt, tender: " + YamlQuoted(prefix + "/bin/solo5-spt") +
          ", memory: \"128\"}\n";
  yaml += "  virtio: {backend: solo5-virtio, memory: \"128\"}\n";
  return yaml;
}

}  // namespace cirun
