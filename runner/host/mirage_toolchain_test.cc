// The MirageOS toolchain's plans and texts. The real build (about 15
// minutes) is tests/e2e/mirage_skeleton.sh.
#include "runner/host/mirage_toolchain.h"

#include <doctest/doctest.h>

#include "runner/host/host_config.h"
#include "runner/host/toolchain.h"
#include "tests/scratch_dir.h"

namespace cirun {
namespace {

using testing::ReadAll;
using testing::ScratchDir;
using testing::Shell;

// Writes an (empty) tarball for every package into `dir`.
void WriteAllTarballs(const ScratchDir& dir) {
  for (const MiragePackage& p : MiragePackages()) dir.Write("srcs/" + p.name + "-v1.0.tar.gz", "");
}

}  // namespace

TEST_CASE("mirage sources: a tarball belongs to the package whose name is followed by a version") {
  CHECK(IsTarballOf("mirage", "mirage-v4.4.2.tar.gz"));
  CHECK(IsTarballOf("mirage-unix", "mirage-unix-v5.0.1.tar.gz"));
  CHECK(IsTarballOf("bheap", "bheap-2.0.0.tar.gz"));
  CHECK(IsTarballOf("logs", "logs-v0.7.0+dune.tar.gz"));
  CHECK_FALSE(IsTarballOf("mirage", "mirage-unix-v5.0.1.tar.gz"));
  CHECK_FALSE(IsTarballOf("mirage", "mirage-skeleton-493360d.tar.gz"));
  CHECK_FALSE(IsTarballOf("solo5", "solo5-v0.8.1.zip"));
  CHECK_FALSE(IsTarballOf("ocaml-solo5", "solo5-v0.8.1.tar.gz"));
  CHECK_FALSE(IsTarballOf("lwt", "lwt-.tar.gz"));
  CHECK(TarballVersion("mirage", "mirage-v4.4.2.tar.gz") == "4.4.2");
  CHECK(TarballVersion("logs", "logs-v0.7.0+dune.tar.gz") == "0.7.0+dune");
  CHECK(TarballVersion("bheap", "bheap-2.0.0.tar.gz") == "2.0.0");
  CHECK(TarballVersion("mirage", "mirage-unix-v5.0.1.tar.gz").empty());
}

TEST_CASE("mirage sources: every package found once, missing and doubled ones are all named") {
  ScratchDir dir;
  WriteAllTarballs(dir);
  dir.Write("srcs/mirage-skeleton-493360d.tar.gz", "");  // not a toolchain package: ignored
  auto found = FindMirageSources(dir / "srcs");
  REQUIRE_MESSAGE(found.ok(), found.status().ToString());
  REQUIRE(found->size() == MiragePackages().size());
  CHECK(found->front().package.name == "mirage");
  CHECK(found->front().tarball == dir / "srcs/mirage-v1.0.tar.gz");
  CHECK(found->front().version == "1.0");

  REQUIRE(Shell(dir.path(), "rm srcs/lwt-v1.0.tar.gz srcs/solo5-v1.0.tar.gz") == 0);
  dir.Write("srcs/fmt-v2.0.tar.gz", "");
  auto missing = FindMirageSources(dir / "srcs");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == Status::Code::kInvalidArgument);
  const std::string m = missing.status().message();
  CHECK(m.find("solo5, ") != std::string::npos);
  CHECK(m.find("lwt") != std::string::npos);
  CHECK(m.find("fmt (2 tarballs: keep one)") != std::string::npos);
  CHECK(m.find("ocaml-solo5") == std::string::npos);

  CHECK(FindMirageSources(dir / "nowhere").status().message().find("no such directory") == 0);
}

TEST_CASE("mirage sources: the patches for Debian's dune, idempotent") {
  ScratchDir dir;
  dir.Write("src/mirage-logs/dune-project", "(lang dune 3.0)\n(name mirage-logs)\n");
  dir.Write("src/logs/src/dune", "(library (name logs) (libraries result))\n");
  dir.Write("src/fmt/src/fmt.ml", "");
  dir.Write("src/solo5/include/.keep", "");
  dir.Write("src/mirage/lib/mirage/mirage.ml", "let version = \"%%VERSION%%\"\n");
  REQUIRE(PatchMirageSources(dir / "src", "4.4.2").ok());
  REQUIRE(PatchMirageSources(dir / "src", "4.4.2").ok());
  CHECK(ReadAll(dir / "src/mirage/lib/mirage/mirage.ml") == "let version = \"4.4.2\"\n");
  CHECK(ReadAll(dir / "src/mirage-logs/dune-project") == "(lang dune 2.9)\n(name mirage-logs)\n");
  CHECK(ReadAll(dir / "src/logs/src/dune") == "(library (name logs))\n");
  CHECK(ReadAll(dir / "src/fmt/src/dune").find("(public_name fmt.cli)") != std::string::npos);
  CHECK(ReadAll(dir / "src/solo5/include/version.h.distrib").find("\"v0.8.1\"") !=
        std::string::npos);

  ScratchDir empty;
  Status s = PatchMirageSources(empty.path(), "4.4.2");
  CHECK(s.code() == Status::Code::kInvalidArgument);
  CHECK(s.message().find("mirage/lib/mirage/mirage.ml") != std::string::npos);
}

