#include "runner/web/dashboard_json.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "runner/store/sqlite_store.h"
#include "tests/scratch_dir.h"

namespace cirun {
namespace {

using json = nlohmann::json;
using testing::ScratchDir;

JobInfo Job(const std::string& unikernel, const std::string& cell) {
  JobInfo j;
  j.name = unikernel + " " + cell;
  j.unikernel = unikernel;
  j.cell_key = "target=" + cell;
  j.cell_label = cell;
  j.target = cell;
  j.labels = {"target:" + cell};
  j.spec_json =
      R"({"build":"make","boots":[{"name":"boot","expect":["^Hello"],"fail":["PANIC"]}]})";
  return j;
}

PipelineInfo Pipeline(const std::string& commit, const std::string& repo = "example/repo") {
  PipelineInfo p;
  p.repo = "/srv/" + repo;
  p.repo_name = repo;
  p.commit = commit;
  p.ref = "refs/heads/main";
  p.trigger = "push";
  p.title = "a commit <b>bold</b>";
  return p;
}

// Runs every queued job of `pipeline` to `state`, each with `steps`.
void Finish(Store& store, int64_t pipeline, JobState state, std::vector<StepRecord> steps) {
  ClaimRequest request{"w1", {"target:unix", "target:virtio"}, std::chrono::seconds(60), pipeline};
  while (true) {
    auto claimed = store.ClaimJob(request);
    REQUIRE(claimed.ok());
    if (!claimed->has_value()) break;
    const JobRecord& job = (*claimed)->job;
    for (StepRecord s : steps) {
      s.job_id = job.id;
      s.attempt = job.attempt;
      REQUIRE(store.AddStep(s).ok());
    }
    REQUIRE(store
                .FinishJob(job.id, "w1", job.attempt,
                           {state, state == JobState::kFailed ? "boot crashed: PANIC" : "",
                            "ci-run local --only target=x", 1500})
                .ok());
  }
}

StepRecord Step(const std::string& name, const std::string& outcome, std::string log = "") {
  StepRecord s;
  s.name = name;
  s.outcome = outcome;
  s.duration_ms = 42;
  s.log = std::move(log);
  s.command = "qemu-system-x86_64 -kernel hello.virtio";
  s.detail_json = R"({"toolchain":"gcc"})";
  return s;
}

TEST_CASE("PipelinesJson pages newest first with job counts") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  int64_t last = 0;
  for (int i = 0; i < 3; ++i)
    last = *store->CreatePipeline(Pipeline(std::string(40, 'a' + i)),
                                  {Job("hello", "unix"), Job("hello", "virtio")});
  PipelineQuery q;
  q.limit = 2;
  auto page = json::parse(*PipelinesJson(*store, q));
  REQUIRE(page["pipelines"].size() == 2);
  CHECK(page["pipelines"][0]["id"] == last);
  CHECK(page["pipelines"][0]["branch"] == "main");
  CHECK(page["pipelines"][0]["jobs"]["queued"] == 2);
  CHECK(page["pipelines"][0]["title"] == "a commit <b>bold</b>");  // data, not markup
  REQUIRE(page["next_before"].is_number());
  q.before_id = page["next_before"];
  auto next = json::parse(*PipelinesJson(*store, q));
  CHECK(next["pipelines"].size() == 1);
  CHECK(next["next_before"].is_null());
}

TEST_CASE("PipelineJson gives the grid with the outcome that decided each job") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  auto bad = *store->CreatePipeline(Pipeline(std::string(40, 'b')), {Job("hello", "virtio")});
  Finish(*store, bad, JobState::kFailed, {Step("build", "passed"), Step("boot", "crashed")});
  auto good = *store->CreatePipeline(Pipeline(std::string(40, 'c')), {Job("hello", "unix")});
  Finish(*store, good, JobState::kPassed, {Step("build", "cached"), Step("boot", "passed")});
  auto grid = json::parse(*PipelineJson(*store, bad));
  CHECK(grid["unikernels"] == json::array({"hello"}));
  CHECK(grid["cells"] == json::array({"virtio"}));
  CHECK(grid["jobs"][0]["outcome"] == "crashed");
  CHECK(grid["jobs"][0]["state"] == "failed");
  CHECK(grid["jobs"][0]["cause"] == "boot crashed: PANIC");
  CHECK(grid["jobs"][0]["reproducer"] == "ci-run local --only target=x");
  CHECK(grid["counts"]["crashed"] == 1);
  CHECK(grid["pipeline"]["state"] == "failed");
  CHECK(json::parse(*PipelineJson(*store, good))["jobs"][0]["outcome"] == "cached");
  CHECK(PipelineJson(*store, 999).status().code() == Status::Code::kNotFound);
}

