// Fuzz options in a pipeline's options_json, and when the fuzz step is wanted.
#include "runner/pipeline/fuzz_step.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "harness/process_backend.h"
#include "runner/pipeline/job_executor.h"

namespace cirun {
namespace {

TEST_CASE("WithFuzzOptions keeps the other options and ReadFuzzOptions reads them back") {
  FuzzPipelineOptions o;
  o.enabled = false;
  o.boots = 30;
  o.time = std::chrono::seconds(5);
  o.seed = 42;
  o.jobs = 3;
  const std::string text = WithFuzzOptions(R"({"fail_fast":["a"]})", o);
  auto j = nlohmann::json::parse(text);
  CHECK(j["fail_fast"] == nlohmann::json::array({"a"}));
  const FuzzPipelineOptions back = ReadFuzzOptions(text);
  CHECK_FALSE(back.enabled);
  CHECK(back.boots == 30);
  CHECK(back.time == std::chrono::milliseconds(5000));
  CHECK(back.seed == 42);
  CHECK(back.jobs == 3);
}

TEST_CASE("ReadFuzzOptions: defaults without a fuzz entry or with malformed JSON") {
  for (const char* text : {"", "{}", "not json", R"({"fuzz": 3})", R"({"fuzz": {"boots": -1}})"}) {
    CAPTURE(text);
    const FuzzPipelineOptions o = ReadFuzzOptions(text);
    CHECK(o.enabled);
    CHECK_FALSE(o.boots.has_value());
    CHECK_FALSE(o.time.has_value());
    CHECK(o.seed == 1);
  }
  CHECK(WithFuzzOptions("", {}) == R"({"fuzz":{"enabled":true,"seed":1}})");
}

TEST_CASE("FuzzStep is wanted with a fuzz section, fuzzing enabled and no --cmdline") {
  FuzzStep step(2);
  JobPlan plan;
  plan.boots = {BootCase{}};
  PipelineRecord pipeline;
  CHECK_FALSE(step.Wanted(plan, pipeline));
  plan.fuzz = FuzzSpec{};
  CHECK(step.Wanted(plan, pipeline));
  FuzzPipelineOptions off;
  off.enabled = false;
  pipeline.options_json = WithFuzzOptions("{}", off);
  CHECK_FALSE(step.Wanted(plan, pipeline));
  pipeline.options_json = "{}";
  plan.boots[0].raw_command_line = "--port=0";
  CHECK_FALSE(step.Wanted(plan, pipeline));
  CHECK(step.RunsAfterFailedTests());
  CHECK(step.Name() == "fuzz");
}

TEST_CASE("FuzzStep: a main boot expecting a crash skips fuzzing, saying why") {
  FuzzStep step(2);
  JobPlan plan;
  plan.boots = {BootCase{}};
  plan.boots[0].outcome = "crashed";
  plan.fuzz = FuzzSpec{};
  JobEnvironment env;
  ClaimedJob claimed;
  ProcessBackend backend{TargetSpec{}};
  const std::string image = "/nonexistent/u", workspace = "/nonexistent";
  std::vector<StepRecord> recorded;
  JobStepContext ctx{env,
                     claimed,
                     plan,
                     image,
                     workspace,
                     backend,
                     nullptr,
                     [&](StepRecord r) { recorded.push_back(std::move(r)); },
                     [](const std::string&) {}};
  JobStepResult r = step.Run(ctx);
  CHECK(r.state == JobState::kPassed);
  REQUIRE(recorded.size() == 1);
  CHECK(recorded[0].name == "fuzz");
  CHECK(recorded[0].outcome == "skipped");
  CHECK(recorded[0].cause ==
        "the main boot expects outcome crashed, so its arguments give fuzzing no running "
        "unikernel");
}

}  // namespace
}  // namespace cirun
