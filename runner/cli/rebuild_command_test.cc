#include "runner/cli/rebuild_command.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "runner/cli/nightly_command.h"
#include "runner/cli/status_command.h"
#include "runner/perf/bench_step.h"
#include "runner/perf/history_step.h"
#include "runner/pipeline/fuzz_step.h"
#include "runner/store/sqlite_store.h"
#include "tests/scratch_dir.h"

namespace cirun {
namespace {

using testing::ScratchDir;
using testing::Shell;

JobInfo Job(const std::string& name) {
  JobInfo j;
  j.name = name;
  j.unikernel = name.substr(0, name.find(' '));
  j.cell_label = "gcc/virtio";
  j.target = "virtio";
  j.labels = {"target:virtio"};
  j.spec_json = "{}";
  return j;
}

// A finished pipeline whose jobs ended passed, failed, infra, cancelled; plus a skipped one.
int64_t FinishedPipeline(Store& store) {
  PipelineInfo info;
  info.repo = "/srv/repo";
  info.repo_name = "example/repo";
  info.commit = std::string(40, 'a');
  info.ref = "refs/heads/main";
  info.trigger = "push";
  info.delivery_id = "d-1";
  info.options_json = R"({"fail_fast":[]})";
  JobInfo skipped = Job("s skipped");
  skipped.state = JobState::kSkipped;
  skipped.cause = "no toolchain";
  int64_t id = *store.CreatePipeline(
      info, {Job("a passed"), Job("b failed"), Job("c infra"), Job("d cancelled"), skipped});
  for (JobState s : {JobState::kPassed, JobState::kFailed, JobState::kInfra}) {
    auto c = **store.ClaimJob({"w", {"target:virtio"}, std::chrono::seconds(60), id});
    REQUIRE(store.FinishJob(c.job.id, "w", c.job.attempt, {s, "cause", "", 1}).ok());
  }
  REQUIRE(store.CancelQueued(id, "", "fail-fast").ok());
  return id;
}

std::vector<std::string> Names(const std::vector<JobRecord>& jobs) {
  std::vector<std::string> out;
  for (const auto& j : jobs) out.push_back(j.name + ":" + JobStateName(j.state));
  return out;
}

TEST_CASE("rebuild --failed queues the failed, infra and cancelled jobs again") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  int64_t id = FinishedPipeline(*store);
  RebuildOptions o;
  o.store.db = dir / "ci.db";
  o.pipeline = id;
  o.failed_only = true;
  CHECK(RunRebuild(o) == 0);
  auto rebuilt = store->GetPipeline(id + 1);
  REQUIRE(rebuilt.ok());
  CHECK(rebuilt->trigger == "rebuild");
  CHECK(rebuilt->commit == std::string(40, 'a'));
  CHECK(rebuilt->delivery_id.empty());
  CHECK(nlohmann::json::parse(rebuilt->options_json)["rebuild_of"] == id);
  CHECK(Names(*store->ListJobs(id + 1)) ==
        std::vector<std::string>{"b failed:queued", "c infra:queued", "d cancelled:queued"});
}

TEST_CASE("rebuild queues every job, skipped ones stay skipped with their reason") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  int64_t id = FinishedPipeline(*store);
  RebuildOptions o;
  o.store.db = dir / "ci.db";
  o.pipeline = id;
  CHECK(RunRebuild(o) == 0);
  auto jobs = *store->ListJobs(id + 1);
  CHECK(Names(jobs) == std::vector<std::string>{"a passed:queued", "b failed:queued",
                                                "c infra:queued", "d cancelled:queued",
                                                "s skipped:skipped"});
  CHECK(jobs[4].cause == "no toolchain");
  CHECK(jobs[0].labels == std::vector<std::string>{"target:virtio"});
}

