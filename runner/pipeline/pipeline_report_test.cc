#include "runner/pipeline/pipeline_report.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "runner/pipeline/job_spec_json.h"
#include "runner/pipeline/reproducer.h"

namespace cirun {
namespace {

JobReport MakeJob(const std::string& unikernel, const std::string& cell, JobState state,
                  std::vector<StepRecord> steps, int tests = 0) {
  JobPlan plan;
  plan.unikernel = unikernel;
  plan.cell.values = {{"target", cell}};
  plan.target = cell;
  plan.boots.resize(1 + tests);
  for (int i = 1; i <= tests; ++i) plan.boots[i].name = "t" + std::to_string(i);
  JobReport j;
  j.job.name = unikernel + " " + cell;
  j.job.unikernel = unikernel;
  j.job.cell_label = cell;
  j.job.cell_key = "target=" + cell;
  j.job.spec_json = JobPlanToJson(plan);
  j.job.state = state;
  j.steps = std::move(steps);
  return j;
}

StepRecord Step(const std::string& name, const std::string& outcome,
                const std::string& cause = "") {
  StepRecord s;
  s.name = name;
  s.outcome = outcome;
  s.cause = cause;
  s.duration_ms = 1500;
  s.detail_json = "{}";
  return s;
}

PipelineReport Sample() {
  PipelineReport r;
  r.pipeline.id = 7;
  r.pipeline.repo_name = "example";
  r.pipeline.commit = std::string(40, 'c');
  r.jobs.push_back(
      MakeJob("hello", "virtio", JobState::kPassed,
              {Step("build", "cached"), Step("boot", "passed"), Step("test:t1", "passed")}, 1));
  JobReport failed = MakeJob("hello", "xen", JobState::kFailed,
                             {Step("build", "passed"),
                              Step("boot", "crashed", "crash signature /PANIC/ matched: \"<&>\"")},
                             1);
  failed.job.cause = "boot: crashed: PANIC";
  failed.job.reproducer = "ci-run local /r --rev cccc --unikernel hello --only target=xen";
  r.jobs.push_back(failed);
  JobReport skipped = MakeJob("other", "hvt", JobState::kSkipped, {});
  skipped.job.cause = "target hvt: solo5-hvt not found in PATH";
  r.jobs.push_back(skipped);
  return r;
}

TEST_CASE("JUnit XML has one testcase per case, escaped causes, and counts per suite") {
  std::string xml = JUnitXml(Sample());
  CHECK(xml.find(
            "<testsuite name=\"hello\" tests=\"6\" failures=\"1\" errors=\"0\" skipped=\"1\">") !=
        std::string::npos);
  CHECK(xml.find(
            "<testsuite name=\"other\" tests=\"2\" failures=\"0\" errors=\"0\" skipped=\"2\">") !=
        std::string::npos);
  CHECK(xml.find("message=\"crash signature /PANIC/ matched: &quot;&lt;&amp;&gt;&quot;\"") !=
        std::string::npos);
  CHECK(xml.find("<skipped message=\"target hvt: solo5-hvt not found in PATH\"/>") !=
        std::string::npos);
  CHECK(xml.find("classname=\"hello.virtio\" name=\"test:t1\"") != std::string::npos);
}

TEST_CASE("The exit code is 1 when any job failed, 0 when all passed or were skipped") {
  PipelineReport r = Sample();
  CHECK(PipelineExitCode(r) == 1);
  r.jobs.erase(r.jobs.begin() + 1);
  CHECK(PipelineExitCode(r) == 0);
}

TEST_CASE("The JSON report carries jobs, cells, steps and counts") {
  auto j = nlohmann::json::parse(PipelineJson(Sample()));
  CHECK(j["jobs"].size() == 3);
  CHECK(j["jobs"][1]["cell"]["target"] == "xen");
  CHECK(j["jobs"][1]["steps"][1]["outcome"] == "crashed");
  CHECK(j["counts"]["passed"] == 1);
  CHECK(j["exit_code"] == 1);
}

TEST_CASE("The summary names each failure with its cause and reproducer, and groups skips") {
  char* text = nullptr;
  size_t size = 0;
  FILE* out = open_memstream(&text, &size);
  PrintSummary(out, Sample(), /*color=*/false);
  fclose(out);
  std::string s(text, size);
  free(text);
  CHECK(s.find("hello xen: boot: crashed: PANIC\n    reproduce: ci-run local /r --rev cccc "
               "--unikernel hello --only target=xen") != std::string::npos);
  CHECK(s.find("1 job: target hvt: solo5-hvt not found in PATH") != std::string::npos);
  CHECK(s.find("3 jobs: 1 failed, 1 passed, 1 skipped") != std::string::npos);
}

TEST_CASE("The summary and the JSON report read step details of the wrong type as absent") {
  // An older or foreign row: a number where a string belongs, a string where
  // a count belongs. Nothing throws, the rest of the summary is printed.
  PipelineReport r = Sample();
  r.jobs[1].steps[1].detail_json = R"({"reproducer": 5, "warning": [], "note": 3})";
  StepRecord fuzz = Step("fuzz", "passed");
  fuzz.detail_json = R"({"boots": "many", "findings": [7, {"signature": 1}]})";
  r.jobs[0].steps.push_back(fuzz);
  char* text = nullptr;
  size_t size = 0;
  FILE* out = open_memstream(&text, &size);
  CHECK_NOTHROW(PrintSummary(out, r, /*color=*/false));
  fclose(out);
  std::string s(text, size);
  free(text);
  CHECK(s.find("boot again:") == std::string::npos);
  CHECK(s.find("Warnings:") == std::string::npos);
  CHECK(s.find("Fuzzing: 1 job, 0 boots") != std::string::npos);
  CHECK(s.find("3 jobs: 1 failed, 1 passed, 1 skipped") != std::string::npos);
  const auto doc = nlohmann::json::parse(PipelineJson(r));
  CHECK(doc["jobs"][1]["steps"][1]["detail"]["reproducer"] == 5);
}

TEST_CASE("The summary shows each bench step's verdicts, improvements too, and its notes") {
  PipelineReport r = Sample();
  StepRecord bench = Step("bench", "passed");
  bench.detail_json = R"({"summary": "vs 3f2a1b9c5d2e (interleaved): cycles faster -6.0%",
                         "notes": ["host clock: resolution ~10%", 4]})";
  r.jobs[0].steps.push_back(bench);
  StepRecord odd = Step("bench", "passed");
  odd.detail_json = R"({"summary": "vs aaaa: boot_ms no change +0.1%", "notes": "one"})";
  r.jobs[1].steps.push_back(odd);
  char* text = nullptr;
  size_t size = 0;
  FILE* out = open_memstream(&text, &size);
  CHECK_NOTHROW(PrintSummary(out, r, /*color=*/false));
  fclose(out);
  std::string s(text, size);
  free(text);
  CHECK(
      s.find("\nBenchmarks:\n  hello virtio: vs 3f2a1b9c5d2e (interleaved): cycles faster -6.0%\n"
             "    host clock: resolution ~10%\n  hello xen: vs aaaa: boot_ms no change +0.1%\n") !=
      std::string::npos);
}

