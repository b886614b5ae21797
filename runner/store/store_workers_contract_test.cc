// The Store contract, worker registry part (AnnounceWorker, RetireWorker,
// ListWorkers, and ExpireUnclaimed's use of them), on every backend.
#include <doctest/doctest.h>

#include <thread>

#include "runner/store/store.h"
#include "tests/store_backends.h"
#include "tests/store_records.h"

namespace cirun {
namespace {

using testing::Job;
using testing::Pipeline;

TEST_CASE_TEMPLATE("Store keeps the workers seen within their lease", B, STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  testing::TestClock clock(*store);
  CHECK(store->ListWorkers()->empty());
  WorkerRecord w1{"w1", {"target:virtio", "toolchain:gcc"}, 2, 0, std::chrono::seconds(60)};
  WorkerRecord gone{"gone", {"target:xen"}, 1, 0, std::chrono::milliseconds(1)};
  REQUIRE(store->AnnounceWorker(w1).ok());
  REQUIRE(store->AnnounceWorker(gone).ok());
  clock.Pass(std::chrono::milliseconds(20));  // "gone" missed its lease
  auto live = *store->ListWorkers();
  REQUIRE(live.size() == 1);
  CHECK(live[0].name == "w1");
  CHECK(live[0].labels == w1.labels);
  CHECK(live[0].slots == 2);
  CHECK(live[0].lease == std::chrono::seconds(60));
  CHECK(live[0].seen_ms >= live[0].started_ms);
  const int64_t started = live[0].started_ms;
  // Announcing again updates it in place; the first announcement stays.
  w1.running = 1;
  w1.labels.push_back("toolchain:clang");
  REQUIRE(store->AnnounceWorker(w1).ok());
  live = *store->ListWorkers();
  REQUIRE(live.size() == 1);
  CHECK(live[0].running == 1);
  CHECK(live[0].labels.size() == 3);
  CHECK(live[0].started_ms == started);
  // A worker that announces itself again is live again; a retired one is gone.
  gone.lease = std::chrono::seconds(60);
  REQUIRE(store->AnnounceWorker(gone).ok());
  CHECK(store->ListWorkers()->size() == 2);
  REQUIRE(store->RetireWorker("w1").ok());
  REQUIRE(store->RetireWorker("never-seen").ok());
  live = *store->ListWorkers();
  REQUIRE(live.size() == 1);
  CHECK(live[0].name == "gone");
}

TEST_CASE_TEMPLATE("Store lets a job wait past the queue timeout while a live worker offers it", B,
                   STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  testing::TestClock clock(*store);
  auto id = store->CreatePipeline(
      Pipeline(), {Job("hello gcc", {"target:virtio", "toolchain:gcc"}),
                   Job("hello clang", {"target:virtio", "toolchain:clang"}), Job("any", {})});
  REQUIRE(id.ok());
  // A busy worker offering gcc (and more); a dead one offering clang.
  REQUIRE(store
              ->AnnounceWorker({"busy",
                                {"target:virtio", "toolchain:gcc", "target:unix"},
                                1,
                                1,
                                std::chrono::seconds(60)})
              .ok());
  REQUIRE(
      store
          ->AnnounceWorker(
              {"dead", {"target:virtio", "toolchain:clang"}, 1, 0, std::chrono::milliseconds(1)})
          .ok());
  clock.Pass(std::chrono::milliseconds(20));
  CHECK(*store->ExpireUnclaimed(std::chrono::milliseconds(5)) == 1);
  auto jobs = *store->ListJobs(*id);
  CHECK(jobs[0].state == JobState::kQueued);  // "busy" will take it
  CHECK(jobs[1].state == JobState::kInfra);
  CHECK(jobs[1].cause == "no worker offering target:virtio toolchain:clang claimed it within 5ms");
  CHECK(jobs[2].state == JobState::kQueued);  // no labels: any live worker takes it
  // Once no worker is live, the rest expires too.
  REQUIRE(store->RetireWorker("busy").ok());
  CHECK(*store->ExpireUnclaimed(std::chrono::milliseconds(5)) == 2);
  CHECK(store->ListJobs(*id)->at(2).cause == "no worker claimed it within 5ms");
  CHECK(store->GetPipeline(*id)->state == "failed");
}

TEST_CASE_TEMPLATE("Store keeps why a worker is unhealthy until it announces itself healthy", B,
                   STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  WorkerRecord w{"w1", {"target:virtio"}, 1, 0, std::chrono::seconds(60)};
  REQUIRE(store->AnnounceWorker(w).ok());
  CHECK(store->ListWorkers()->at(0).unhealthy.empty());
  w.unhealthy = "3 jobs in a row ended infra";
  REQUIRE(store->AnnounceWorker(w).ok());
  CHECK(store->ListWorkers()->at(0).unhealthy == "3 jobs in a row ended infra");
  w.unhealthy.clear();
  REQUIRE(store->AnnounceWorker(w).ok());
  CHECK(store->ListWorkers()->at(0).unhealthy.empty());
}

TEST_CASE_TEMPLATE("Store never hands a worker a job it excludes until another worker tried it", B,
                   STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  auto id = store->CreatePipeline(Pipeline(), {Job("a"), Job("b")});
  REQUIRE(id.ok());
  const auto jobs = *store->ListJobs(*id);
  // w1 ran job a at attempt 1 and handed it back.
  auto a = store->ClaimJob({"w1", {"target:virtio"}, std::chrono::seconds(60)});
  REQUIRE(a.ok());
  REQUIRE(a->has_value());
  REQUIRE((*a)->job.id == jobs[0].id);
  REQUIRE(store->ReleaseJob(jobs[0].id, "w1", 1).ok());
  ClaimRequest request{
      "w1", {"target:virtio"}, std::chrono::seconds(60), std::nullopt, {{jobs[0].id, 1}}};
  auto first = store->ClaimJob(request);
  REQUIRE(first.ok());
  REQUIRE(first->has_value());
  CHECK((*first)->job.id == jobs[1].id);
  auto none = store->ClaimJob(request);
  REQUIRE(none.ok());
  CHECK(!none->has_value());
  // Another worker takes it, and hands it back too (attempt 2): w1 may take it again.
  auto other = store->ClaimJob({"w2", {"target:virtio"}, std::chrono::seconds(60)});
  REQUIRE(other.ok());
  REQUIRE(other->has_value());
  CHECK((*other)->job.id == jobs[0].id);
  REQUIRE(store->ReleaseJob(jobs[0].id, "w2", 2).ok());
  auto again = store->ClaimJob(request);
  REQUIRE(again.ok());
  REQUIRE(again->has_value());
  CHECK((*again)->job.id == jobs[0].id);
  CHECK((*again)->job.attempt == 3);
}

}  // namespace
}  // namespace cirun