TEST_CASE("JobJson and LogPieceJson give steps, spec and the log in pieces") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  auto id = *store->CreatePipeline(Pipeline(std::string(40, 'd')), {Job("hello", "virtio")});
  std::string log = "<script>alert(1)</script>\n\x1b[31mred\x1b[0m\nPANIC \xc3\xa9t\xc3\xa9\n";
  Finish(*store, id, JobState::kFailed,
         {Step("build", "passed", "cc -o x"), Step("boot", "crashed", log)});
  const int64_t job = (*store->ListJobs(id))[0].id;
  auto j = json::parse(*JobJson(*store, id, job));
  REQUIRE(j["steps"].size() == 2);
  CHECK(j["steps"][1]["name"] == "boot");
  CHECK(j["steps"][1]["duration_ms"] == 42);
  CHECK(j["steps"][1]["log_bytes"] == log.size());
  CHECK(j["steps"][0]["detail"]["toolchain"] == "gcc");
  CHECK(j["spec"]["boots"][0]["fail"][0] == "PANIC");
  CHECK(j["job"]["outcome"] == "crashed");
  CHECK(JobJson(*store, id + 1, job).status().code() == Status::Code::kNotFound);

  // Pieces of 10 bytes, never splitting the two-byte "é": they add up to the log.
  std::string joined;
  size_t offset = 0;
  int pieces = 0;
  while (true) {
    auto piece = json::parse(*LogPieceJson(*store, id, job, 1, offset, 10));
    CHECK(piece["total"] == log.size());
    CHECK(piece["running"] == false);
    joined += piece["text"].get<std::string>();
    offset = piece["next_offset"];
    ++pieces;
    if (offset >= log.size()) break;
    REQUIRE(pieces < 100);
  }
  CHECK(joined == log);
  CHECK(pieces > 3);
  auto past = json::parse(*LogPieceJson(*store, id, job, 7, 0, 10));
  CHECK(past["text"] == "");
}

