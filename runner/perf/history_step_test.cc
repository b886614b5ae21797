#include "runner/perf/history_step.h"

#include <doctest/doctest.h>

#include "runner/perf/bench_step.h"

namespace cirun {

TEST_CASE("History pipeline options: off unless a pipeline turns them on") {
  CHECK_FALSE(ReadHistoryOptions("").enabled);
  CHECK_FALSE(ReadHistoryOptions("not json").enabled);
  CHECK_FALSE(ReadHistoryOptions(R"({"history": "yes"})").enabled);
  CHECK(ReadHistoryOptions("{}").commits == 50);
  const std::string json = WithHistoryOptions(R"({"bench":{"enabled":true}})", {true, 20});
  CHECK(json == R"({"bench":{"enabled":true},"history":{"commits":20,"enabled":true}})");
  CHECK(ReadHistoryOptions(json).enabled);
  CHECK(ReadHistoryOptions(json).commits == 20);
  CHECK(ReadHistoryOptions(R"({"history":{"enabled":true,"commits":1}})").commits == 50);
}

TEST_CASE("HistoryStep runs for benchmark cells of committed code when history and bench are on") {
  HistoryStep step;
  JobPlan plan;
  PipelineRecord pipeline;
  pipeline.commit = std::string(40, 'a');
  pipeline.options_json = WithHistoryOptions("{}", {true, 50});
  CHECK_FALSE(step.Wanted(plan, pipeline));  // no bench: section
  plan.bench = BenchSpec{};
  CHECK(step.Wanted(plan, pipeline));
  PipelineRecord dirty = pipeline;
  dirty.dirty = true;  // a work tree has no history
  CHECK_FALSE(step.Wanted(plan, dirty));
  PipelineRecord no_bench = pipeline;
  no_bench.options_json = WithBenchOptions(pipeline.options_json, {false, ""});
  CHECK_FALSE(step.Wanted(plan, no_bench));
  PipelineRecord off = pipeline;
  off.options_json = WithHistoryOptions("{}", {false, 50});
  CHECK_FALSE(step.Wanted(plan, off));
  CHECK(step.Name() == "history");
}

}  // namespace cirun
