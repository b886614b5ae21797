// The Store contract (store.h), one body run against every backend: SQLite
// and PostgreSQL (see tests/store_backends.h for how the server is found),
// then what is particular to SQLite. The other parts of
// the contract: store_{workers,findings,perf}_contract_test.cc.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include "runner/store/store.h"
#include "tests/store_backends.h"
#include "tests/store_records.h"

namespace cirun {
namespace {

using testing::Job;
using testing::Pipeline;
using testing::Worker;

TEST_CASE_TEMPLATE("Store creates a pipeline with its jobs queued", B, STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  bool created = false;
  PipelineInfo info = Pipeline();
  info.title = "a title with 'quotes' and \"double quotes\"";
  info.options_json = R"({"fail_fast":["hello"]})";
  auto id = store->CreatePipeline(info, {Job("hello a"), Job("hello b")}, &created);
  REQUIRE(id.ok());
  CHECK(created);
  auto jobs = store->ListJobs(*id);
  REQUIRE(jobs->size() == 2);
  CHECK((*jobs)[0].state == JobState::kQueued);
  CHECK((*jobs)[0].name == "hello a");
  CHECK((*jobs)[0].labels == std::vector<std::string>{"target:virtio"});
  auto pipeline = store->GetPipeline(*id);
  REQUIRE(pipeline.ok());
  CHECK(pipeline->state == "queued");
  CHECK(pipeline->title == info.title);
  CHECK(pipeline->options_json == info.options_json);
  CHECK(pipeline->commit == info.commit);
  CHECK(pipeline->created_ms > 0);
  CHECK(store->GetPipeline(*id + 100).status().code() == Status::Code::kNotFound);
}

TEST_CASE_TEMPLATE("Store keeps whether a pipeline is untrusted", B, STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  PipelineInfo pr = Pipeline();
  pr.trigger = "pull_request";
  pr.untrusted = true;
  auto untrusted = store->CreatePipeline(pr, {Job("hello a")});
  auto trusted = store->CreatePipeline(Pipeline(), {Job("hello b")});
  REQUIRE(untrusted.ok());
  REQUIRE(trusted.ok());
  CHECK(store->GetPipeline(*untrusted)->untrusted);
  CHECK(!store->GetPipeline(*trusted)->untrusted);
  auto listed = store->ListPipelines(10);
  REQUIRE(listed->size() == 2);
  CHECK(!(*listed)[0].untrusted);
  CHECK((*listed)[1].untrusted);
  auto claimed = store->ClaimJob(Worker("w1"));
  REQUIRE(claimed->has_value());
  CHECK((*claimed)->pipeline.id == *untrusted);
  CHECK((*claimed)->pipeline.untrusted);
}

TEST_CASE_TEMPLATE("Store adds the untrusted column to an existing database", B, STORE_BACKENDS) {
  B backend;
  int64_t old_id;
  {
    CIRUN_OPEN_STORE(backend, store);
    old_id = *store->CreatePipeline(Pipeline(), {Job("hello a")});
  }
  // A database from before the column: drop it, as if never added.
  testing::ExecSql(backend, "ALTER TABLE pipelines DROP COLUMN untrusted");
  // A database from before: no record of the schema it has (PostgreSQL).
  testing::ExecSql(backend, "DROP TABLE IF EXISTS schema_version");
  CIRUN_OPEN_STORE(backend, again);
  CHECK(!again->GetPipeline(old_id)->untrusted);
  PipelineInfo pr = Pipeline();
  pr.untrusted = true;
  auto id = again->CreatePipeline(pr, {Job("hello a")});
  REQUIRE(id.ok());
  CHECK(again->GetPipeline(*id)->untrusted);
  CIRUN_OPEN_STORE(backend, third);  // opening an up-to-date database changes nothing
  CHECK(third->GetPipeline(*id)->untrusted);
}

TEST_CASE_TEMPLATE("Store holds waiting jobs until their pipeline is approved", B, STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  testing::TestClock clock(*store);
  JobInfo waiting = Job("hello a");
  waiting.state = JobState::kWaiting;
  waiting.cause = "waiting for approval: pull request by mallory (NONE)";
  JobInfo skipped = Job("hello b");
  skipped.state = JobState::kSkipped;
  PipelineInfo pr = Pipeline();
  pr.trigger = "pull_request";
  pr.untrusted = true;
  auto id = store->CreatePipeline(pr, {waiting, skipped});
  auto trusted = store->CreatePipeline(Pipeline(), {Job("hello c")});
  REQUIRE(id.ok());
  CHECK(store->GetPipeline(*id)->state == "waiting");
  CHECK(store->GetPipeline(*id)->finished_ms == 0);
  CHECK(store->ListJobs(*id)->at(0).state == JobState::kWaiting);
  CHECK(store->ListJobs(*id)->at(0).cause == waiting.cause);
  auto listed = store->ListWaitingPipelines();
  REQUIRE(listed->size() == 1);
  CHECK(listed->at(0).id == *id);
  CHECK(listed->at(0).untrusted);
  // No worker claims it and the queue timeout does not end it.
  auto other = store->ClaimJob(Worker("w1"));
  REQUIRE(other->has_value());
  CHECK((*other)->job.pipeline_id == *trusted);
  CHECK(!store->ClaimJob(Worker("w2"))->has_value());
  clock.Pass(std::chrono::milliseconds(20));
  CHECK(*store->ExpireUnclaimed(std::chrono::milliseconds(5)) == 0);
  auto counts = *store->CountJobsByState();
  CHECK(std::count(counts.begin(), counts.end(),
                   std::make_pair(std::string("waiting"), int64_t{1})) == 1);

  CHECK(*store->ApprovePipeline(*id) == 1);
  CHECK(store->GetPipeline(*id)->state == "running");  // one queued, one skipped
  CHECK(store->ListJobs(*id)->at(0).state == JobState::kQueued);
  CHECK(store->ListJobs(*id)->at(0).cause.empty());
  CHECK(store->ListWaitingPipelines()->empty());
  CHECK(*store->ApprovePipeline(*id) == 0);  // approved already
  CHECK(*store->ApprovePipeline(*trusted) == 0);
  CHECK(store->ApprovePipeline(*id + 100).status().code() == Status::Code::kNotFound);
  auto claimed = store->ClaimJob(Worker("w2"));
  REQUIRE(claimed->has_value());
  CHECK((*claimed)->job.pipeline_id == *id);
  CHECK((*claimed)->pipeline.state == "running");
  CHECK(store->FinishJob((*claimed)->job.id, "w2", 1, {JobState::kPassed, "", "", 1}).ok());
  CHECK(store->GetPipeline(*id)->state == "passed");
}

TEST_CASE_TEMPLATE("Store deduplicates pipelines by delivery id", B, STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  auto first = store->CreatePipeline(Pipeline("d-1"), {Job("hello a")});
  bool created = true;
  auto second = store->CreatePipeline(Pipeline("d-1"), {Job("hello a")}, &created);
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(*first == *second);
  CHECK(!created);
  CHECK(store->ListPipelines(10)->size() == 1);
  CHECK(store->ListJobs(*first)->size() == 1);
  CHECK(store->GetPipeline(*first)->delivery_id == "d-1");
  // Pipelines without a delivery id are never deduplicated.
  auto third = store->CreatePipeline(Pipeline(), {Job("hello a")});
  REQUIRE(store->CreatePipeline(Pipeline(), {Job("hello a")}).ok());
  CHECK(store->ListPipelines(10)->size() == 3);
  // The duplicate used no number: users see pipelines 1, 2, 3.
  REQUIRE(third.ok());
  CHECK(*third == *first + 1);
}

TEST_CASE_TEMPLATE("Store numbers pipelines created at once on two connections without gaps", B,
                   STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, a);
  CIRUN_OPEN_STORE(backend, b);
  std::mutex mu;
  std::set<int64_t> ids;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Store& s = t % 2 ? *a : *b;
      for (int i = 0; i < 10; ++i) {
        // Every other creation repeats a delivery another thread may have made.
        const std::string delivery = i % 2 ? "d-" + std::to_string(i) : "";
        auto id = s.CreatePipeline(Pipeline(delivery), {Job("u a"), Job("u b")});
        if (!id.ok()) continue;
        std::lock_guard lock(mu);
        ids.insert(*id);
      }
    });
  }
  for (auto& t : threads) t.join();
  // 4 x 5 without a delivery id, and 5 distinct deliveries.
  REQUIRE(ids.size() == 25);
  CHECK(*ids.rbegin() - *ids.begin() == 24);
}

