#include "runner/pipeline/failure_lines.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "runner/pipeline/job_spec_json.h"

namespace cirun {
namespace {

constexpr const char* kExcerpt =
    "     3 | starting\n"
    ">    4 | Fatal error: exception Not_found\n"
    "     5 | Raised at Stdlib__Map.find in file \"map.ml\", line 141\n";

StepRecord Step(const std::string& name, const std::string& outcome, const std::string& cause = "",
                const std::string& excerpt = "") {
  StepRecord s;
  s.name = name;
  s.outcome = outcome;
  s.cause = cause;
  s.detail_json = "{}";
  s.log = "lots of console\nstarting\nFatal error: exception Not_found\n";
  s.excerpt = excerpt;
  return s;
}

PipelineReport Crashed() {
  JobPlan plan;
  plan.unikernel = "hello";
  plan.cell.values = {{"target", "unix"}};
  plan.boots.resize(2);
  plan.boots[1].name = "t1";
  JobReport j;
  j.job.name = "hello unix";
  j.job.unikernel = "hello";
  j.job.cell_label = "unix";
  j.job.spec_json = JobPlanToJson(plan);
  j.job.state = JobState::kFailed;
  j.job.cause = "test:t1: crashed: crash signature /Fatal error: exception/ matched";
  j.steps = {Step("build", "passed"), Step("boot", "passed"),
             Step("test:t1", "crashed", "crash signature matched", kExcerpt)};
  PipelineReport r;
  r.pipeline.id = 3;
  r.jobs.push_back(j);
  return r;
}

std::string Summary(const PipelineReport& r) {
  char* text = nullptr;
  size_t size = 0;
  FILE* out = open_memstream(&text, &size);
  PrintSummary(out, r, /*color=*/false);
  fclose(out);
  std::string s(text, size);
  free(text);
  return s;
}

TEST_CASE("the deciding step is the first that neither passed nor was skipped") {
  PipelineReport r = Crashed();
  REQUIRE(DecidingStep(r.jobs[0]) != nullptr);
  CHECK(DecidingStep(r.jobs[0])->name == "test:t1");
  r.jobs[0].steps[1].outcome = "flaky";
  CHECK(DecidingStep(r.jobs[0])->name == "test:t1");
  r.jobs[0].steps.pop_back();
  CHECK(DecidingStep(r.jobs[0]) == nullptr);
}

TEST_CASE("the summary shows the lines that matter under the failure") {
  const std::string s = Summary(Crashed());
  CHECK(s.find("  hello unix: test:t1: crashed: ") != std::string::npos);
  CHECK(s.find("    lines that matter (test:t1):\n"
               "           3 | starting\n"
               "      >    4 | Fatal error: exception Not_found\n"
               "           5 | Raised at Stdlib__Map.find") != std::string::npos);
}

TEST_CASE("JUnit failure text is the excerpt, the whole log stays in system-out") {
  const std::string xml = JUnitXml(Crashed());
  const size_t failure = xml.find("<failure type=\"crashed\"");
  REQUIRE(failure != std::string::npos);
  const std::string text = xml.substr(failure, xml.find("</failure>", failure) - failure);
  CHECK(text.find("&gt;    4 | Fatal error: exception Not_found") != std::string::npos);
  CHECK(text.find("Raised at Stdlib__Map.find in file &quot;map.ml&quot;") != std::string::npos);
  CHECK(text.find("lots of console") == std::string::npos);
  CHECK(xml.find("<system-out>lots of console") != std::string::npos);
}

TEST_CASE("JUnit failure text falls back to the end of the log without an excerpt") {
  PipelineReport r = Crashed();
  r.jobs[0].steps[2].excerpt = "";
  const std::string xml = JUnitXml(r);
  CHECK(xml.find("matched\">lots of console") != std::string::npos);
}

TEST_CASE("the JSON report carries each failed step's excerpt") {
  auto json = nlohmann::json::parse(PipelineJson(Crashed()));
  const auto& steps = json["jobs"][0]["steps"];
  CHECK_FALSE(steps[1].contains("excerpt"));
  CHECK(steps[2]["excerpt"] == kExcerpt);
}

}  // namespace
}  // namespace cirun