TEST_CASE("rebuild of a pull request's pipeline stays untrusted") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  PipelineInfo info;
  info.repo_name = "example/repo";
  info.trigger = "pull_request";
  info.untrusted = true;
  JobInfo failed = Job("a failed");
  failed.state = JobState::kFailed;
  int64_t id = *store->CreatePipeline(info, {failed});
  RebuildOptions o;
  o.store.db = dir / "ci.db";
  o.pipeline = id;
  CHECK(RunRebuild(o) == 0);
  CHECK(store->GetPipeline(id + 1)->trigger == "rebuild");
  CHECK(store->GetPipeline(id + 1)->untrusted);
  CHECK(!store->GetPipeline(FinishedPipeline(*store))->untrusted);
}

TEST_CASE("rebuild refuses unknown and unfinished pipelines") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  PipelineInfo info;
  info.repo_name = "r";
  int64_t id = *store->CreatePipeline(info, {Job("a queued")});
  RebuildOptions o;
  o.store.db = dir / "ci.db";
  o.pipeline = id;
  CHECK(RunRebuild(o) == 2);  // still queued
  o.pipeline = id + 7;
  CHECK(RunRebuild(o) == 2);  // no such pipeline
  o.store.db = dir / "missing.db";
  CHECK(RunRebuild(o) == 2);
  CHECK(store->ListPipelines(10)->size() == 1);
}

TEST_CASE("status --wait returns the pipeline's exit code") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  int64_t id = FinishedPipeline(*store);
  StatusOptions o;
  o.store.db = dir / "ci.db";
  o.pipeline = id;
  o.wait = true;
  CHECK(RunStatus(o) == 1);
  o.wait = false;
  CHECK(RunStatus(o) == 0);
  o.pipeline = id + 1;
  CHECK(RunStatus(o) == 2);
}

TEST_CASE("nightly queues the head of the first branch once a day") {
  ScratchDir dir;
  REQUIRE(Shell(dir.path(), "git init -q -b main repo") == 0);
  dir.Write("repo/.ci-run.yml",
            "matrix: {target: [unix]}\nunikernels:\n  u: {build: 'true', image: x}\n");
  REQUIRE(Shell(dir / "repo",
                "git add -A && git -c user.name=t -c user.email=t@t commit -qm 'nightly head'") ==
          0);
  dir.Write("svc.yml",
            "database: ci.db\ncache-dir: cache\nrepositories:\n  a/b: {url: " + (dir / "repo") +
                "}\n  c/d: {url: x, nightly: false}\n" + "nightly: {fuzz-boots: 500}\n");
  NightlyOptions o;
  o.config = dir / "svc.yml";
  CHECK(RunNightly(o) == 0);
  CHECK(RunNightly(o) == 0);  // the same day: nothing new
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  auto pipelines = *store->ListPipelines(10);
  REQUIRE(pipelines.size() == 1);
  CHECK(pipelines[0].trigger == "nightly");
  CHECK(pipelines[0].ref == "refs/heads/main");
  CHECK(pipelines[0].title == "nightly head");
  CHECK(pipelines[0].delivery_id.starts_with("nightly:a/b:20"));
  const std::string& options = pipelines[0].options_json;
  CHECK(ReadFuzzOptions(options).boots == 500);
  CHECK(ReadFuzzOptions(options).seed == static_cast<uint64_t>(std::time(nullptr) / 86400));
  CHECK(ReadBenchOptions(options).enabled);
  CHECK(ReadHistoryOptions(options).enabled);
  CHECK(!ReadHistoryOptions(R"({"history": "yes"})").enabled);  // malformed: off
  CHECK(store->ListJobs(pipelines[0].id)->size() == 1);
  o.again = true;
  CHECK(RunNightly(o) == 0);
  CHECK(store->ListPipelines(10)->size() == 2);
  o.repos = {"c/d"};          // named explicitly: queued although nightly is off
  CHECK(RunNightly(o) == 1);  // its URL cannot be fetched
  o.repos = {"x/y"};
  CHECK(RunNightly(o) == 2);
}

}  // namespace
}  // namespace cirun