TEST_CASE("PipelineJson and JobJson give failure groups, culprits, flaky cases and the manifest") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  PipelineInfo info = Pipeline(std::string(40, 'e'));
  auto id = *store->CreatePipeline(info, {Job("hello", "virtio"), Job("hello", "unix")});
  StepRecord crash = Step("boot", "crashed", "line\nPANIC <img src=x onerror=alert(1)>\n");
  crash.cause = "crash signature /PANIC/ matched: \"PANIC at 0x1234\"";
  crash.excerpt = "    1 | line\n>   2 | PANIC <img src=x onerror=alert(1)>";
  StepRecord flaky = Step("test:net", "flaky");
  flaky.cause = "passed 2 of 3 runs";
  Finish(*store, id, JobState::kFailed, {Step("build", "passed"), flaky, crash});
  const auto jobs = *store->ListJobs(id);
  for (const JobRecord& j : jobs) {
    CaseRunRecord run;
    run.job_id = j.id;
    run.attempt = j.attempt;
    run.repo = info.repo;
    run.branch = info.ref;
    run.commit = info.commit;
    run.unikernel = j.unikernel;
    run.cell_key = j.cell_key;
    run.case_name = "test:net";
    run.outcome = "flaky";
    run.runs = 3;
    run.passes = 2;
    REQUIRE(store->AddCaseRun(run).ok());
  }
  BisectionRecord b;
  b.pipeline_id = id;
  b.repo = info.repo;
  b.unikernel = "hello";
  b.cell_key = "target=virtio";
  b.case_name = "boot";
  b.good = std::string(40, '1');
  b.bad = info.commit;
  b.verdict = "confirmed";
  b.culprit = std::string(40, '2');
  b.summary = "1111111: passed\n2222222: crashed";
  REQUIRE(store->AddBisection(b).ok());
  ManifestRecord m;
  m.job_id = jobs[0].id;
  m.attempt = jobs[0].attempt;
  m.source_tree = std::string(40, '3');
  m.manifest_json =
      R"({"toolchain":{"version":"Debian clang version 14.0.6"},"qemu":"<b>8.0</b>"})";
  REQUIRE(store->AddManifest(m).ok());

  auto p = json::parse(*PipelineJson(*store, id));
  REQUIRE(p["failure_groups"].size() == 1);
  CHECK(p["failure_groups"][0]["outcome"] == "crashed");
  CHECK(p["failure_groups"][0]["cells"].size() == 2);
  CHECK(p["failure_groups"][0]["signature"].get<std::string>().find("0x#") != std::string::npos);
  REQUIRE(p["bisections"].size() == 1);
  CHECK(p["bisections"][0]["culprit"] == b.culprit);
  CHECK(p["bisections"][0]["verdict"] == "confirmed");
  REQUIRE(p["flaky"].size() == 2);
  CHECK(p["flaky"][0]["step"] == "test:net");
  CHECK(p["flaky"][0]["runs"] == 3);  // the case's runs on the branch, in its cell
  CHECK(p["flaky"][0]["passes"] == 2);

  auto j = json::parse(*JobJson(*store, id, jobs[0].id));
  CHECK(j["steps"][2]["excerpt"] == crash.excerpt);
  CHECK(j["steps"][0]["excerpt"] == "");
  CHECK(j["steps"][1]["branch_runs"]["passes"] == 2);
  CHECK(j["steps"][1]["branch_runs"]["branch"] == "main");
  CHECK(j["manifest"]["toolchain"]["version"] == "Debian clang version 14.0.6");
  CHECK(json::parse(*JobJson(*store, id, jobs[1].id))["manifest"].is_null());
  // A pipeline without failures has empty lists.
  auto good = *store->CreatePipeline(Pipeline(std::string(40, 'f')), {Job("hello", "unix")});
  Finish(*store, good, JobState::kPassed, {Step("build", "passed")});
  auto g = json::parse(*PipelineJson(*store, good));
  CHECK(g["failure_groups"].empty());
  CHECK(g["bisections"].empty());
  CHECK(g["flaky"].empty());
}

TEST_CASE("JobJson gives the live console of a running job only") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  auto id = *store->CreatePipeline(Pipeline(std::string(40, 'e')), {Job("hello", "virtio")});
  ClaimRequest request{"w1", {"target:virtio"}, std::chrono::seconds(60), id};
  const JobRecord job = (**store->ClaimJob(request)).job;
  CHECK(json::parse(*JobJson(*store, id, job.id))["live"].is_null());
  REQUIRE(store->SetLiveLog({job.id, job.attempt, "boot", "booting <script>\n", 0}).ok());
  auto running = json::parse(*JobJson(*store, id, job.id));
  CHECK(running["live"]["step"] == "boot");
  CHECK(running["live"]["text"] == "booting <script>\n");
  // A live log of an earlier attempt is not this attempt's.
  REQUIRE(store->SetLiveLog({job.id, job.attempt - 1, "boot", "old\n", 0}).ok());
  CHECK(json::parse(*JobJson(*store, id, job.id))["live"].is_null());
  // A finished job has none, even if one was left behind.
  REQUIRE(store->SetLiveLog({job.id, job.attempt, "boot", "left\n", 0}).ok());
  REQUIRE(store->FinishJob(job.id, "w1", job.attempt, {JobState::kPassed, "", "", 1}).ok());
  CHECK(json::parse(*JobJson(*store, id, job.id))["live"].is_null());
}

