#include "runner/sqlite_store.h"

#include <doctest/doctest.h>

#include <set>
#include <thread>

#include "tests/scratch_dir.h"

namespace cirun {
namespace {

using testing::ScratchDir;

JobInfo Job(const std::string& name, std::vector<std::string> labels = {"target:virtio"}) {
  JobInfo j;
  j.name = name;
  j.unikernel = name.substr(0, name.find(' '));
  j.cell_key = "target=virtio";
  j.cell_label = "virtio";
  j.target = "virtio";
  j.labels = std::move(labels);
  j.spec_json = "{}";
  return j;
}

PipelineInfo Pipeline(const std::string& delivery = "") {
  PipelineInfo p;
  p.repo = "/repo";
  p.repo_name = "repo";
  p.commit = std::string(40, 'a');
  p.ref = "HEAD";
  p.trigger = "local";
  p.delivery_id = delivery;
  return p;
}

ClaimRequest Worker(const std::string& name,
                    std::chrono::milliseconds lease = std::chrono::seconds(60)) {
  return {name, {"target:virtio", "target:unix"}, lease, std::nullopt};
}

TEST_CASE("SqliteStore creates a pipeline with its jobs queued") {
  ScratchDir dir;
  auto store = OpenSqliteStore(dir / "db/ci.db");
  REQUIRE(store.ok());
  bool created = false;
  auto id = (*store)->CreatePipeline(Pipeline(), {Job("hello a"), Job("hello b")}, &created);
  REQUIRE(id.ok());
  CHECK(created);
  auto jobs = (*store)->ListJobs(*id);
  REQUIRE(jobs->size() == 2);
  CHECK((*jobs)[0].state == JobState::kQueued);
  CHECK((*jobs)[0].labels == std::vector<std::string>{"target:virtio"});
  CHECK((*store)->GetPipeline(*id)->state == "queued");
}

TEST_CASE("SqliteStore deduplicates pipelines by delivery id") {
  ScratchDir dir;
  auto store = OpenSqliteStore(dir / "ci.db");
  auto first = (*store)->CreatePipeline(Pipeline("d-1"), {Job("hello a")});
  bool created = true;
  auto second = (*store)->CreatePipeline(Pipeline("d-1"), {Job("hello a")}, &created);
  CHECK(*first == *second);
  CHECK(!created);
  CHECK((*store)->ListPipelines(10)->size() == 1);
}

TEST_CASE("SqliteStore hands each job to one worker only, oldest first") {
  ScratchDir dir;
  auto store = OpenSqliteStore(dir / "ci.db");
  (*store)->CreatePipeline(Pipeline(), {Job("hello a"), Job("hello b")});
  auto a = (*store)->ClaimJob(Worker("w1"));
  auto b = (*store)->ClaimJob(Worker("w2"));
  auto none = (*store)->ClaimJob(Worker("w3"));
  REQUIRE(a->has_value());
  REQUIRE(b->has_value());
  CHECK((*a)->job.name == "hello a");
  CHECK((*b)->job.name == "hello b");
  CHECK((*a)->job.attempt == 1);
  CHECK((*a)->pipeline.repo == "/repo");
  CHECK(!none->has_value());
}

TEST_CASE("SqliteStore only gives a worker jobs whose labels it offers") {
  ScratchDir dir;
  auto store = OpenSqliteStore(dir / "ci.db");
  (*store)->CreatePipeline(Pipeline(), {Job("hello xen", {"target:xen"}), Job("hello v")});
  auto claimed = (*store)->ClaimJob(Worker("w1"));
  REQUIRE(claimed->has_value());
  CHECK((*claimed)->job.name == "hello v");
  CHECK(!(*store)->ClaimJob(Worker("w1"))->has_value());
}

TEST_CASE("SqliteStore writes a result once, only from the lease holder") {
  ScratchDir dir;
  auto store = OpenSqliteStore(dir / "ci.db");
  auto id = (*store)->CreatePipeline(Pipeline(), {Job("hello a")});
  auto c = **(*store)->ClaimJob(Worker("w1"));
  JobResult passed{JobState::kPassed, "", "ci-run local ...", 12};
  CHECK((*store)->FinishJob(c.job.id, "w2", c.job.attempt, passed).code() ==
        Status::Code::kFailedPrecondition);
  CHECK((*store)->FinishJob(c.job.id, "w1", c.job.attempt, passed).ok());
  CHECK((*store)->FinishJob(c.job.id, "w1", c.job.attempt, passed).code() ==
        Status::Code::kFailedPrecondition);
  auto job = (*store)->ListJobs(*id)->at(0);
  CHECK(job.state == JobState::kPassed);
  CHECK(job.reproducer == "ci-run local ...");
  CHECK((*store)->GetPipeline(*id)->state == "passed");
  CHECK((*store)->GetPipeline(*id)->finished_ms > 0);
}

TEST_CASE(
    "SqliteStore requeues a job whose lease expired; the old holder can no longer finish it") {
  ScratchDir dir;
  auto store = OpenSqliteStore(dir / "ci.db");
  auto id = (*store)->CreatePipeline(Pipeline(), {Job("hello a")});
  auto dead = **(*store)->ClaimJob(Worker("dead", std::chrono::milliseconds(1)));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(*(*store)->RequeueExpired() == 1);
  auto alive = **(*store)->ClaimJob(Worker("alive"));
  CHECK(alive.job.id == dead.job.id);
  CHECK(alive.job.attempt == 2);
  JobResult r{JobState::kPassed, "", "", 1};
  CHECK(
      (*store)->Heartbeat(dead.job.id, "dead", dead.job.attempt, std::chrono::seconds(1)).code() ==
      Status::Code::kFailedPrecondition);
  CHECK((*store)->FinishJob(dead.job.id, "dead", dead.job.attempt, r).code() ==
        Status::Code::kFailedPrecondition);
  CHECK(
      (*store)->Heartbeat(alive.job.id, "alive", alive.job.attempt, std::chrono::seconds(60)).ok());
  CHECK((*store)->FinishJob(alive.job.id, "alive", alive.job.attempt, r).ok());
  CHECK((*store)->ListJobs(*id)->at(0).attempt == 2);
}

TEST_CASE("SqliteStore shows the steps of the current attempt only") {
  ScratchDir dir;
  auto store = OpenSqliteStore(dir / "ci.db");
  (*store)->CreatePipeline(Pipeline(), {Job("hello a")});
  auto first = **(*store)->ClaimJob(Worker("w1", std::chrono::milliseconds(1)));
  StepRecord s;
  s.job_id = first.job.id;
  s.attempt = first.job.attempt;
  s.name = "build";
  s.outcome = "passed";
  s.first_byte_ms = 7;
  REQUIRE((*store)->AddStep(s).ok());
  CHECK((*store)->ListSteps(first.job.id)->size() == 1);
  CHECK((*store)->ListSteps(first.job.id)->at(0).first_byte_ms == 7);
  CHECK(!(*store)->ListSteps(first.job.id)->at(0).success_ms.has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  (*store)->RequeueExpired();
  auto second = **(*store)->ClaimJob(Worker("w2"));
  CHECK((*store)->ListSteps(second.job.id)->empty());
}

TEST_CASE("SqliteStore cancels queued jobs of one unikernel and settles the pipeline") {
  ScratchDir dir;
  auto store = OpenSqliteStore(dir / "ci.db");
  auto id = (*store)->CreatePipeline(Pipeline(), {Job("hello a"), Job("hello b"), Job("other c")});
  auto c = **(*store)->ClaimJob(Worker("w1"));
  CHECK(*(*store)->CancelQueued(*id, "hello", "fail-fast") == 1);
  (*store)->FinishJob(c.job.id, "w1", c.job.attempt, {JobState::kFailed, "boom", "", 1});
  auto jobs = *(*store)->ListJobs(*id);
  CHECK(jobs[1].state == JobState::kCancelled);
  CHECK(jobs[1].cause == "fail-fast");
  CHECK(jobs[2].state == JobState::kQueued);
  CHECK((*store)->GetPipeline(*id)->state == "running");
}

TEST_CASE("SqliteStore stores skipped jobs as final with their reason") {
  ScratchDir dir;
  auto store = OpenSqliteStore(dir / "ci.db");
  JobInfo skipped = Job("hello a");
  skipped.state = JobState::kSkipped;
  skipped.cause = "no toolchain named \"ocaml-5.3\" on this host";
  auto id = (*store)->CreatePipeline(Pipeline(), {skipped});
  CHECK(!(*store)->ClaimJob(Worker("w"))->has_value());
  CHECK((*store)->ListJobs(*id)->at(0).cause == skipped.cause);
  CHECK((*store)->GetPipeline(*id)->state == "passed");
}

TEST_CASE("SqliteStore survives concurrent claims from many threads and processes' connections") {
  ScratchDir dir;
  auto a = OpenSqliteStore(dir / "ci.db");
  auto b = OpenSqliteStore(dir / "ci.db");  // a second connection, as a second process would have
  std::vector<JobInfo> jobs;
  for (int i = 0; i < 40; ++i) jobs.push_back(Job("u " + std::to_string(i)));
  (*a)->CreatePipeline(Pipeline(), jobs);
  std::mutex mu;
  std::multiset<int64_t> claimed;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Store& s = t % 2 ? **a : **b;
      while (true) {
        auto c = s.ClaimJob(Worker("w" + std::to_string(t)));
        if (!c.ok() || !c->has_value()) break;
        std::lock_guard lock(mu);
        claimed.insert((*c)->job.id);
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(claimed.size() == 40);
  CHECK(std::set<int64_t>(claimed.begin(), claimed.end()).size() == 40);
}

TEST_CASE("SqliteStore keeps fuzz findings per pipeline, current attempts only") {
  ScratchDir dir;
  auto store = OpenSqliteStore(dir / "ci.db");
  auto p1 = (*store)->CreatePipeline(Pipeline(), {Job("bootvars a")});
  auto p2 = (*store)->CreatePipeline(Pipeline(), {Job("bootvars b")});
  auto first = **(*store)->ClaimJob(Worker("w1", std::chrono::milliseconds(1)));
  REQUIRE(first.job.pipeline_id == *p1);
  FindingRecord f;
  f.job_id = first.job.id;
  f.attempt = first.job.attempt;
  f.repo = "/repo";
  f.commit = std::string(40, 'a');
  f.unikernel = "bootvars";
  f.cell_key = "target=virtio";
  f.signature = "hung: port: # | verbose: false";
  f.outcome = "hung";
  f.cause = "timed out after 1s";
  f.command_line = "--port=0";
  f.original = "--name=ci --port=0";
  f.reproducer = "ci-run local /repo --cmdline=--port=0";
  f.boot_reproducer = "ci-run boot x";
  f.hits = 3;
  f.seed = 7;
  auto id = (*store)->AddFinding(f);
  REQUIRE(id.ok());
  auto found = (*store)->ListFindings(*p1);
  REQUIRE(found.ok());
  REQUIRE(found->size() == 1);
  const FindingRecord& back = found->at(0);
  CHECK(back.id == *id);
  CHECK(back.pipeline_id == *p1);
  CHECK(back.signature == f.signature);
  CHECK(back.command_line == "--port=0");
  CHECK(back.original == f.original);
  CHECK(back.reproducer == f.reproducer);
  CHECK(back.boot_reproducer == f.boot_reproducer);
  CHECK(back.hits == 3);
  CHECK(back.seed == 7);
  CHECK(back.created_ms > 0);
  CHECK((*store)->ListFindings(*p2)->empty());
  // A new attempt of the job hides the old attempt's findings.
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  (*store)->RequeueExpired();
  auto second = **(*store)->ClaimJob(Worker("w2"));
  REQUIRE(second.job.id == first.job.id);
  CHECK((*store)->ListFindings(*p1)->empty());
}

TEST_CASE("OpenStore rejects unknown URL schemes") {
  CHECK(OpenStore("mysql://x").status().code() == Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace cirun
