#include "jobs/job_plan.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

UnikernelSpec Hello() {
  UnikernelSpec uk;
  uk.name = "hello";
  uk.path = "unikernels";
  uk.build = "./build.sh ${unikernel} ${target} ${compiler}";
  uk.image = "_build/${compiler}-${target}/hello.${target}";
  uk.boot.args = {"--target=${target}"};
  uk.boot.expect = {"^Hello from ${target}$"};
  uk.boot.fail = {"PANIC on ${target}"};
  BootCase test;
  test.name = "bad-port";
  test.args = {"--port=x"};
  uk.tests = {test};
  return uk;
}

RepoConfig Config() {
  RepoConfig config;
  config.matrix.axes = {{"compiler", {"gcc", "g++"}}, {"target", {"unix", "xen"}}};
  config.unikernels = {Hello()};
  UnikernelSpec server = Hello();
  server.name = "server";
  server.matrix = Matrix{};
  server.matrix->axes = {{"target", {"hvt"}}};
  server.build = "make";
  server.image = "server.hvt";
  config.unikernels.push_back(server);
  return config;
}

std::vector<std::string> Names(const std::vector<JobPlan>& plans) {
  std::vector<std::string> names;
  for (const JobPlan& p : plans) names.push_back(p.Name());
  return names;
}

TEST_CASE("PlanJobs: one job per unikernel and cell, file order then expansion order") {
  Result<std::vector<JobPlan>> plans = PlanJobs(Config(), {});
  REQUIRE(plans.ok());
  CHECK(Names(*plans) == std::vector<std::string>{"hello gcc/unix", "hello gcc/xen",
                                                  "hello g++/unix", "hello g++/xen", "server hvt"});
}

TEST_CASE("PlanJobs: compiler and target come from the cell, compiler may be absent") {
  Result<std::vector<JobPlan>> plans = PlanJobs(Config(), {});
  REQUIRE(plans.ok());
  CHECK((*plans)[1].compiler == "gcc");
  CHECK((*plans)[1].target == "xen");
  CHECK((*plans)[4].compiler == "");
  CHECK((*plans)[4].target == "hvt");
}

TEST_CASE("PlanJobs: expands variables in build, image and boot args") {
  Result<std::vector<JobPlan>> plans = PlanJobs(Config(), {});
  REQUIRE(plans.ok());
  const JobPlan& p = (*plans)[1];
  CHECK(p.path == "unikernels");
  CHECK(p.build_command == "./build.sh hello xen gcc");
  CHECK(p.image == "_build/gcc-xen/hello.xen");
  CHECK(p.boots[0].args == std::vector<std::string>{"--target=xen"});
}

TEST_CASE("PlanJobs: values substituted into expect and fail patterns are regex-escaped") {
  RepoConfig config = Config();
  config.unikernels[0].boot.expect = {"^cc=${compiler}$"};
  Result<std::vector<JobPlan>> plans = PlanJobs(config, {});
  REQUIRE(plans.ok());
  CHECK((*plans)[2].boots[0].expect == std::vector<std::string>{"^cc=g\\+\\+$"});
  CHECK((*plans)[0].boots[0].fail == std::vector<std::string>{"PANIC on unix"});
}

TEST_CASE("PlanJobs: boots[0] is the main boot, then the tests") {
  Result<std::vector<JobPlan>> plans = PlanJobs(Config(), {});
  REQUIRE(plans.ok());
  REQUIRE((*plans)[0].boots.size() == 2);
  CHECK((*plans)[0].boots[0].name == "boot");
  CHECK((*plans)[0].boots[1].name == "bad-port");
  CHECK((*plans)[0].boots[1].args == std::vector<std::string>{"--port=x"});
}

