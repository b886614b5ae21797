#include "runner/cli/approve_command.h"

#include <doctest/doctest.h>

#include "runner/store/sqlite_store.h"
#include "tests/scratch_dir.h"
#include "tests/store_records.h"

namespace cirun {
namespace {

using testing::ScratchDir;

TEST_CASE("approve queues the jobs of a waiting pipeline, once") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  JobInfo waiting = testing::Job("hello a");
  waiting.state = JobState::kWaiting;
  JobInfo skipped = testing::Job("hello b");
  skipped.state = JobState::kSkipped;
  const int64_t id = *store->CreatePipeline(testing::Pipeline(), {waiting, skipped});
  CHECK(store->GetPipeline(id)->state == "waiting");
  ApproveOptions o;
  o.store.db = dir / "ci.db";
  o.pipeline = id;
  CHECK(RunApprove(o) == 0);
  CHECK(store->GetPipeline(id)->state == "running");  // one queued, one skipped
  CHECK((*store->ListJobs(id))[0].state == JobState::kQueued);
  CHECK((*store->ListJobs(id))[1].state == JobState::kSkipped);
  CHECK(RunApprove(o) == 2);  // not waiting any more
  o.pipeline = id + 1;
  CHECK(RunApprove(o) == 2);  // no such pipeline
}

}  // namespace
}  // namespace cirun