TEST_CASE("FindingsJson deduplicates by signature with first and last seen commits") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  std::vector<int64_t> pipelines;
  for (char c : {'1', '2', '3'}) {
    auto id = *store->CreatePipeline(Pipeline(std::string(40, c)), {Job("hello", "virtio")});
    pipelines.push_back(id);
    Finish(*store, id, JobState::kFailed, {Step("fuzz", "crashed")});
    const JobRecord job = (*store->ListJobs(id))[0];
    FindingRecord f;
    f.job_id = job.id;
    f.attempt = job.attempt;
    f.repo = "/srv/example/repo";
    f.commit = std::string(40, c);
    f.unikernel = "hello";
    f.cell_key = "target=virtio";
    f.signature = c == '2' ? "hung: other" : "crashed: Invalid_argument";
    f.outcome = c == '2' ? "hung" : "crashed";
    f.command_line = std::string("--port=") + c;
    f.reproducer = "ci-run local --cmdline=--port=" + std::string(1, c);
    f.hits = 2;
    REQUIRE(store->AddFinding(f).ok());
  }
  auto all = json::parse(*FindingsJson(*store, "", ""));
  REQUIRE(all["findings"].size() == 2);
  const json& crash = all["findings"][0];  // the newest first
  CHECK(crash["signature"] == "crashed: Invalid_argument");
  CHECK(crash["command_line"] == "--port=3");  // the newest record's input
  CHECK(crash["first_commit"] == std::string(40, '1'));
  CHECK(crash["last_commit"] == std::string(40, '3'));
  CHECK(crash["pipelines"] == 2);
  CHECK(crash["hits"] == 4);
  CHECK(json::parse(*FindingsJson(*store, "", "other"))["findings"].empty());
  CHECK(json::parse(*FindingsJson(*store, "another/repo", ""))["findings"].empty());
}

TEST_CASE("PerfSeriesJson gives medians, spread and the changes of one series") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  std::vector<SampleRecord> samples;
  const std::vector<std::pair<std::string, std::vector<double>>> runs = {
      {"c1", {10, 12, 11}}, {"c2", {11, 10, 12}}, {"c3", {20, 22, 21}}};
  for (const auto& [commit, values] : runs) {
    for (double v : values) {
      SampleRecord r;
      r.repo = "/srv/example/repo";
      r.unikernel = "bench";
      r.cell_key = "target=unix";
      r.metric = "boot_ms";
      r.commit = commit;
      r.host = "h1";
      r.value = v;
      r.unit = "ms";
      r.source = "history";
      samples.push_back(r);
    }
  }
  REQUIRE(store->AddSamples(samples).ok());
  PerfChangeRecord change;
  change.repo = "/srv/example/repo";
  change.unikernel = "bench";
  change.cell_key = "target=unix";
  change.metric = "boot_ms";
  change.host = "h1";
  change.commit = "c3";
  change.base_commit = "c2";
  change.verdict = "slower";
  change.ratio = 1.9;
  change.source = "history";
  REQUIRE(store->AddPerfChange(change).ok());
  change.metric = "cpu_ms";  // another series
  REQUIRE(store->AddPerfChange(change).ok());

  auto list = json::parse(*PerfSeriesListJson(*store));
  REQUIRE(list["series"].size() == 1);
  CHECK(list["series"][0]["metric"] == "boot_ms");
  CHECK(list["series"][0]["changes"] == 1);
  SampleQuery q{"/srv/example/repo", "bench", "target=unix", "h1", {}, "boot_ms"};
  auto series = json::parse(*PerfSeriesJson(*store, q));
  REQUIRE(series["points"].size() == 3);
  CHECK(series["points"][0]["commit"] == "c1");
  CHECK(series["points"][0]["median"] == 11);
  CHECK(series["points"][0]["min"] == 10);
  CHECK(series["points"][0]["max"] == 12);
  CHECK(series["points"][2]["median"] == 21);
  CHECK(series["series"]["unit"] == "ms");
  REQUIRE(series["changes"].size() == 1);
  CHECK(series["changes"][0]["commit"] == "c3");
  CHECK(series["changes"][0]["verdict"] == "slower");
  CHECK(series["order"] == "measured");
  auto along = json::parse(*PerfSeriesJson(*store, q, {"c3", "c1", "c2"}));  // newest first
  CHECK(along["order"] == "history");
  CHECK(along["points"][0]["commit"] == "c2");
  CHECK(along["points"][1]["commit"] == "c1");
  CHECK(along["points"][2]["commit"] == "c3");
}

}  // namespace
}  // namespace cirun
