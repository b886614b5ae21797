#include "runner/pipeline/failure_groups.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>

#include "runner/pipeline/job_spec_json.h"

namespace cirun {
namespace {

JobReport Failed(const std::string& compiler, const std::string& target, const std::string& outcome,
                 const std::string& cause) {
  JobPlan plan;
  plan.unikernel = "hello";
  plan.cell.values = {{"compiler", compiler}, {"target", target}};
  JobReport j;
  j.job.name = "hello " + compiler + "/" + target;
  j.job.unikernel = "hello";
  j.job.cell_label = compiler + "/" + target;
  j.job.spec_json = JobPlanToJson(plan);
  j.job.state = JobState::kFailed;
  StepRecord build;
  build.name = "build";
  build.outcome = "passed";
  StepRecord boot;
  boot.name = "boot";
  boot.outcome = outcome;
  boot.cause = cause;
  j.steps = {build, boot};
  return j;
}

PipelineReport Report() {
  PipelineReport r;
  r.pipeline.repo = "/repo";
  r.pipeline.commit = std::string(40, 'a');
  r.jobs = {Failed("gcc", "virtio", "crashed", "PANIC: fault 0 at eip 0x1234 (virtio)"),
            Failed("clang", "virtio", "crashed", "PANIC: fault 0 at eip 0x1a2b (virtio)"),
            Failed("gcc", "xen", "crashed", "PANIC: fault 0 at eip 0x9999 (xen)"),
            Failed("gcc", "unix", "hung", "timed out after 20s; last line: \"tick 12\"")};
  JobReport passed = Failed("clang", "unix", "passed", "");
  passed.job.state = JobState::kPassed;
  r.jobs.push_back(passed);
  return r;
}

TEST_CASE("failure signatures mask numbers, addresses and the cell's own values") {
  CHECK(FailureSignature("crashed", "PANIC: fault 0 at eip 0x1234 (virtio)", {"gcc", "virtio"}) ==
        "crashed: PANIC: fault # at eip 0x# (<cell>)");
  CHECK(FailureSignature("crashed", "a", {}) != FailureSignature("hung", "a", {}));
  CHECK(FailureSignature("failed", std::string(1000, 'z')).size() <= 160 + 8);
}

TEST_CASE("one cause in many cells is one group listing them") {
  std::vector<FailureGroup> groups = GroupFailures(Report());
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].outcome == "crashed");
  CHECK(groups[0].cells == std::vector<std::string>{"gcc/virtio", "clang/virtio", "gcc/xen"});
  CHECK(groups[0].example == "PANIC: fault 0 at eip 0x1234 (virtio)");
  CHECK(groups[1].cells == std::vector<std::string>{"gcc/unix"});
}

TEST_CASE("the summary tells a shared cause once, with its cells") {
  char* text = nullptr;
  size_t size = 0;
  FILE* out = open_memstream(&text, &size);
  PrintFailureGroups(out, Report());
  fclose(out);
  const std::string s(text, size);
  free(text);
  CHECK(s.find("Failures by cause:\n") != std::string::npos);
  CHECK(s.find("  crashed: PANIC: fault 0 at eip 0x1234 (virtio), 3 cells (hello gcc/virtio, "
               "hello clang/virtio, hello gcc/xen)\n") != std::string::npos);
  CHECK(s.find("  hung: timed out after 20s; last line: \"tick 12\", 1 cell (hello gcc/unix)\n") !=
        std::string::npos);
}

std::string Printed(const PipelineReport& r) {
  char* text = nullptr;
  size_t size = 0;
  FILE* out = open_memstream(&text, &size);
  PrintFailureGroups(out, r);
  fclose(out);
  const std::string s(text, size);
  free(text);
  return s;
}

TEST_CASE("a cause seen at an earlier commit is told with its first and last commit") {
  PipelineReport r;
  r.pipeline.commit = std::string(40, 'a');
  r.jobs = {Failed("gcc", "unix", "hung", "timed out after 20s")};
  CHECK(Printed(r).empty());  // one cell, seen nowhere else
  const std::string signature = GroupFailures(r)[0].signature;
  FailureSignatureRecord rec;
  rec.signature = signature;
  rec.first_commit = std::string(40, 'b');
  rec.last_commit = std::string(40, 'a');
  rec.cells = 5;
  r.signatures = {rec};
  CHECK(Printed(r) ==
        "\nFailures by cause:\n"
        "  hung: timed out after 20s, 1 cell (hello gcc/unix)\n"
        "    seen first at bbbbbbbbbbbb, last at aaaaaaaaaaaa, 5 failed cells in all\n");
  const nlohmann::json j = FailureGroupsJson(r);
  REQUIRE(j.size() == 1);
  CHECK(j[0]["first_commit"] == std::string(40, 'b'));
  CHECK(j[0]["seen_cells"] == 5);
  CHECK(j[0]["jobs"] == std::vector<std::string>{"hello gcc/unix"});
}

}  // namespace
}  // namespace cirun
