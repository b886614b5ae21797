#include "runner/perf/bench_step.h"

#include <doctest/doctest.h>

#include "harness/process_backend.h"
#include "harness/qemu_backend.h"
#include "runner/perf/bench_measurement.h"
#include "runner/pipeline/job_executor.h"

namespace cirun {

TEST_CASE("Bench pipeline options: defaults, disabling, a pull request's base") {
  CHECK(ReadBenchOptions("").enabled);
  CHECK(ReadBenchOptions("{\"fail_fast\": []}").enabled);
  CHECK(ReadBenchOptions("{\"bench\": {\"enabled\": false}}").enabled == false);
  CHECK(ReadBenchOptions("not json").enabled);
  BenchPipelineOptions pr;
  pr.base_commit = "abc123";
  const std::string json = WithBenchOptions("{\"fail_fast\": [\"hello\"]}", pr);
  CHECK(json == "{\"bench\":{\"base\":\"abc123\",\"enabled\":true},\"fail_fast\":[\"hello\"]}");
  CHECK(ReadBenchOptions(json).base_commit == "abc123");
  CHECK(ReadBenchOptions(json).enabled);
}

TEST_CASE("BenchStep is wanted for plans with bench: unless the pipeline disables it") {
  BenchStep step;
  JobPlan plan;
  PipelineRecord pipeline;
  CHECK_FALSE(step.Wanted(plan, pipeline));
  plan.bench = BenchSpec{};
  CHECK(step.Wanted(plan, pipeline));
  pipeline.options_json = WithBenchOptions("{}", BenchPipelineOptions{false, ""});
  CHECK_FALSE(step.Wanted(plan, pipeline));
  CHECK(step.Name() == "bench");
}

TEST_CASE("BenchStep: a main boot expecting another outcome skips benchmarks, saying why") {
  BenchStep step;
  JobPlan plan;
  plan.boots = {BootCase{}};
  plan.boots[0].outcome = "hung";
  plan.bench = BenchSpec{};
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
  CHECK(step.Run(ctx).state == JobState::kPassed);
  REQUIRE(recorded.size() == 1);
  CHECK(recorded[0].outcome == "skipped");
  CHECK(recorded[0].cause ==
        "the main boot expects outcome hung, so its arguments give benchmarks no running "
        "unikernel");
}

TEST_CASE("clock: instructions counts on QEMU and QEMU user mode, and files its samples apart") {
  QemuBackend qemu(TargetSpec{});
  ProcessBackend process(TargetSpec{}, "/nonexistent/qemu-x86_64");
  ProcessBackend user_mode(TargetSpec{}, "/bin/sh");  // an emulator in its place
  JobPlan plan;
  CHECK_FALSE(CountsInstructions(plan, qemu));  // no bench: section
  plan.bench = BenchSpec{};
  CHECK_FALSE(CountsInstructions(plan, qemu));  // clock: host
  CHECK(SampleHost("vm", plan, qemu) == "vm");
  plan.bench->clock = BenchClock::kInstructions;
  CHECK(CountsInstructions(plan, qemu));
  CHECK(SampleHost("vm", plan, qemu) == "vm/instructions");
  CHECK_FALSE(CountsInstructions(plan, process));  // no user-mode emulator on this host
  CHECK(SampleHost("vm", plan, process) == "vm");
  CHECK(CountsInstructions(plan, user_mode));
  CHECK(SampleHost("vm", plan, user_mode) == "vm/instructions");
}

}  // namespace cirun