TEST_CASE("PlanJobs: bench args are expanded, fuzz is copied") {
  RepoConfig config = Config();
  config.unikernels[0].bench = BenchSpec{};
  config.unikernels[0].bench->args = {"--on=${target}"};
  config.unikernels[0].fuzz = FuzzSpec{{{"port", "int[1,65535]"}}, 7, {}, {}};
  Result<std::vector<JobPlan>> plans = PlanJobs(config, {});
  REQUIRE(plans.ok());
  CHECK((*plans)[1].bench->args == std::vector<std::string>{"--on=xen"});
  CHECK((*plans)[1].fuzz->boots == 7);
}

TEST_CASE("PlanJobs: --only filters cells and --unikernel selects unikernels") {
  PlanOptions options;
  options.only = {*ParseCellFilter("target=xen"), *ParseCellFilter("target=hvt")};
  options.unikernels = {"hello"};
  Result<std::vector<JobPlan>> plans = PlanJobs(Config(), options);
  REQUIRE(plans.ok());
  CHECK(Names(*plans) == std::vector<std::string>{"hello gcc/xen", "hello g++/xen"});
}

TEST_CASE("PlanJobs: an unknown --unikernel is an error naming the known ones") {
  PlanOptions options;
  options.unikernels = {"helo"};
  Result<std::vector<JobPlan>> plans = PlanJobs(Config(), options);
  REQUIRE_FALSE(plans.ok());
  CHECK(plans.status().message() == "unknown unikernel \"helo\" (known: hello, server)");
}

TEST_CASE("PlanJobs: a selection matching no job is an error") {
  PlanOptions options;
  options.unikernels = {"server"};
  options.only = {*ParseCellFilter("target=xen")};
  Result<std::vector<JobPlan>> plans = PlanJobs(Config(), options);
  REQUIRE_FALSE(plans.ok());
  CHECK(plans.status().message() == "no job matches --unikernel server --only target=xen");
}

TEST_CASE("PlanJobs: a cell without a target value is an error") {
  RepoConfig config = Config();
  config.matrix.axes = {{"compiler", {"gcc"}}};
  Result<std::vector<JobPlan>> plans = PlanJobs(config, {});
  REQUIRE_FALSE(plans.ok());
  CHECK(plans.status().message() ==
        "unikernel \"hello\", cell \"compiler=gcc\": no \"target\" value");
}

TEST_CASE("PlanJobs: a variable that cannot be expanded names the unikernel, cell and string") {
  RepoConfig config = Config();
  config.unikernels[0].image = "${board}.img";
  Result<std::vector<JobPlan>> plans = PlanJobs(config, {});
  REQUIRE_FALSE(plans.ok());
  CHECK(plans.status().message() ==
        "unikernel \"hello\", cell \"compiler=gcc,target=unix\", image \"${board}.img\": "
        "unknown variable \"${board}\"");
}

TEST_CASE("JobVariables: every cell key plus the built-in unikernel") {
  Variables vars = JobVariables("hello", MatrixCell{{{"target", "xen"}, {"extra", "1"}}});
  CHECK(vars == Variables{{"extra", "1"}, {"target", "xen"}, {"unikernel", "hello"}});
}

TEST_CASE("MainBootSkipReason: only a main boot expecting another outcome skips") {
  RepoConfig config = Config();
  config.unikernels[0].tests[0].outcome = "crashed";  // a negative test does not matter
  auto plans = PlanJobs(config, {});
  REQUIRE(plans.ok());
  CHECK(MainBootSkipReason(plans->front(), "fuzzing") == "");
  config.unikernels[0].boot.outcome = "crashed";
  plans = PlanJobs(config, {});
  REQUIRE(plans.ok());
  CHECK(plans->front().boots[0].outcome == "crashed");
  CHECK(MainBootSkipReason(plans->front(), "fuzzing") ==
        "the main boot expects outcome crashed, so its arguments give fuzzing no running "
        "unikernel");
  CHECK(MainBootSkipReason(JobPlan{}, "fuzzing") == "");
}

}  // namespace
}  // namespace cirun
