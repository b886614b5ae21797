#include "runner/pipeline/pipeline_planner.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "harness/fake_process_runner.h"
#include "tests/scratch_dir.h"

namespace cirun {
namespace {

using testing::ScratchDir;
using testing::Shell;

constexpr const char* kGit =
    "git -c user.name=t -c user.email=t@example.com -c commit.gpgsign=false ";

constexpr const char* kGoodConfig = R"(matrix:
  compiler: [gcc, clang]
  target: [unix]
  fail-fast: true
unikernels:
  hello:
    path: app
    build: make
    image: hello
)";

// A repository with one commit holding `config` as .ci-run.yml (if not empty).
void MakeRepo(const ScratchDir& dir, const std::string& config) {
  REQUIRE(Shell(dir.path(), "git init -q -b main repo") == 0);
  dir.Write("repo/app/Makefile", "hello:\n\ttrue\n");
  if (!config.empty()) dir.Write("repo/.ci-run.yml", config);
  REQUIRE(Shell(dir / "repo", std::string(kGit) + "add -A && " + kGit + "commit -qm 'The title'") ==
          0);
}

PipelineRequest Request(const ScratchDir& dir, const std::string& commit = "main") {
  return {"example/repo", dir / "repo",
          commit,         "refs/heads/main",
          "push",         "",
          "delivery-1",   R"({"nightly":{"fuzz_boots":9}})",
          false,          ""};
}

struct Context {
  HostConfig host = DefaultHostConfig();
  FakeProcessRunner runner;
  ToolchainProbe probe{runner};
  ServicePlanContext Get(const ScratchDir& dir) {
    return {dir / "cache", &host, &probe, &runner, /*check_host=*/false};
  }
};

TEST_CASE("PlanServicePipeline plans the full matrix of the pushed commit") {
  ScratchDir dir;
  MakeRepo(dir, kGoodConfig);
  Context ctx;
  PlannedPipeline p = PlanServicePipeline(Request(dir), ctx.Get(dir));
  REQUIRE(p.jobs.size() == 2);
  CHECK(p.jobs[0].name == "hello gcc/unix");
  CHECK(p.jobs[0].state == JobState::kQueued);
  CHECK(p.jobs[0].labels == std::vector<std::string>{"target:unix", "toolchain:gcc"});
  CHECK(p.info.commit.size() == 40);
  CHECK(p.info.title == "The title");
  CHECK(p.info.delivery_id == "delivery-1");
  CHECK(p.info.trigger == "push");
  CHECK(!p.info.untrusted);
  auto options = nlohmann::json::parse(p.info.options_json);
  CHECK(options["fail_fast"] == nlohmann::json::array({"hello"}));
  CHECK(options["nightly"]["fuzz_boots"] == 9);
}

TEST_CASE("PlanServicePipeline marks a pull request's pipeline untrusted") {
  ScratchDir dir;
  MakeRepo(dir, kGoodConfig);
  Context ctx;
  PipelineRequest request = Request(dir);
  request.trigger = "pull_request";
  request.untrusted = true;
  CHECK(PlanServicePipeline(request, ctx.Get(dir)).info.untrusted);
  // Also when it cannot be planned.
  request.commit = std::string(40, 'f');
  CHECK(PlanServicePipeline(request, ctx.Get(dir)).info.untrusted);
}

TEST_CASE("PlanServicePipeline holds the jobs of a pull request waiting for approval") {
  ScratchDir dir;
  MakeRepo(dir, kGoodConfig);
  Context ctx;
  PipelineRequest request = Request(dir);
  request.trigger = "pull_request";
  request.untrusted = true;
  request.waits_for_approval = "pull request by mallory (NONE), who is not trusted";
  PlannedPipeline p = PlanServicePipeline(request, ctx.Get(dir));
  REQUIRE(p.jobs.size() == 2);
  for (const JobInfo& job : p.jobs) {
    CHECK(job.state == JobState::kWaiting);
    CHECK(job.cause == "waiting for approval: pull request by mallory (NONE), who is not trusted");
  }
}

TEST_CASE("PlanServicePipeline turns a configuration error into a failed plan job") {
  ScratchDir dir;
  MakeRepo(dir, "unikernels:\n  hello:\n    path: app\n    biuld: make\n    image: x\n");
  Context ctx;
  PlannedPipeline p = PlanServicePipeline(Request(dir), ctx.Get(dir));
  REQUIRE(p.jobs.size() == 1);
  CHECK(p.jobs[0].name == "plan");
  CHECK(p.jobs[0].state == JobState::kFailed);
  // Every problem, one per line, each with its FILE:LINE:COL.
  CHECK(p.jobs[0].cause ==
        ".ci-run.yml:2:3: missing required key \"build\" in unikernel \"hello\"\n"
        ".ci-run.yml:2:3: unikernel \"hello\": no matrix: a \"target\" axis is required, e.g. "
        "matrix: {target: [unix]}\n"
        ".ci-run.yml:4:5: unknown key \"biuld\" in unikernel \"hello\" (did you mean \"build\"?)");
}

TEST_CASE("PlanServicePipeline: no config, unknown commit, unreachable repository") {
  ScratchDir dir;
  MakeRepo(dir, "");
  Context ctx;
  PlannedPipeline none = PlanServicePipeline(Request(dir), ctx.Get(dir));
  REQUIRE(none.jobs.size() == 1);
  CHECK(none.jobs[0].state == JobState::kFailed);
  CHECK(none.jobs[0].cause.starts_with("no .ci-run.yml in example/repo at "));
  PlannedPipeline unknown = PlanServicePipeline(Request(dir, std::string(40, 'f')), ctx.Get(dir));
  CHECK(unknown.jobs[0].state == JobState::kInfra);
  CHECK(unknown.jobs[0].cause.find("is not in") != std::string::npos);
  PipelineRequest gone = Request(dir);
  gone.url = dir / "no-such-repo";
  PlannedPipeline unreachable = PlanServicePipeline(gone, ctx.Get(dir));
  CHECK(unreachable.jobs[0].state == JobState::kInfra);
  CHECK(unreachable.jobs[0].cause.starts_with("fetch "));
}

TEST_CASE("MergeOptionsJson sets the extra keys over the base") {
  CHECK(MergeOptionsJson(R"({"a":1,"b":2})", R"({"b":3,"c":4})") == R"({"a":1,"b":3,"c":4})");
  CHECK(MergeOptionsJson("not json", R"({"c":4})") == R"({"c":4})");
  CHECK(MergeOptionsJson(R"({"a":1})", "") == R"({"a":1})");
}

}  // namespace
}  // namespace cirun
