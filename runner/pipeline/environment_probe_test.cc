#include "runner/pipeline/environment_probe.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "harness/fake_process_runner.h"
#include "tests/scratch_dir.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;
using testing::ScratchDir;

std::string Executable(const ScratchDir& dir, const std::string& name) {
  dir.Write("bin/" + name, "#!/bin/sh\n");
  const std::string path = dir / ("bin/" + name);
  fs::permissions(path, fs::perms::owner_exec, fs::perm_options::add);
  return path;
}

TEST_CASE("ParseOcamlfindList keeps top-level packages and their versions, not warnings") {
  auto libs = ParseOcamlfindList(
      "findlib: [WARNING] cannot read directory /usr/lib/ocaml/METAS\n"
      "lwt                 (version: 5.6.1)\n"
      "lwt.unix            (version: 5.6.1)\n"
      "mirage-clock-solo5  (version: n/a)\n");
  CHECK(libs ==
        std::map<std::string, std::string>{{"lwt", "5.6.1"}, {"mirage-clock-solo5", "n/a"}});
}

TEST_CASE("FindProgram looks along PATH and takes an absolute path as it is") {
  ScratchDir dir;
  const std::string qemu = Executable(dir, "qemu-fake");
  CHECK(FindProgram("qemu-fake", "/nonexistent:" + dir / "bin") == qemu);
  CHECK(FindProgram("qemu-fake", "/nonexistent").empty());
  CHECK(FindProgram(qemu, "") == qemu);
}

TEST_CASE("A tool's version is read once per file and read again when the file changes") {
  ScratchDir dir;
  const std::string tool = Executable(dir, "tender");
  FakeProcessRunner runner;
  FakeProcessRunner::Script first;
  first.chunks = {"\ntender, version v0.8.1\nABI version 2\n"};
  runner.Push(first);
  EnvironmentProbe probe(runner);
  ToolRecord t = probe.Tool("tender", dir / "bin");
  CHECK(t.path == tool);
  CHECK(t.version == "tender, version v0.8.1");
  CHECK(probe.Tool("tender", dir / "bin").version == "tender, version v0.8.1");
  CHECK(runner.runs().size() == 1);
  // Replaced by another build of the tender: another size.
  dir.Write("bin/tender", "#!/bin/sh\n# v0.9\n");
  FakeProcessRunner::Script second;
  second.chunks = {"tender, version v0.9.0\n"};
  runner.Push(second);
  CHECK(probe.Tool("tender", dir / "bin").version == "tender, version v0.9.0");
  CHECK(runner.runs().size() == 2);
  CHECK(runner.runs()[1].argv == std::vector<std::string>{tool, "--version"});
}

TEST_CASE("A missing tool is recorded as not found, without running anything") {
  FakeProcessRunner runner;
  EnvironmentProbe probe(runner);
  ToolRecord t = probe.Tool("no-such-qemu", "/nonexistent");
  CHECK(t.path.empty());
  CHECK(t.version == "not found");
  CHECK(runner.runs().empty());
}

TEST_CASE("A C toolchain's compilers are its CC and ld, probed on its prefix first") {
  ScratchDir dir;
  Executable(dir, "gcc");
  FakeProcessRunner runner;
  FakeProcessRunner::Script gcc;
  gcc.chunks = {"gcc (wrapper) 99.1.0\nCopyright\n"};
  runner.Push(gcc);
  ToolchainSpec t;
  t.name = "gcc";
  t.kind = ToolchainSpec::Kind::kPrefix;
  t.prefix = dir.path();
  t.env = {{"CC", "gcc -m32"}};
  EnvironmentProbe probe(runner);
  auto compilers = probe.Compilers(t);
  CHECK(compilers.at("gcc") == "gcc (wrapper) 99.1.0");
  REQUIRE(!runner.runs().empty());
  CHECK(runner.runs()[0].argv[0] == dir / "bin/gcc");
  CHECK(probe.Libraries(t).empty());  // C: no ocamlfind
}

TEST_CASE("TargetPrograms names the program each backend boots with") {
  TargetSpec process;
  CHECK(TargetPrograms(process).empty());
  TargetSpec qemu;
  qemu.backend = BackendKind::kQemu;
  CHECK(TargetPrograms(qemu) == std::vector<std::string>{"qemu-system-x86_64"});
  TargetSpec hvt;
  hvt.backend = BackendKind::kSolo5Hvt;
  CHECK(TargetPrograms(hvt) == std::vector<std::string>{"solo5-hvt"});
  hvt.solo5.tender = "/p/bin/solo5-hvt";
  CHECK(TargetPrograms(hvt) == std::vector<std::string>{"/p/bin/solo5-hvt"});
}

TEST_CASE("DuniverseTrees gives one tree id per package folder, nothing without a duniverse") {
  ScratchDir dir;
  dir.Write("duniverse/lwt/dune-project", "(lang dune 2.9)\n");
  dir.Write("duniverse/fmt/dune-project", "(lang dune 3.0)\n");
  auto trees = DuniverseTrees(dir / "duniverse");
  REQUIRE(trees.ok());
  CHECK(trees->size() == 2);
  CHECK(trees->at("lwt").size() == 40);
  CHECK(trees->at("lwt") != trees->at("fmt"));
  CHECK(DuniverseTrees(dir / "none")->empty());
}

}  // namespace
}  // namespace cirun