TEST_CASE("mirage toolchain: the registration is a host config with the Solo5 targets") {
  HostConfig host = DefaultHostConfig();
  const std::string yaml = RegisteredMirageToolchainYaml("mirage", "/c/t/mirage/prefix", "note");
  Status s = ApplyHostConfig(yaml, "toolchain.yml", false, &host);
  REQUIRE_MESSAGE(s.ok(), (s.ToString() + "\n" + yaml));
  const ToolchainSpec* t = host.FindToolchain("mirage");
  REQUIRE(t != nullptr);
  CHECK(t->kind == ToolchainSpec::Kind::kPrefix);
  CHECK(t->prefix == "/c/t/mirage/prefix");
  CHECK(t->version_command == std::vector<std::string>{"mirage", "--version"});
  CHECK(t->env.at("OCAMLPATH") == "/c/t/mirage/prefix/lib");
  CHECK(t->env.at("OCAMLFIND_CONF") == "/c/t/mirage/prefix/findlib/findlib.conf");
  CHECK(t->targets == std::vector<std::string>{"unix", "hvt", "spt", "virtio"});
  CHECK(ToolchainTargetProblem(*t, "spt").empty());
  CHECK(ToolchainTargetProblem(*t, "xen") ==
        "toolchain mirage builds for unix, hvt, spt, virtio only, not xen");

  CHECK(host.FindTarget("unix")->process_argv == ProcessArgv::kMirage);
  const TargetSpec* spt = host.FindTarget("spt");
  REQUIRE(spt != nullptr);
  CHECK(spt->backend == BackendKind::kSolo5Spt);
  CHECK(spt->solo5.tender == "/c/t/mirage/prefix/bin/solo5-spt");
  const TargetSpec* hvt = host.FindTarget("hvt");
  REQUIRE(hvt != nullptr);
  CHECK(hvt->solo5.tender == "/c/t/mirage/prefix/bin/solo5-hvt");
  const TargetSpec* virtio = host.FindTarget("virtio");
  REQUIRE(virtio != nullptr);
  CHECK(virtio->backend == BackendKind::kSolo5Virtio);
  // Other targets keep their built-in meaning.
  CHECK(host.FindTarget("virtio-arm64")->backend == BackendKind::kQemu);
}

TEST_CASE("mirage toolchain: a toolchain without a target list builds for any target") {
  ToolchainSpec gcc;
  gcc.name = "gcc";
  CHECK(ToolchainTargetProblem(gcc, "xen").empty());
}

TEST_CASE("ci-run-duniverse: copies the target's library set into ./duniverse") {
  ScratchDir dir;
  dir.Write("prefix/duniverse/unix/mirage-unix/dune-project", "unix");
  dir.Write("prefix/duniverse/unix/dune", "(vendored_dirs *)\n");
  dir.Write("prefix/duniverse/solo5/lwt/dune-project", "solo5");
  dir.Write("prefix/duniverse/solo5/fmt/dune-project", "solo5");
  dir.Write("prefix/duniverse/solo5/dune", "(vendored_dirs *)\n");
  dir.Write("prefix/bin/ci-run-duniverse", DuniverseScript(dir / "prefix"));
  dir.Write("uk/dune-project", "(lang dune 2.9)\n");
  dir.Write("uk/duniverse/stale/x", "old");
  const std::string script = "sh " + dir / "prefix/bin/ci-run-duniverse";

  REQUIRE(Shell(dir / "uk", script + " spt") == 0);
  CHECK(ReadAll(dir / "uk/duniverse/lwt/dune-project") == "solo5");
  CHECK(ReadAll(dir / "uk/duniverse/dune") == "(vendored_dirs *)\n");
  CHECK(ReadAll(dir / "uk/duniverse/stale/x").empty());  // replaced, not merged

  REQUIRE(Shell(dir / "uk", script + " unix") == 0);
  CHECK(ReadAll(dir / "uk/duniverse/mirage-unix/dune-project") == "unix");
  CHECK(ReadAll(dir / "uk/duniverse/lwt/dune-project").empty());

  CHECK(Shell(dir / "uk", script + " xen") == 2);
  CHECK(Shell(dir.path(), script + " unix") == 2);  // not a configured unikernel
}

}  // namespace cirun