TEST_CASE_TEMPLATE("Store opens while other connections claim and finish jobs", B, STORE_BACKENDS) {
  // Workers starting at once: opening a store on a current database must not
  // take table locks that deadlock with the others' claims (PostgreSQL
  // reported "deadlock detected" to 1 of 8 benchmark workers).
  B backend;
  CIRUN_OPEN_STORE(backend, first);
  std::vector<JobInfo> jobs;
  for (int i = 0; i < 400; ++i) jobs.push_back(Job("u " + std::to_string(i)));
  REQUIRE(first->CreatePipeline(Pipeline(), jobs).ok());
  std::atomic<int> opened{0}, failed{0}, finished{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      auto store = backend.Open();
      if (!store.ok()) {
        ++failed;
        MESSAGE("open: " << store.status().ToString());
        return;
      }
      ++opened;
      const std::string worker = "w" + std::to_string(t);
      for (int i = 0; i < 10; ++i) {
        auto claimed = (*store)->ClaimJob(Worker(worker));
        if (!claimed.ok() || !*claimed) break;
        const ClaimedJob& c = **claimed;
        if ((*store)
                ->FinishJob(c.job.id, worker, c.job.attempt, {JobState::kPassed, "", "", 1})
                .ok())
          ++finished;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failed == 0);
  CHECK(opened == 16);
  CHECK(finished == 160);
}

TEST_CASE_TEMPLATE("Store hands each job to one worker only and oldest first", B, STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  REQUIRE(store->CreatePipeline(Pipeline(), {Job("hello a"), Job("hello b")}).ok());
  auto a = store->ClaimJob(Worker("w1"));
  auto b = store->ClaimJob(Worker("w2"));
  auto none = store->ClaimJob(Worker("w3"));
  REQUIRE(a->has_value());
  REQUIRE(b->has_value());
  CHECK((*a)->job.name == "hello a");
  CHECK((*b)->job.name == "hello b");
  CHECK((*a)->job.attempt == 1);
  CHECK((*a)->job.worker == "w1");
  CHECK((*a)->job.state == JobState::kRunning);
  CHECK((*a)->pipeline.repo == "/repo");
  CHECK((*a)->pipeline.state == "running");
  CHECK(!none->has_value());
}

TEST_CASE_TEMPLATE("Store only gives a worker jobs whose labels it offers", B, STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  REQUIRE(store
              ->CreatePipeline(Pipeline(), {Job("hello xen", {"target:xen"}),
                                            Job("hello both", {"target:virtio", "toolchain:gcc"}),
                                            Job("hello v")})
              .ok());
  auto claimed = store->ClaimJob(Worker("w1"));
  REQUIRE(claimed->has_value());
  CHECK((*claimed)->job.name == "hello v");
  CHECK(!store->ClaimJob(Worker("w1"))->has_value());
  ClaimRequest gcc{"w2", {"toolchain:gcc", "target:virtio"}, std::chrono::seconds(60), {}};
  auto both = store->ClaimJob(gcc);
  REQUIRE(both->has_value());
  CHECK((*both)->job.name == "hello both");
}

TEST_CASE_TEMPLATE("Store claims only the given pipeline's jobs when asked", B, STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  auto first = store->CreatePipeline(Pipeline(), {Job("hello a")});
  auto second = store->CreatePipeline(Pipeline(), {Job("hello b")});
  ClaimRequest only = Worker("w1");
  only.pipeline_id = *second;
  auto claimed = store->ClaimJob(only);
  REQUIRE(claimed->has_value());
  CHECK((*claimed)->job.pipeline_id == *second);
  CHECK(!store->ClaimJob(only)->has_value());
  CHECK(store->GetPipeline(*first)->state == "queued");
}

TEST_CASE_TEMPLATE("Store writes a result once and only from the lease holder", B, STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  auto id = store->CreatePipeline(Pipeline(), {Job("hello a")});
  auto c = **store->ClaimJob(Worker("w1"));
  JobResult passed{JobState::kPassed, "", "ci-run local ...", 12};
  CHECK(store->FinishJob(c.job.id, "w2", c.job.attempt, passed).code() ==
        Status::Code::kFailedPrecondition);
  CHECK(store->FinishJob(c.job.id, "w1", c.job.attempt, passed).ok());
  CHECK(store->FinishJob(c.job.id, "w1", c.job.attempt, passed).code() ==
        Status::Code::kFailedPrecondition);
  auto job = store->ListJobs(*id)->at(0);
  CHECK(job.state == JobState::kPassed);
  CHECK(job.reproducer == "ci-run local ...");
  CHECK(job.duration_ms == 12);
  CHECK(job.finished_ms > 0);
  CHECK(store->GetPipeline(*id)->state == "passed");
  CHECK(store->GetPipeline(*id)->finished_ms > 0);
}

TEST_CASE_TEMPLATE(
    "Store requeues a job whose lease expired and the old holder can no longer finish it", B,
    STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  testing::TestClock clock(*store);
  auto id = store->CreatePipeline(Pipeline(), {Job("hello a")});
  auto dead = **store->ClaimJob(Worker("dead", std::chrono::milliseconds(1)));
  clock.Pass(std::chrono::milliseconds(20));
  CHECK(*store->RequeueExpired() == 1);
  CHECK(*store->RequeueExpired() == 0);
  auto alive = **store->ClaimJob(Worker("alive"));
  CHECK(alive.job.id == dead.job.id);
  CHECK(alive.job.attempt == 2);
  JobResult r{JobState::kPassed, "", "", 1};
  CHECK(store->Heartbeat(dead.job.id, "dead", dead.job.attempt, std::chrono::seconds(1)).code() ==
        Status::Code::kFailedPrecondition);
  CHECK(store->FinishJob(dead.job.id, "dead", dead.job.attempt, r).code() ==
        Status::Code::kFailedPrecondition);
  CHECK(store->Heartbeat(alive.job.id, "alive", alive.job.attempt, std::chrono::seconds(60)).ok());
  CHECK(*store->RequeueExpired() == 0);  // a live lease is not taken away
  CHECK(store->FinishJob(alive.job.id, "alive", alive.job.attempt, r).ok());
  CHECK(store->ListJobs(*id)->at(0).attempt == 2);
  CHECK(store->ListJobs(*id)->at(0).worker == "alive");
}

TEST_CASE_TEMPLATE("Store's test clock: a minute's lease expires when a minute passes, at once", B,
                   STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  testing::TestClock clock(*store);
  REQUIRE(store->CreatePipeline(Pipeline(), {Job("hello a")}).ok());
  auto held = **store->ClaimJob(Worker("w1", std::chrono::seconds(60)));
  clock.Pass(std::chrono::seconds(59));
  CHECK(*store->RequeueExpired() == 0);
  CHECK(store->Heartbeat(held.job.id, "w1", held.job.attempt, std::chrono::seconds(60)).ok());
  clock.Pass(std::chrono::seconds(59));  // 118 s after the claim, 59 s after the heartbeat
  CHECK(*store->RequeueExpired() == 0);
  clock.Pass(std::chrono::seconds(2));
  CHECK(*store->RequeueExpired() == 1);
  CHECK((**store->ClaimJob(Worker("w2"))).job.started_ms == 1'800'000'000'000 + 120'000);
  // Back on the real clock: a claim starts now.
  REQUIRE(store->RequeueExpired().ok());
  REQUIRE(store->ReleaseJob(held.job.id, "w2", held.job.attempt + 1).ok());
  REQUIRE(store->SetClockForTesting(std::nullopt).ok());
  const int64_t started = (**store->ClaimJob(Worker("w3"))).job.started_ms;
  CHECK(std::abs(started - NowMs()) < 60'000);
}

TEST_CASE_TEMPLATE("Store expires the jobs no worker claimed within the queue timeout", B,
                   STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  testing::TestClock clock(*store);
  auto id = store->CreatePipeline(Pipeline(), {Job("hello a"), Job("hello b"),
                                               Job("hello xen", {"target:xen", "toolchain:gcc"})});
  REQUIRE(id.ok());
  auto running = **store->ClaimJob(Worker("w1"));
  auto lost = **store->ClaimJob(Worker("dead", std::chrono::milliseconds(1)));
  clock.Pass(std::chrono::milliseconds(20));
  REQUIRE(*store->RequeueExpired() == 1);  // "hello b": queued again, but a worker took it once
  CHECK(*store->ExpireUnclaimed(std::chrono::hours(1)) == 0);
  CHECK(*store->ExpireUnclaimed(std::chrono::milliseconds(5)) == 1);
  CHECK(*store->ExpireUnclaimed(std::chrono::milliseconds(5)) == 0);
  auto jobs = *store->ListJobs(*id);
  CHECK(jobs[0].state == JobState::kRunning);
  CHECK(jobs[1].state == JobState::kQueued);
  CHECK(jobs[2].state == JobState::kInfra);
  CHECK(jobs[2].cause == "no worker offering target:xen toolchain:gcc claimed it within 5ms");
  CHECK(jobs[2].finished_ms > 0);
  CHECK(store->GetPipeline(*id)->state == "running");
  JobResult passed{JobState::kPassed, "", "", 1};
  CHECK(store->FinishJob(running.job.id, "w1", running.job.attempt, passed).ok());
  auto again = **store->ClaimJob(Worker("w1"));
  CHECK(again.job.id == lost.job.id);
  CHECK(store->FinishJob(again.job.id, "w1", again.job.attempt, passed).ok());
  CHECK(store->GetPipeline(*id)->state == "failed");
}

TEST_CASE_TEMPLATE("Store tells the holder of a running job that it is to be cancelled", B,
                   STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  auto id = store->CreatePipeline(Pipeline(), {Job("hello a"), Job("hello b")});
  auto other = store->CreatePipeline(Pipeline(), {Job("hello c")});
  REQUIRE(id.ok());
  REQUIRE(other.ok());
  ClaimRequest only = Worker("w1", std::chrono::milliseconds(60000));
  only.pipeline_id = *id;
  auto c = **store->ClaimJob(only);  // "hello b" stays queued
  ClaimRequest elsewhere = Worker("w2", std::chrono::milliseconds(60000));
  elsewhere.pipeline_id = *other;
  auto d = **store->ClaimJob(elsewhere);
  CHECK(store->Heartbeat(c.job.id, "w1", c.job.attempt, std::chrono::minutes(1)).ok());
  CHECK(*store->RequestCancel(*id) == 1);  // the running job only
  const Status told = store->Heartbeat(c.job.id, "w1", c.job.attempt, std::chrono::minutes(1));
  CHECK(told.code() == Status::Code::kCancelled);
  // The lease was extended all the same: the holder still writes the result.
  auto requeued = store->RequeueExpired();
  REQUIRE(requeued.ok());
  CHECK(*requeued == 0);
  CHECK(store->Heartbeat(d.job.id, "w2", d.job.attempt, std::chrono::minutes(1)).ok());
  CHECK(store->Heartbeat(c.job.id, "w3", c.job.attempt, std::chrono::minutes(1)).code() ==
        Status::Code::kFailedPrecondition);
  CHECK(store->FinishJob(c.job.id, "w1", c.job.attempt, {JobState::kCancelled, "cancelled", "", 1})
            .ok());
  auto jobs = store->ListJobs(*id);
  CHECK(jobs->at(0).state == JobState::kCancelled);
  CHECK(jobs->at(1).state == JobState::kQueued);
  CHECK(*store->RequestCancel(*id) == 0);  // nothing runs now
}

TEST_CASE_TEMPLATE("Store hands a released job back to the queue", B, STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  REQUIRE(store->CreatePipeline(Pipeline(), {Job("hello a")}).ok());
  auto first = **store->ClaimJob(Worker("w1"));
  CHECK(store->ReleaseJob(first.job.id, "w2", first.job.attempt).code() ==
        Status::Code::kFailedPrecondition);
  REQUIRE(store->ReleaseJob(first.job.id, "w1", first.job.attempt).ok());
  auto second = **store->ClaimJob(Worker("w2"));
  CHECK(second.job.id == first.job.id);
  CHECK(second.job.attempt == 2);
  CHECK(store->FinishJob(first.job.id, "w1", first.job.attempt, {}).code() ==
        Status::Code::kFailedPrecondition);
}

TEST_CASE_TEMPLATE("Store shows the steps of the current attempt only", B, STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  testing::TestClock clock(*store);
  REQUIRE(store->CreatePipeline(Pipeline(), {Job("hello a")}).ok());
  auto first = **store->ClaimJob(Worker("w1", std::chrono::milliseconds(1)));
  StepRecord s;
  s.job_id = first.job.id;
  s.attempt = first.job.attempt;
  s.name = "build";
  s.outcome = "passed";
  s.first_byte_ms = 7;
  s.log = "line 1\nline 'two'\n";
  REQUIRE(store->AddStep(s).ok());
  auto steps = store->ListSteps(first.job.id);
  REQUIRE(steps->size() == 1);
  CHECK(steps->at(0).first_byte_ms == 7);
  CHECK(!steps->at(0).success_ms.has_value());
  CHECK(steps->at(0).log == s.log);
  CHECK(steps->at(0).detail_json == "{}");
  clock.Pass(std::chrono::milliseconds(10));
  REQUIRE(store->RequeueExpired().ok());
  auto second = **store->ClaimJob(Worker("w2"));
  CHECK(store->ListSteps(second.job.id)->empty());
}

TEST_CASE_TEMPLATE("Store lists steps without their logs and reads a log in pieces", B,
                   STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  testing::TestClock clock(*store);
  REQUIRE(store->CreatePipeline(Pipeline(), {Job("hello a")}).ok());
  auto first = **store->ClaimJob(Worker("w1", std::chrono::milliseconds(1)));
  StepRecord build;
  build.job_id = first.job.id;
  build.attempt = first.job.attempt;
  build.name = "build";
  build.outcome = "passed";
  build.log = "compiled\n";
  StepRecord boot = build;
  boot.name = "boot";
  boot.outcome = "crashed";
  boot.cause = "it crashed";
  boot.excerpt = "2: PANIC";
  boot.detail_json = R"({"exit":3})";
  // Multi-byte characters: sizes and offsets are in bytes.
  boot.log = "h\xC3\xA9llo \xE2\x9C\x93 'quoted'\n";
  for (int i = 0; i < 2000; ++i) boot.log += "line " + std::to_string(i) + "\n";
  REQUIRE(store->AddStep(build).ok());
  REQUIRE(store->AddStep(boot).ok());
  auto steps = store->ListStepsWithoutLogs(first.job.id);
  REQUIRE(steps.ok());
  REQUIRE(steps->size() == 2);
  CHECK(steps->at(0).step.name == "build");
  CHECK(steps->at(0).log_bytes == static_cast<int64_t>(build.log.size()));
  const StepSummary& b = steps->at(1);
  CHECK(b.step.log.empty());
  CHECK(b.log_bytes == static_cast<int64_t>(boot.log.size()));
  CHECK(b.step.outcome == "crashed");
  CHECK(b.step.cause == "it crashed");
  CHECK(b.step.excerpt == "2: PANIC");
  CHECK(b.step.detail_json == boot.detail_json);
  CHECK(b.step.attempt == first.job.attempt);
  CHECK(b.id != steps->at(0).id);
  // Pieces, in bytes, including one that cuts a character in two.
  CHECK(*store->ReadStepLog(b.id, 0, 2) == "h\xC3");
  CHECK(*store->ReadStepLog(b.id, 1, 2) == "\xC3\xA9");
  CHECK(*store->ReadStepLog(b.id, 100, 50) == boot.log.substr(100, 50));
  std::string whole;
  for (int64_t at = 0; at < b.log_bytes; at += 1000) whole += *store->ReadStepLog(b.id, at, 1000);
  CHECK(whole == boot.log);
  CHECK(*store->ReadStepLog(b.id, b.log_bytes - 3, 100) == boot.log.substr(boot.log.size() - 3));
  CHECK(store->ReadStepLog(b.id, b.log_bytes + 10, 100)->empty());
  CHECK(store->ReadStepLog(b.id, 0, 0)->empty());
  CHECK(store->ReadStepLog(b.id + 100, 0, 10).status().code() == Status::Code::kNotFound);
  // A new attempt starts with no steps, as ListSteps.
  clock.Pass(std::chrono::milliseconds(10));
  REQUIRE(store->RequeueExpired().ok());
  auto second = **store->ClaimJob(Worker("w2"));
  CHECK(store->ListStepsWithoutLogs(second.job.id)->empty());
}

TEST_CASE_TEMPLATE("Store keeps one live log a job until it is cleared", B, STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  REQUIRE(store->CreatePipeline(Pipeline(), {Job("hello a"), Job("hello b")}).ok());
  auto a = **store->ClaimJob(Worker("w1"));
  auto b = **store->ClaimJob(Worker("w1"));
  CHECK(!store->GetLiveLog(a.job.id)->has_value());
  REQUIRE(store->SetLiveLog({a.job.id, a.job.attempt, "boot", "line 1\n<b>'x'</b>\n", 0}).ok());
  REQUIRE(store->SetLiveLog({b.job.id, b.job.attempt, "build", "cc\n", 0}).ok());
  REQUIRE(store->SetLiveLog({a.job.id, a.job.attempt, "boot", "line 1\nline 2\n", 0}).ok());
  auto live = store->GetLiveLog(a.job.id);
  REQUIRE(live.ok());
  REQUIRE(live->has_value());
  CHECK((*live)->step == "boot");
  CHECK((*live)->attempt == a.job.attempt);
  CHECK((*live)->text == "line 1\nline 2\n");
  CHECK((*live)->updated_ms > 0);
  REQUIRE(store->ClearLiveLog(a.job.id).ok());
  CHECK(!store->GetLiveLog(a.job.id)->has_value());
  CHECK((*store->GetLiveLog(b.job.id))->text == "cc\n");
  CHECK(store->ClearLiveLog(a.job.id).ok());
}

TEST_CASE_TEMPLATE("Store keeps the excerpt of a step, also in a database from before it", B,
                   STORE_BACKENDS) {
  B backend;
  {
    CIRUN_OPEN_STORE(backend, store);
    REQUIRE(store->CreatePipeline(Pipeline(), {Job("hello a")}).ok());
  }
  // A database from before the column: drop it, as if never added.
  testing::ExecSql(backend, "ALTER TABLE steps DROP COLUMN excerpt");
  // A database from before: no record of the schema it has (PostgreSQL).
  testing::ExecSql(backend, "DROP TABLE IF EXISTS schema_version");
  CIRUN_OPEN_STORE(backend, store);
  auto claimed = **store->ClaimJob(Worker("w1"));
  StepRecord s;
  s.job_id = claimed.job.id;
  s.attempt = claimed.job.attempt;
  s.name = "boot";
  s.outcome = "crashed";
  s.excerpt = ">   12 | PANIC: it's \"broken\"\n    13 | Raised at Foo.bar\n";
  REQUIRE(store->AddStep(s).ok());
  s.name = "test:ok";
  s.outcome = "passed";
  s.excerpt = "";
  REQUIRE(store->AddStep(s).ok());
  auto steps = store->ListSteps(claimed.job.id);
  REQUIRE(steps->size() == 2);
  CHECK(steps->at(0).excerpt == ">   12 | PANIC: it's \"broken\"\n    13 | Raised at Foo.bar\n");
  CHECK(steps->at(1).excerpt == "");
}

TEST_CASE_TEMPLATE("Store cancels queued jobs of one unikernel and settles the pipeline", B,
                   STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  auto id = store->CreatePipeline(Pipeline(), {Job("hello a"), Job("hello b"), Job("other c")});
  auto c = **store->ClaimJob(Worker("w1"));
  CHECK(*store->CancelQueued(*id, "hello", "fail-fast") == 1);
  REQUIRE(store->FinishJob(c.job.id, "w1", c.job.attempt, {JobState::kFailed, "boom", "", 1}).ok());
  auto jobs = *store->ListJobs(*id);
  CHECK(jobs[1].state == JobState::kCancelled);
  CHECK(jobs[1].cause == "fail-fast");
  CHECK(jobs[2].state == JobState::kQueued);
  CHECK(store->GetPipeline(*id)->state == "running");
  CHECK(*store->CancelQueued(*id, "", "interrupted") == 1);
  CHECK(store->GetPipeline(*id)->state == "failed");
}

TEST_CASE_TEMPLATE("Store stores skipped and failed jobs as final with their reason", B,
                   STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  JobInfo skipped = Job("hello a");
  skipped.state = JobState::kSkipped;
  skipped.cause = "no toolchain named \"ocaml-5.3\" on this host";
  auto id = store->CreatePipeline(Pipeline(), {skipped});
  CHECK(!store->ClaimJob(Worker("w"))->has_value());
  CHECK(store->ListJobs(*id)->at(0).cause == skipped.cause);
  CHECK(store->GetPipeline(*id)->state == "passed");
  JobInfo failed = Job("plan");
  failed.state = JobState::kFailed;
  failed.cause = ".ci-run.yml:3:5: unknown key";
  auto bad = store->CreatePipeline(Pipeline(), {failed});
  CHECK(store->GetPipeline(*bad)->state == "failed");
  CHECK(store->GetPipeline(*bad)->finished_ms > 0);
}

TEST_CASE_TEMPLATE("Store counts jobs by state", B, STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  REQUIRE(store->CreatePipeline(Pipeline(), {Job("hello a"), Job("hello b"), Job("hello c")}).ok());
  REQUIRE(store->ClaimJob(Worker("w1")).ok());
  auto counts = store->CountJobsByState();
  REQUIRE(counts.ok());
  CHECK(*counts == std::vector<std::pair<std::string, int64_t>>{{"queued", 2}, {"running", 1}});
}

TEST_CASE_TEMPLATE("Store survives concurrent claims from many threads and connections", B,
                   STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, a);
  CIRUN_OPEN_STORE(backend, b);  // a second connection, as a second process would have
  std::vector<JobInfo> jobs;
  for (int i = 0; i < 40; ++i) jobs.push_back(Job("u " + std::to_string(i)));
  REQUIRE(a->CreatePipeline(Pipeline(), jobs).ok());
  std::mutex mu;
  std::multiset<int64_t> claimed;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Store& s = t % 2 ? *a : *b;
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

TEST_CASE_TEMPLATE("Store settles a pipeline whose last jobs finish at once on two connections", B,
                   STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, a);
  CIRUN_OPEN_STORE(backend, b);
  for (int round = 0; round < 10; ++round) {
    auto id = a->CreatePipeline(Pipeline(), {Job("hello a"), Job("hello b")});
    ClaimRequest r1 = Worker("w1"), r2 = Worker("w2");
    r1.pipeline_id = r2.pipeline_id = *id;
    auto j1 = **a->ClaimJob(r1);
    auto j2 = **b->ClaimJob(r2);
    Status f1, f2;
    std::thread t1([&] { f1 = a->FinishJob(j1.job.id, "w1", 1, {JobState::kPassed, "", "", 1}); });
    std::thread t2([&] { f2 = b->FinishJob(j2.job.id, "w2", 1, {JobState::kFailed, "x", "", 1}); });
    t1.join();
    t2.join();
    CHECK(f1.ok());
    CHECK(f2.ok());
    CHECK(a->GetPipeline(*id)->state == "failed");
  }
}

TEST_CASE_TEMPLATE("Store data survives reopening", B, STORE_BACKENDS) {
  B backend;
  int64_t id;
  {
    CIRUN_OPEN_STORE(backend, store);
    id = *store->CreatePipeline(Pipeline("d-9"), {Job("hello a")});
  }
  CIRUN_OPEN_STORE(backend, again);
  CHECK(again->GetPipeline(id)->delivery_id == "d-9");
  CHECK(again->ListJobs(id)->size() == 1);
}

// What is particular to SQLite.

TEST_CASE("SqliteStore creates its database file and directory") {
  testing::ScratchDir dir;
  auto store = OpenSqliteStore(dir / "db/ci.db");
  REQUIRE(store.ok());
  auto id = (*store)->CreatePipeline(Pipeline(), {Job("hello a")});
  REQUIRE(id.ok());
  CHECK(std::filesystem::exists(dir / "db/ci.db"));
  CHECK((*OpenStore("sqlite:" + (dir / "db/ci.db")))->ListJobs(*id)->size() == 1);
}

TEST_CASE("SqliteStore: processes that open a new database at once all succeed") {
  // serve and a worker started together both create the schema.
  for (int round = 0; round < 30; ++round) {
    testing::ScratchDir dir;
    const std::string path = dir / "ci.db";
    std::vector<pid_t> children;
    for (int i = 0; i < 6; ++i) {
      pid_t pid = ::fork();
      REQUIRE(pid >= 0);
      if (pid == 0) {  // open, then write at once, as serve and a worker do
        auto store = OpenSqliteStore(path);
        Status written = store.ok()
                             ? (*store)->CreatePipeline(Pipeline(), {Job("hello a")}).status()
                             : store.status();
        if (!written.ok()) std::fprintf(stderr, "child: %s\n", written.ToString().c_str());
        _exit(written.ok() ? 0 : 1);
      }
      children.push_back(pid);
    }
    int failed = 0;
    for (pid_t pid : children) {
      int status = 0;
      ::waitpid(pid, &status, 0);
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
    }
    CHECK(failed == 0);
  }
}

TEST_CASE("OpenStore rejects unknown URL schemes") {
  CHECK(OpenStore("mysql://x").status().code() == Status::Code::kInvalidArgument);
}

TEST_CASE("OpenStore opens PostgreSQL URLs and reports an unreachable server") {
  // Port 1 on loopback: nothing listens there.
  auto store = OpenStore("postgresql://ci:s3cret@127.0.0.1:1/ci?connect_timeout=2");
  REQUIRE(!store.ok());
  CHECK(store.status().code() == Status::Code::kUnavailable);
  CHECK(store.status().message().find("s3cret") == std::string::npos);
  CHECK(store.status().message().find("postgresql://ci:***@127.0.0.1:1/ci") != std::string::npos);
}

TEST_CASE("WithConnectTimeout bounds connecting unless the URL says otherwise") {
  CHECK(WithConnectTimeout("postgresql://h/d") == "postgresql://h/d?connect_timeout=10");
  CHECK(WithConnectTimeout("postgresql://h/d?sslmode=require") ==
        "postgresql://h/d?sslmode=require&connect_timeout=10");
  CHECK(WithConnectTimeout("postgresql://h/d?connect_timeout=3") ==
        "postgresql://h/d?connect_timeout=3");
  CHECK(WithConnectTimeout("host=h dbname=d") == "host=h dbname=d connect_timeout=10");
}

TEST_CASE("RedactDatabaseUrl hides passwords only") {
  CHECK(RedactDatabaseUrl("postgresql://u:p@h:5/d") == "postgresql://u:***@h:5/d");
  CHECK(RedactDatabaseUrl("postgresql://u@h/d") == "postgresql://u@h/d");
  CHECK(RedactDatabaseUrl("host=h password=x user=u") == "host=h password=*** user=u");
  CHECK(RedactDatabaseUrl("postgresql://h/d?user=u&password=x") ==
        "postgresql://h/d?user=u&password=***");
}

TEST_CASE_TEMPLATE("Store pages pipelines newest first with filters", B, STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  for (int i = 0; i < 5; ++i) {
    PipelineInfo p = Pipeline();
    p.repo_name = i % 2 ? "odd" : "even";
    p.ref = i == 4 ? "refs/heads/dev" : "refs/heads/main";
    REQUIRE(store->CreatePipeline(p, {Job("hello")}).ok());
  }
  PipelineQuery q;
  q.limit = 2;
  auto first = store->ListPipelinesPage(q);
  REQUIRE(first.ok());
  REQUIRE(first->size() == 2);
  CHECK((*first)[0].id > (*first)[1].id);
  q.before_id = (*first)[1].id;
  auto second = store->ListPipelinesPage(q);
  REQUIRE(second.ok());
  REQUIRE(second->size() == 2);
  CHECK((*second)[0].id < (*first)[1].id);
  PipelineQuery even;
  even.repo_name = "even";
  CHECK(store->ListPipelinesPage(even)->size() == 3);
  even.branch = "main";
  CHECK(store->ListPipelinesPage(even)->size() == 2);
  PipelineQuery queued;
  queued.state = "queued";
  CHECK(store->ListPipelinesPage(queued)->size() == 5);
  queued.state = "passed";
  CHECK(store->ListPipelinesPage(queued)->empty());
}

}  // namespace
}  // namespace cirun
