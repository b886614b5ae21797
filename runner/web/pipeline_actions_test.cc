#include "runner/web/pipeline_actions.h"

#include <doctest/doctest.h>

#include "runner/store/sqlite_store.h"
#include "tests/scratch_dir.h"

namespace cirun {
namespace {

using testing::ScratchDir;

PipelineInfo Info() {
  PipelineInfo p;
  p.repo = "/srv/repo";
  p.repo_name = "repo";
  p.commit = std::string(40, 'e');
  p.ref = "HEAD";
  p.trigger = "push";
  p.untrusted = true;
  return p;
}

JobInfo Job(const std::string& name) {
  JobInfo j;
  j.name = name;
  j.unikernel = name;
  j.spec_json = "{}";
  return j;
}

TEST_CASE("QueueRebuild refuses unfinished pipelines and copies trust") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  const int64_t id = *store->CreatePipeline(Info(), {Job("a"), Job("b")});
  CHECK(QueueRebuild(*store, id, false).status().code() == Status::Code::kFailedPrecondition);
  CHECK(QueueRebuild(*store, id + 1, false).status().code() == Status::Code::kNotFound);
  ClaimRequest request{"w", {}, std::chrono::seconds(60), id};
  for (int i = 0; i < 2; ++i) {
    auto c = **store->ClaimJob(request);
    REQUIRE(store->FinishJob(c.job.id, "w", c.job.attempt, {JobState::kPassed, "", "", 1}).ok());
  }
  auto nothing = QueueRebuild(*store, id, true);
  REQUIRE(nothing.ok());
  CHECK(nothing->pipeline == 0);
  auto all = QueueRebuild(*store, id, false);
  REQUIRE(all.ok());
  REQUIRE(all->pipeline > id);
  auto rebuilt = *store->GetPipeline(all->pipeline);
  CHECK(rebuilt.untrusted);
  CHECK(rebuilt.trigger == "rebuild");
  CHECK(rebuilt.options_json.find("\"rebuild_of\":" + std::to_string(id)) != std::string::npos);
  CHECK(store->ListJobs(all->pipeline)->size() == 2);
  // One job of the rebuild runs: it is marked, the other cancelled at once.
  ClaimRequest rerun{"w", {}, std::chrono::minutes(1), all->pipeline};
  auto running = **store->ClaimJob(rerun);
  auto cancelled = CancelPipeline(*store, all->pipeline, "from a test");
  REQUIRE(cancelled.ok());
  CHECK(cancelled->cancelled == 1);
  CHECK(cancelled->cancelling == 1);
  CHECK(store->GetPipeline(all->pipeline)->state == "running");
  CHECK(
      store->Heartbeat(running.job.id, "w", running.job.attempt, std::chrono::minutes(1)).code() ==
      Status::Code::kCancelled);
  CHECK(CancelPipeline(*store, 999, "").status().code() == Status::Code::kNotFound);
}

}  // namespace
}  // namespace cirun
