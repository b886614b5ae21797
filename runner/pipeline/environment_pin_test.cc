#include "runner/pipeline/environment_pin.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "harness/process_runner.h"
#include "tests/scratch_dir.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;
using testing::ScratchDir;

JobManifest Recorded() {
  JobManifest m;
  m.ci_run = "0.1.0";
  m.toolchain = "gcc";
  m.compilers = {{"gcc", "gcc 12.2.0"}, {"ld", "GNU ld 2.40"}};
  return m;
}

TEST_CASE("MatchToolchain prefers the recorded name, else any toolchain with the same compilers") {
  const JobManifest m = Recorded();
  CHECK(MatchToolchain(m, {{"gcc-12", m.compilers}, {"gcc", m.compilers}}) == "gcc");
  CHECK(MatchToolchain(m, {{"gcc", {{"gcc", "gcc 13.1.0"}, {"ld", "GNU ld 2.40"}}},
                           {"gcc-12", m.compilers}}) == "gcc-12");
  CHECK(!MatchToolchain(m, {{"gcc", {{"gcc", "gcc 13.1.0"}, {"ld", "GNU ld 2.40"}}}}));
  CHECK(!MatchToolchain(JobManifest{}, {{"gcc", {}}}));
}

TEST_CASE("MapDifferences names each differing key with both sides, (none) when missing") {
  auto lines = MapDifferences("library", {{"lwt", "5.6.1"}, {"fmt", "0.9.0"}, {"logs", "0.7.0"}},
                              {{"lwt", "5.7.0"}, {"fmt", "0.9.0"}, {"cstruct", "6.2.0"}});
  CHECK(lines == std::vector<std::string>{"library cstruct: recorded (none), this host has 6.2.0",
                                          "library logs: recorded 0.7.0, this host has (none)",
                                          "library lwt: recorded 5.6.1, this host has 5.7.0"});
  CHECK(MapDifferences("tool", {{"qemu", "8.2"}}, {{"qemu", "8.2"}}).empty());
}

// A prefix toolchain NAME whose compiler `cc1` reports VERSION.
ToolchainSpec PrefixToolchain(const ScratchDir& dir, const std::string& name,
                              const std::string& version) {
  dir.Write(name + "/bin/cc1", "#!/bin/sh\necho '" + version + "'\n");
  fs::permissions(dir / (name + "/bin/cc1"), fs::perms::owner_exec, fs::perm_options::add);
  ToolchainSpec t;
  t.name = name;
  t.kind = ToolchainSpec::Kind::kPrefix;
  t.prefix = dir / name;
  t.version_command = {"cc1", "--version"};
  t.env = {{"CC", "cc1"}};
  return t;
}

TEST_CASE("PinEnvironment runs the recorded toolchain name with the host toolchain that matches") {
  ScratchDir dir;
  HostConfig host;
  host.toolchains = {PrefixToolchain(dir, "cc", "cc1 2.0"),
                     PrefixToolchain(dir, "cc-old", "cc1 1.0")};
  EnvironmentProbe probe(RealProcessRunner());
  JobManifest recorded;
  recorded.ci_run = "0.1.0";
  recorded.toolchain = "cc";
  recorded.compilers = probe.Compilers(host.toolchains[1]);
  REQUIRE(recorded.compilers.at("cc1") == "cc1 1.0");

  SUBCASE("a match under another name is put in place under the recorded name") {
    auto report = PinEnvironment(recorded, "0.1.0", probe, &host);
    CHECK(report.differences.empty());
    REQUIRE(report.chosen.size() == 1);
    CHECK(report.chosen[0].find("this host's cc-old") != std::string::npos);
    CHECK(host.FindToolchain("cc")->prefix == dir / "cc-old");
  }
  SUBCASE("without a match, each differing compiler and ci-run's version are named") {
    host.toolchains.pop_back();
    auto report = PinEnvironment(recorded, "0.2.0", probe, &host);
    CHECK(report.chosen.empty());
    CHECK(report.differences ==
          std::vector<std::string>{"ci-run: recorded 0.1.0, this is 0.2.0",
                                   "compiler cc1: recorded cc1 1.0, this host has cc1 2.0"});
    CHECK(host.FindToolchain("cc")->prefix == dir / "cc");
  }
}

}  // namespace
}  // namespace cirun
