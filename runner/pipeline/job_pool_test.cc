// The job pool on its own: a real SQLite store, jobs "run" by a function
// that records what the pool asked of it.
#include "runner/pipeline/job_pool.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <mutex>
#include <thread>

#include "runner/store/sqlite_store.h"
#include "tests/scratch_dir.h"
#include "tests/store_records.h"

namespace cirun {
namespace {

using std::chrono::milliseconds;
using testing::ScratchDir;

// A job of `unikernel`, named "UNIKERNEL cN".
JobInfo Job(const std::string& unikernel, int n) {
  return testing::Job(unikernel + " c" + std::to_string(n));
}

using testing::Pipeline;

struct PoolFixture {
  ScratchDir dir;
  std::unique_ptr<Store> store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  NullProgress progress;
  JobEnvironment env;
  JobPoolOptions options;
  CancelToken stop;

  PoolFixture() {
    env.store = store.get();
    env.progress = &progress;
    options.worker = "w1";
    options.labels = {"target:virtio"};
  }
  std::vector<JobRecord> Jobs(int64_t pipeline) { return store->ListJobs(pipeline).value(); }
};

// Waits (at most 10 s) until `done` holds.
template <typename F>
bool WaitFor(F done) {
  for (int i = 0; i < 1000 && !done(); ++i) std::this_thread::sleep_for(milliseconds(10));
  return done();
}

TEST_CASE("JobPool runs every job once and never more of a unikernel than max-parallel") {
  PoolFixture f;
  std::vector<JobInfo> jobs;
  for (int i = 0; i < 30; ++i) jobs.push_back(Job("a", i));
  for (int i = 0; i < 10; ++i) jobs.push_back(Job("b", i));
  const int64_t pipeline = *f.store->CreatePipeline(Pipeline(), jobs);
  f.options.slots = 4;
  f.options.pipeline_id = pipeline;
  f.options.max_parallel = {{"a", 1}};

  std::mutex mu;
  std::map<std::string, int> running, most;
  int most_at_once = 0, at_once = 0;
  std::map<int64_t, int> runs;  // job id -> times run
  auto run = [&](const ClaimedJob& c, const CancelToken*) {
    {
      std::lock_guard lock(mu);
      most[c.job.unikernel] = std::max(most[c.job.unikernel], ++running[c.job.unikernel]);
      most_at_once = std::max(most_at_once, ++at_once);
      ++runs[c.job.id];
    }
    std::this_thread::sleep_for(milliseconds(3));
    std::lock_guard lock(mu);
    --running[c.job.unikernel];
    --at_once;
    return JobResult{JobState::kPassed, "", "", 3};
  };
  CHECK(RunJobPool(f.env, f.options, f.stop, run) == 40);
  CHECK(most["a"] == 1);
  CHECK(most_at_once <= 4);
  CHECK(runs.size() == 40);
  CHECK(std::all_of(runs.begin(), runs.end(), [](const auto& r) { return r.second == 1; }));
  for (const JobRecord& j : f.Jobs(pipeline)) CHECK(j.state == JobState::kPassed);
  CHECK(f.store->GetPipeline(pipeline)->state == "passed");
}

TEST_CASE("JobPool cancels the queued jobs of a fail-fast unikernel after a failure") {
  PoolFixture f;
  const int64_t pipeline =
      *f.store->CreatePipeline(Pipeline(), {Job("a", 0), Job("a", 1), Job("a", 2), Job("b", 0)});
  f.options.slots = 1;
  f.options.pipeline_id = pipeline;
  f.options.fail_fast_unikernels = {"a"};
  auto run = [&](const ClaimedJob& c, const CancelToken*) {
    return c.job.name == "a c0" ? JobResult{JobState::kFailed, "boot: PANIC", "", 1}
                                : JobResult{JobState::kPassed, "", "", 1};
  };
  CHECK(RunJobPool(f.env, f.options, f.stop, run) == 2);  // a c0 and b c0
  auto jobs = f.Jobs(pipeline);
  CHECK(jobs[0].state == JobState::kFailed);
  CHECK(jobs[1].state == JobState::kCancelled);
  CHECK(jobs[1].cause == "fail-fast: a c0 failed");
  CHECK(jobs[2].state == JobState::kCancelled);
  CHECK(jobs[3].state == JobState::kPassed);
}

TEST_CASE("JobPool cancels a job whose lease another worker took, and writes no result") {
  PoolFixture f;
  const int64_t pipeline = *f.store->CreatePipeline(Pipeline(), {Job("a", 0)});
  f.options.slots = 1;
  f.options.pipeline_id = pipeline;
  f.options.lease = milliseconds(300);  // renewed every 100 ms
  bool cancelled = false;
  auto run = [&](const ClaimedJob& c, const CancelToken* cancel) {
    // The lease is handed back and taken by "thief": the next renewal fails.
    REQUIRE(f.store->ReleaseJob(c.job.id, "w1", c.job.attempt).ok());
    ClaimRequest thief = testing::Worker("thief");
    thief.pipeline_id = pipeline;
    REQUIRE(f.store->ClaimJob(thief).value().has_value());
    cancelled = WaitFor([&] { return cancel->cancelled(); });
    return JobResult{JobState::kCancelled, "cancelled", "", 1};
  };
  CHECK(RunJobPool(f.env, f.options, f.stop, run) == 0);
  CHECK(cancelled);
  auto job = f.Jobs(pipeline).at(0);
  CHECK(job.state == JobState::kRunning);
  CHECK(job.worker == "thief");
  CHECK(job.attempt == 2);
}

TEST_CASE("JobPool stops a job the store marks for cancellation and writes it cancelled") {
  PoolFixture f;
  const int64_t pipeline = *f.store->CreatePipeline(Pipeline(), {Job("a", 0), Job("a", 1)});
  f.options.slots = 1;
  f.options.pipeline_id = pipeline;
  f.options.lease = milliseconds(300);  // renewed every 100 ms
  bool cancelled = false;
  auto run = [&](const ClaimedJob& c, const CancelToken* cancel) {
    if (c.job.name == "a c1") return JobResult{JobState::kPassed, "", "", 1};
    // The dashboard's cancel: the next heartbeat says so.
    REQUIRE(f.store->RequestCancel(pipeline).value() == 1);
    cancelled = WaitFor([&] { return cancel->cancelled(); });
    return JobResult{JobState::kInfra, "boot: killed", "", 1};  // cut short
  };
  CHECK(RunJobPool(f.env, f.options, f.stop, run) == 2);
  CHECK(cancelled);
  auto jobs = f.Jobs(pipeline);
  CHECK(jobs[0].state == JobState::kCancelled);
  CHECK(jobs[0].cause == "cancelled while it ran (ci-run's cancel action)");
  CHECK(jobs[1].state == JobState::kPassed);  // not running then: not marked
}

TEST_CASE("JobPool in service mode announces its worker, hands back a job cut short, retires") {
  PoolFixture f;
  const int64_t pipeline = *f.store->CreatePipeline(Pipeline(), {Job("a", 0)});
  f.options.slots = 2;
  f.options.lease = milliseconds(300);
  f.options.stop_when_idle = false;
  f.options.poll = milliseconds(20);
  f.options.release_when_stopped = true;
  f.options.announce = true;
  std::atomic<bool> started{false};
  auto run = [&](const ClaimedJob&, const CancelToken* cancel) {
    started = true;
    WaitFor([&] { return cancel->cancelled(); });
    return JobResult{JobState::kCancelled, "cancelled", "", 1};
  };
  int finished = -1;
  std::thread pool([&] { finished = RunJobPool(f.env, f.options, f.stop, run); });
  REQUIRE(WaitFor([&] { return started.load(); }));
  std::vector<WorkerRecord> live;
  CHECK(WaitFor([&] {
    live = f.store->ListWorkers().value();
    return live.size() == 1 && live[0].running == 1;
  }));
  REQUIRE(live.size() == 1);
  CHECK(live[0].name == "w1");
  CHECK(live[0].labels == std::vector<std::string>{"target:virtio"});
  CHECK(live[0].slots == 2);
  CHECK(live[0].lease == milliseconds(300));
  f.stop.Cancel();
  pool.join();
  CHECK(finished == 0);
  // Cut short by the stop: back in the queue for another worker, not cancelled.
  auto job = f.Jobs(pipeline).at(0);
  CHECK(job.state == JobState::kQueued);
  CHECK(job.attempt == 1);
  CHECK(f.store->ListWorkers().value().empty());
}

TEST_CASE("JobPool in service mode hands infra jobs to another worker, then stops claiming") {
  PoolFixture f;
  const int64_t pipeline =
      *f.store->CreatePipeline(Pipeline(), {Job("a", 0), Job("a", 1), Job("a", 2)});
  f.options.slots = 1;
  f.options.lease = milliseconds(3'000);
  f.options.stop_when_idle = false;
  f.options.poll = milliseconds(20);
  f.options.announce = true;
  f.options.infra_retries = 2;
  WorkerHealth health({2, milliseconds(60'000)}, f.dir / "health", nullptr);
  f.options.health = &health;
  // Another live, healthy worker offers the jobs' labels.
  REQUIRE(f.store->AnnounceWorker({"w2", {"target:virtio"}, 1, 0, std::chrono::seconds(60)}).ok());
  std::atomic<int> runs{0};
  auto run = [&](const ClaimedJob&, const CancelToken*) {
    ++runs;
    return JobResult{JobState::kInfra, "boot: infra: qemu-system-x86_64: broken", "", 1};
  };
  std::thread pool([&] { RunJobPool(f.env, f.options, f.stop, run); });
  // Two infra jobs in a row: unhealthy, announced as such, claims nothing more.
  CHECK(WaitFor([&] {
    auto workers = f.store->ListWorkers().value();
    return workers.size() == 2 && !workers[0].unhealthy.empty();
  }));
  std::this_thread::sleep_for(milliseconds(200));
  f.stop.Cancel();
  pool.join();
  CHECK(runs == 2);
  CHECK(health.Unhealthy() ==
        "2 jobs in a row ended infra, the last: a c1: boot: infra: qemu-system-x86_64: broken");
  // Both went back to the queue (attempt 1 of 3), for w2; the third was never claimed.
  for (const JobRecord& job : f.Jobs(pipeline)) CHECK(job.state == JobState::kQueued);
}

TEST_CASE("JobPool ends an infra job when no other worker can take it or its retries are spent") {
  PoolFixture f;
  const int64_t pipeline = *f.store->CreatePipeline(Pipeline(), {Job("a", 0)});
  f.options.infra_retries = 2;
  auto run = [&](const ClaimedJob&, const CancelToken*) {
    return JobResult{JobState::kInfra, "boot: infra: broken", "", 1};
  };
  RunJobPool(f.env, f.options, f.stop, run);  // no other worker: ends infra at once
  auto job = f.Jobs(pipeline).at(0);
  CHECK(job.state == JobState::kInfra);
  CHECK(job.attempt == 1);
}

}  // namespace
}  // namespace cirun