std::string StepLogs(const PipelineReport& r, const std::string& job, int* matched) {
  char* text = nullptr;
  size_t size = 0;
  FILE* out = open_memstream(&text, &size);
  *matched = PrintStepLogs(out, r, job);
  fclose(out);
  std::string s(text, size);
  free(text);
  return s;
}

TEST_CASE("Step logs: of the failed jobs by default, of one job by name or id") {
  PipelineReport r = Sample();
  r.jobs[0].job.id = 11;
  r.jobs[0].steps[1].log = "Hello from virtio\nSUCCESS";  // no final newline
  r.jobs[1].job.id = 12;
  r.jobs[1].steps[1].command = "qemu-system-x86_64 -kernel hello.xen";
  r.jobs[1].steps[1].log = "PANIC: <&>\n";
  int matched = 0;
  std::string failed = StepLogs(r, "", &matched);
  CHECK(matched == 1);
  CHECK(failed.find("== hello xen (job 12, failed)\n-- build: passed\n") == 0);
  CHECK(failed.find("-- boot: crashed: crash signature /PANIC/ matched: \"<&>\"\n"
                    "$ qemu-system-x86_64 -kernel hello.xen\nPANIC: <&>\n") != std::string::npos);
  CHECK(failed.find("Hello from virtio") == std::string::npos);
  std::string by_name = StepLogs(r, "hello virtio", &matched);
  CHECK(matched == 1);
  CHECK(by_name.find("-- boot: passed\nHello from virtio\nSUCCESS\n-- test:t1") !=
        std::string::npos);
  CHECK(StepLogs(r, "11", &matched) == by_name);
  std::string skipped = StepLogs(r, "other hvt", &matched);
  CHECK(skipped.find("(no steps: target hvt: solo5-hvt not found in PATH)") != std::string::npos);
  StepLogs(r, "hello arm64", &matched);
  CHECK(matched == 0);
}

TEST_CASE("Reproducers rerun one job, or boot one image with the same judgement") {
  PipelineRecord p;
  p.repo = "/src/r";
  p.commit = "0123456789abcdef0123";
  JobRecord j;
  j.unikernel = "hello";
  j.cell_key = "compiler=gcc,target=virtio";
  CHECK(
      JobReproducer("ci-run", p, j) ==
      "ci-run local /src/r --rev 0123456789ab --unikernel hello --only compiler=gcc,target=virtio");
  p.dirty = true;
  p.worktree = "/src/my tree";
  CHECK(JobReproducer("ci-run", p, j) ==
        "ci-run local '/src/my tree' --unikernel hello --only compiler=gcc,target=virtio");
  BootCase b;
  b.args = {"two words"};
  b.expect = {"^SUCCESS$"};
  b.timeout = std::chrono::milliseconds(1500);
  CHECK(BootReproducer("ci-run", "/w/img", "virtio", b) ==
        "ci-run boot /w/img --target virtio --expect '^SUCCESS$' --exit 0 --timeout 1500ms -- 'two "
        "words'");
  // What a target means is the host's: the run's --host-config goes along, --config does not.
  CHECK(BootReproducer("ci-run", "/w/img", "unix", b,
                       {"--config", "/c/ci.yml", "--host-config", "/h/host.yml"}) ==
        "ci-run boot /w/img --target unix --host-config /h/host.yml --expect '^SUCCESS$' --exit 0 "
        "--timeout 1500ms -- 'two words'");
}

}  // namespace
}  // namespace cirun
