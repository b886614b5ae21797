#include "runner/pipeline/reproducible_step.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

TEST_CASE("The reproducible option is off unless a pipeline's options turn it on") {
  CHECK(!ReadReproducibleOptions("").enabled);
  CHECK(!ReadReproducibleOptions("{\"reproducible\": 3}").enabled);
  const std::string on = WithReproducibleOptions(R"({"nightly":true})", {true});
  CHECK(ReadReproducibleOptions(on).enabled);
  CHECK(on.find("\"nightly\":true") != std::string::npos);
  PipelineRecord p;
  p.options_json = on;
  CHECK(ReproducibleStep().Wanted(JobPlan{}, p));
  p.options_json = "{}";
  CHECK(!ReproducibleStep().Wanted(JobPlan{}, p));
}

TEST_CASE("The second build's workspace is another path beside the first") {
  CHECK(SecondBuildWorkspace("/w/p1/j2") == "/w/p1/j2-again");
  CHECK(SecondBuildWorkspace("/w/p1/j2/") == "/w/p1/j2-again");
}

}  // namespace
}  // namespace cirun
