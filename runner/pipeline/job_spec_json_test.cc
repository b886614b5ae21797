#include "runner/pipeline/job_spec_json.h"

#include <doctest/doctest.h>

namespace cirun {

TEST_CASE("JobPlan survives a round trip through its JSON spec") {
  JobPlan plan;
  plan.unikernel = "hello";
  plan.cell.values = {{"compiler", "gcc"}, {"target", "virtio"}};
  plan.compiler = "gcc";
  plan.target = "virtio";
  plan.path = "unikernels";
  plan.build_command = "./build.sh hello virtio gcc out";
  plan.image = "out/hello.virtio";
  plan.build_timeout = std::chrono::seconds(90);
  BootCase boot;
  boot.args = {"--greeting=hi", "two words"};
  boot.expect = {"^SUCCESS"};
  boot.fail = {"PANIC"};
  boot.timeout = std::chrono::milliseconds(1500);
  boot.exit_codes = {};
  BootCase negative;
  negative.name = "bad-config";
  negative.outcome = "crashed";
  plan.boots = {boot, negative};
  plan.fuzz = FuzzSpec{{{"port", "int[1,65535]"}}, 50, std::chrono::seconds(3), {}};
  plan.bench = BenchSpec{5, {"--size=9"}, {{"boot_ms", true}, {"ops", false}}, 0.1, {}};
  plan.bench->clock = BenchClock::kInstructions;
  plan.bench->decide = BenchDecide::kAll;
  auto back = JobPlanFromJson(JobPlanToJson(plan));
  REQUIRE(back.ok());
  CHECK(back->cell == plan.cell);
  CHECK(back->build_timeout == plan.build_timeout);
  CHECK(back->boots[0].args == boot.args);
  CHECK(back->boots[0].exit_codes.empty());
  CHECK(back->boots[0].timeout == boot.timeout);
  CHECK(back->boots[0].outcome == "passed");
  CHECK(back->boots[1].outcome == "crashed");
  CHECK(back->fuzz->keys[0].type == "int[1,65535]");
  CHECK(back->bench->metrics[1].lower_is_better == false);
  CHECK(*back->bench->fail_on_regression == doctest::Approx(0.1));
  CHECK(back->bench->clock == BenchClock::kInstructions);
  CHECK(back->bench->decide == BenchDecide::kAll);
  CHECK(back->Name() == "hello gcc/virtio");
}

TEST_CASE("A raw command line of any bytes survives the JSON spec") {
  JobPlan plan;
  plan.unikernel = "bootvars";
  plan.target = "virtio";
  BootCase boot;
  boot.raw_command_line = std::string("--name=\xff\"a\\ \x01", 13);
  plan.boots = {boot, BootCase{}};
  auto back = JobPlanFromJson(JobPlanToJson(plan));
  REQUIRE(back.ok());
  CHECK(back->boots[0].raw_command_line == boot.raw_command_line);
  CHECK_FALSE(back->boots[1].raw_command_line.has_value());
}

TEST_CASE("A malformed job spec is an InvalidArgument, not an exception") {
  CHECK(JobPlanFromJson("{").status().code() == Status::Code::kInvalidArgument);
  CHECK(JobPlanFromJson("{}").status().code() == Status::Code::kInvalidArgument);
}

}  // namespace cirun
