#include "runner/service/pull_request_approval.h"

#include <doctest/doctest.h>

#include "runner/store/sqlite_store.h"
#include "tests/scratch_dir.h"
#include "tests/store_records.h"

namespace cirun {
namespace {

using testing::Job;
using testing::ScratchDir;

// A pull request's pipeline at `commit` with one job, waiting or not.
int64_t PullRequestPipeline(Store& store, const std::string& ref, char commit, bool waiting) {
  PipelineInfo info = testing::Pipeline();
  info.repo_name = "example/repo";
  info.ref = ref;
  info.commit = std::string(40, commit);
  info.trigger = "pull_request";
  info.untrusted = true;
  JobInfo job = Job("hello a");
  if (waiting) {
    job.state = JobState::kWaiting;
    job.cause = "waiting for approval: pull request by mallory (NONE), who is not trusted";
  }
  return *store.CreatePipeline(info, {job});
}

ApprovalRequest Approval(const std::string& ref) {
  return {"example/repo", ref, "alice (COLLABORATOR)", "d-1"};
}

TEST_CASE("Approving a pull request queues its waiting pipelines at its head only") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  const int64_t old_head = PullRequestPipeline(*store, "refs/pull/7/head", 'a', true);
  const int64_t head = PullRequestPipeline(*store, "refs/pull/7/head", 'b', true);
  const int64_t again = PullRequestPipeline(*store, "refs/pull/7/head", 'b', true);  // reopened
  const int64_t other_pr = PullRequestPipeline(*store, "refs/pull/8/head", 'b', true);
  CHECK(store->GetPipeline(head)->state == "waiting");
  CHECK(!store->ClaimJob(testing::Worker("w"))->has_value());  // nothing runs while waiting

  auto out = ApprovePullRequest(*store, Approval("refs/pull/7/head"));
  REQUIRE(out.ok());
  CHECK(out->pipelines == std::vector<int64_t>{head, again});
  CHECK(out->jobs == 2);
  CHECK(out->head == std::string(40, 'b'));
  CHECK(store->GetPipeline(head)->state == "queued");
  CHECK((*store->ListJobs(head))[0].state == JobState::kQueued);
  CHECK((*store->ListJobs(head))[0].cause.empty());
  CHECK(store->GetPipeline(old_head)->state == "waiting");
  CHECK(store->GetPipeline(other_pr)->state == "waiting");
  CHECK(DescribeApproval(Approval("refs/pull/7/head"), *out) ==
        "approval of example/repo refs/pull/7/head by alice (COLLABORATOR): pipelines " +
            std::to_string(head) + ", " + std::to_string(again) +
            " at bbbbbbbbbbbb, 2 jobs queued");
}

TEST_CASE("Approving a pull request with nothing waiting changes nothing") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  const int64_t trusted = PullRequestPipeline(*store, "refs/pull/7/head", 'a', false);
  auto out = ApprovePullRequest(*store, Approval("refs/pull/7/head"));
  REQUIRE(out.ok());
  CHECK(out->pipelines.empty());
  CHECK(out->head.empty());
  CHECK(store->GetPipeline(trusted)->state == "queued");
  CHECK(DescribeApproval(Approval("refs/pull/7/head"), *out) ==
        "approval of example/repo refs/pull/7/head by alice (COLLABORATOR): nothing was waiting");
}

}  // namespace
}  // namespace cirun
