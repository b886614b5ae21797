#include "runner/service/failure_signature_recorder.h"

#include <doctest/doctest.h>

#include "runner/store/sqlite_store.h"
#include "tests/scratch_dir.h"

namespace cirun {
namespace {

using testing::ScratchDir;

JobInfo Job(const std::string& cell) {
  JobInfo j;
  j.name = "hello " + cell;
  j.unikernel = "hello";
  j.cell_label = cell;
  j.cell_key = "target=" + cell;
  j.target = cell;
  j.spec_json = "{}";
  return j;
}

// A push pipeline at `commit` whose every job crashes with the same cause.
void CrashingPipeline(Store& store, PipelineWatcher& watcher, char commit) {
  PipelineInfo p;
  p.repo = "/srv/repo";
  p.repo_name = "example/repo";
  p.commit = std::string(40, commit);
  p.ref = "refs/heads/main";
  p.trigger = "push";
  REQUIRE(store.CreatePipeline(p, {Job("virtio"), Job("xen")}).ok());
  for (int i = 0; i < 2; ++i) {
    auto claimed = store.ClaimJob(
        {"w1", {"target:virtio", "target:xen"}, std::chrono::seconds(60), std::nullopt});
    REQUIRE(claimed.ok());
    REQUIRE(claimed->has_value());
    StepRecord step;
    step.job_id = (*claimed)->job.id;
    step.attempt = (*claimed)->job.attempt;
    step.name = "boot";
    step.outcome = "crashed";
    step.cause = "PANIC: fault at 0x" + std::to_string(1000 + i);
    REQUIRE(store.AddStep(step).ok());
    REQUIRE(store
                .FinishJob((*claimed)->job.id, "w1", (*claimed)->job.attempt,
                           {JobState::kFailed, "boot: crashed", "", 1})
                .ok());
  }
  REQUIRE(watcher.Poll().ok());
}

TEST_CASE("the service notes a finished pipeline's failure signatures, first and last commit") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  std::vector<std::string> errors;
  FailureSignatureRecorder recorder(*store, [&](const std::string& e) { errors.push_back(e); });
  PipelineWatcher watcher(*store, {&recorder});
  REQUIRE(watcher.Start().ok());
  CrashingPipeline(*store, watcher, 'a');
  CrashingPipeline(*store, watcher, 'b');
  CHECK(errors.empty());
  auto signatures = store->ListFailureSignatures("/srv/repo");
  REQUIRE(signatures.ok());
  REQUIRE(signatures->size() == 1);
  CHECK((*signatures)[0].signature == "crashed: PANIC: fault at 0x#");
  CHECK((*signatures)[0].first_commit == std::string(40, 'a'));
  CHECK((*signatures)[0].last_commit == std::string(40, 'b'));
  CHECK((*signatures)[0].cells == 4);
}

}  // namespace
}  // namespace cirun
