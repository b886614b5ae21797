// The presets shipped in matrices/ load through --config, validate, and expand
// to the MirageOS 4 recipe on every target; the example host config of the
// mirage presets loads and turns the compilers into opam switches.
#include <doctest/doctest.h>

#include <filesystem>

#include "harness/boot_backend.h"
#include "jobs/job_plan.h"
#include "jobs/repo_config_parser.h"
#include "runner/host/host_config.h"
#include "runner/host/toolchain.h"
#include "runner/pipeline/pipeline_source.h"

namespace cirun {
namespace {

RepoConfig LoadPreset(const std::string& name) {
  auto loaded = LoadConfigOverride(name);
  REQUIRE_MESSAGE(loaded.ok(), loaded.status().ToString());
  auto config = ParseRepoConfig(loaded->first, loaded->second);
  REQUIRE_MESSAGE(config.ok(), config.status().ToString());
  return *config;
}

std::vector<JobPlan> Plan(const RepoConfig& config) {
  auto plans = PlanJobs(config, PlanOptions{});
  REQUIRE_MESSAGE(plans.ok(), plans.status().ToString());
  return *plans;
}

const JobPlan& Find(const std::vector<JobPlan>& plans, const std::string& name) {
  for (const JobPlan& p : plans)
    if (p.Name() == name) return p;
  FAIL("no job " << name);
  return plans.front();
}

}  // namespace

TEST_CASE("every preset in matrices/ loads, validates and plans") {
  int presets = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(CIRUN_SOURCE_DIR) + "/matrices")) {
    if (entry.path().extension() != ".yml") continue;
    ++presets;
    CAPTURE(entry.path());
    CHECK(!Plan(LoadPreset(entry.path().stem().string())).empty());
  }
  CHECK(presets >= 2);
}

TEST_CASE("mirage-skeleton: 3 unikernels x mirage, OCaml 4.14, 5.3 x unix, hvt, spt, virtio, xen") {
  std::vector<JobPlan> plans = Plan(LoadPreset("mirage-skeleton"));
  CHECK(plans.size() == 3 * 3 * 5);
  const JobPlan& hvt = Find(plans, "hello ocaml-4.14/hvt");
  CHECK(hvt.path == "tutorial/hello");
  CHECK(hvt.build_command ==
        "mirage configure -t hvt && { if command -v ci-run-duniverse >/dev/null; then "
        "ci-run-duniverse hvt; else make depends; fi; } && dune build && { test hvt != unix || "
        "cp -L dist/hello dist/hello.unix; }");
  // One build line for the three (a YAML alias), with each one's name.
  CHECK(Find(plans, "noop mirage/unix").build_command.find("cp -L dist/noop dist/noop.unix") !=
        std::string::npos);
  CHECK(hvt.image == "dist/hello.hvt");
  CHECK(hvt.build_timeout == std::chrono::minutes(30));
  CHECK(Find(plans, "noop ocaml-5.3/unix").image == "dist/noop.unix");
  CHECK(Find(plans, "hello-key ocaml-5.3/xen").image == "dist/hello-key.xen");
  const JobPlan& key = Find(plans, "hello-key ocaml-5.3/virtio");
  CHECK(key.image == "dist/hello-key.virtio");
  REQUIRE(key.boots.size() == 5);
  CHECK(key.boots[0].args == std::vector<std::string>{"--hello=Hi from ci-run"});
  CHECK(key.boots[2].name == "unknown-key");
  CHECK(key.boots[2].exit_codes == std::vector<int>{64});
  CHECK(key.boots[4].name == "help");
  CHECK(key.boots[4].exit_codes == std::vector<int>{63});
  REQUIRE(key.fuzz.has_value());
  CHECK(key.fuzz->keys.size() == 1);
  CHECK(key.fuzz->keys[0].name == "hello");
}

TEST_CASE("mirage4: one unikernel at the top, its image copied from dist/") {
  std::vector<JobPlan> plans = Plan(LoadPreset("mirage4"));
  CHECK(plans.size() == 3 * 5);
  const JobPlan& spt = Find(plans, "unikernel ocaml-4.14/spt");
  CHECK(spt.path == ".");
  CHECK(spt.build_command.rfind(
            "mirage configure -t spt && { if command -v ci-run-duniverse >/dev/null; then "
            "ci-run-duniverse spt; else make depends; fi; } && dune build && ",
            0) == 0);
  CHECK(spt.build_command.find("cp -L \"$image\" dist/ci-run.spt") != std::string::npos);
  CHECK(spt.image == "dist/ci-run.spt");
  CHECK(spt.boots.size() == 3);
}

TEST_CASE("the mirage host example: opam switches, Solo5 targets") {
  auto host = LoadHostConfig(std::string(CIRUN_SOURCE_DIR) + "/matrices/hosts/mirage-opam.yml", "");
  REQUIRE_MESSAGE(host.ok(), host.status().ToString());
  const ToolchainSpec* ocaml = host->FindToolchain("ocaml-5.3");
  REQUIRE(ocaml);
  CHECK(ocaml->kind == ToolchainSpec::Kind::kOpam);
  ProcessSpec build = ToolchainProcess(*ocaml, "mirage configure -t hvt", "tutorial/hello");
  CHECK(build.argv == std::vector<std::string>{"opam", "exec", "--switch=5.3.0", "--", "sh", "-c",
                                               "mirage configure -t hvt"});
  CHECK(host->FindTarget("virtio")->backend == BackendKind::kSolo5Virtio);
  CHECK(host->FindTarget("virtio")->solo5.memory_mb == "128");
  CHECK(host->FindTarget("hvt")->solo5.memory_mb == "128");
}

}  // namespace cirun
