#include "runner/service/pipeline_watcher.h"

#include <doctest/doctest.h>

#include "runner/service/commit_status_reporter.h"
#include "runner/service/service_metrics.h"
#include "runner/store/sqlite_store.h"
#include "tests/scratch_dir.h"

namespace cirun {
namespace {

using testing::ScratchDir;

JobInfo Job(const std::string& unikernel, const std::string& cell) {
  JobInfo j;
  j.name = unikernel + " " + cell;
  j.unikernel = unikernel;
  j.cell_label = cell;
  j.cell_key = "c=" + cell;
  j.target = "virtio";
  j.spec_json = "{}";
  return j;
}

PipelineInfo Pipeline(const std::string& repo = "example/repo",
                      const std::string& trigger = "push") {
  PipelineInfo p;
  p.repo = "/srv/repo";
  p.repo_name = repo;
  p.commit = std::string(40, 'c');
  p.ref = "refs/heads/main";
  p.trigger = trigger;
  return p;
}

// Records what the watcher reports.
class Recorder final : public PipelineListener {
 public:
  void JobChanged(const PipelineRecord& p, const JobRecord& j,
                  std::optional<JobState> before) override {
    events.push_back("job " + j.name + " " + (before ? JobStateName(*before) : "-") + "->" +
                     JobStateName(j.state));
  }
  void PipelineSeen(const PipelineRecord& p, const std::vector<JobRecord>&) override {
    events.push_back("seen " + std::to_string(p.id));
  }
  void PipelineApproved(const PipelineRecord& p, const std::vector<JobRecord>&) override {
    events.push_back("approved " + std::to_string(p.id));
  }
  void PipelineFinished(const PipelineRecord& p, const std::vector<JobRecord>&) override {
    events.push_back("finished " + std::to_string(p.id));
  }
  void JobCounts(const std::vector<std::pair<std::string, int64_t>>& c) override { counts = c; }
  std::vector<std::string> Take() { return std::exchange(events, {}); }
  std::vector<std::string> events;
  std::vector<std::pair<std::string, int64_t>> counts;
};

ClaimRequest Worker() {
  return {"w1", {"target:virtio"}, std::chrono::seconds(60), std::nullopt};
}

TEST_CASE("PipelineWatcher reports new pipelines, job changes and the end") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  auto old = *store->CreatePipeline(Pipeline(), {Job("old", "a")});
  auto done = **store->ClaimJob(Worker());
  REQUIRE(store->FinishJob(done.job.id, "w1", 1, {JobState::kPassed, "", "", 1}).ok());
  Recorder r;
  PipelineWatcher watcher(*store, {&r});
  REQUIRE(watcher.Start().ok());
  REQUIRE(watcher.Poll().ok());
  CHECK(r.Take().empty());  // finished before the watcher started: not reported again
  auto id = *store->CreatePipeline(Pipeline(), {Job("hello", "a"), Job("hello", "b")});
  REQUIRE(watcher.Poll().ok());
  const std::string sid = std::to_string(id);
  CHECK(r.Take() ==
        std::vector<std::string>{"job hello a -->queued", "job hello b -->queued", "seen " + sid});
  CHECK(r.counts == std::vector<std::pair<std::string, int64_t>>{{"passed", 1}, {"queued", 2}});
  auto a = **store->ClaimJob(Worker());
  REQUIRE(watcher.Poll().ok());
  CHECK(r.Take() == std::vector<std::string>{"job hello a queued->running"});
  REQUIRE(watcher.Poll().ok());
  CHECK(r.Take().empty());
  REQUIRE(store->FinishJob(a.job.id, "w1", 1, {JobState::kFailed, "boom", "", 1}).ok());
  REQUIRE(store->CancelQueued(id, "", "fail-fast").ok());
  REQUIRE(watcher.Poll().ok());
  CHECK(r.Take() == std::vector<std::string>{"job hello a running->failed",
                                             "job hello b queued->cancelled", "finished " + sid});
  CHECK(watcher.watched() == 0);
  CHECK(old < id);
}

TEST_CASE("PipelineWatcher reports a requeued job again (new attempt)") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  Recorder r;
  PipelineWatcher watcher(*store, {&r});
  REQUIRE(watcher.Start().ok());
  REQUIRE(store->CreatePipeline(Pipeline(), {Job("hello", "a")}).ok());
  auto first = **store->ClaimJob(Worker());
  REQUIRE(watcher.Poll().ok());
  r.Take();
  REQUIRE(store->ReleaseJob(first.job.id, "w1", 1).ok());
  REQUIRE(store->ClaimJob(Worker()).ok());
  REQUIRE(watcher.Poll().ok());
  CHECK(r.Take() == std::vector<std::string>{"job hello a running->running"});
}

TEST_CASE("PipelineWatcher picks up unfinished pipelines after a restart") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  auto id = *store->CreatePipeline(Pipeline(), {Job("hello", "a")});
  Recorder r;
  PipelineWatcher watcher(*store, {&r});
  REQUIRE(watcher.Start().ok());
  REQUIRE(watcher.Poll().ok());
  CHECK(r.Take() ==
        std::vector<std::string>{"job hello a -->queued", "seen " + std::to_string(id)});
}

TEST_CASE("CommitStatusReporter posts cell and summary statuses of configured repositories only") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  std::vector<std::string> posted;
  CommitStatusReporter reporter(
      [&](CommitStatus s) { posted.push_back(s.context + " " + s.state + " " + s.description); },
      [](const PipelineRecord& p) { return p.repo_name == "example/repo"; });
  PipelineWatcher watcher(*store, {&reporter});
  REQUIRE(watcher.Start().ok());
  auto id = *store->CreatePipeline(Pipeline(), {Job("hello", "gcc/virtio")});
  REQUIRE(store->CreatePipeline(Pipeline("other/repo"), {Job("x", "y")}).ok());
  REQUIRE(watcher.Poll().ok());
  CHECK(posted == std::vector<std::string>{"ci-run/hello/gcc/virtio pending queued",
                                           "ci-run pending 0/1 jobs done, 0 running"});
  posted.clear();
  ClaimRequest only = Worker();
  only.pipeline_id = id;
  auto c = **store->ClaimJob(only);
  REQUIRE(store->FinishJob(c.job.id, "w1", 1, {JobState::kPassed, "", "", 2'000}).ok());
  REQUIRE(watcher.Poll().ok());
  CHECK(posted == std::vector<std::string>{"ci-run/hello/gcc/virtio success passed in 2.0s",
                                           "ci-run success 1 passed"});
}

TEST_CASE("CommitStatusReporter links statuses to the dashboard's pages when it has a public URL") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  std::vector<std::string> posted;
  CommitStatusReporter reporter(
      [&](CommitStatus s) { posted.push_back(s.context + " " + s.target_url); },
      [](const PipelineRecord&) { return true; }, "https://ci.example.org");
  PipelineWatcher watcher(*store, {&reporter});
  REQUIRE(watcher.Start().ok());
  auto id = *store->CreatePipeline(Pipeline(), {Job("hello", "gcc/virtio")});
  REQUIRE(watcher.Poll().ok());
  auto jobs = *store->ListJobs(id);
  const std::string p = std::to_string(id);
  CHECK(posted == std::vector<std::string>{
                      "ci-run/hello/gcc/virtio https://ci.example.org/job?pipeline=" + p +
                          "&id=" + std::to_string(jobs[0].id),
                      "ci-run https://ci.example.org/pipeline?id=" + p});
  CommitStatus linked;
  linked.state = "success";
  linked.target_url = "https://ci.example.org/pipeline?id=1";
  CHECK(CommitStatusJson(linked).find(R"("target_url":"https://ci.example.org/pipeline?id=1")") !=
        std::string::npos);
  CHECK(CommitStatusJson(CommitStatus{}).find("target_url") == std::string::npos);
}

TEST_CASE("PipelineWatcher and CommitStatusReporter follow a pipeline waiting for approval") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  Recorder r;
  std::vector<std::string> posted;
  CommitStatusReporter reporter(
      [&](CommitStatus s) { posted.push_back(s.context + " " + s.state + " " + s.description); },
      [](const PipelineRecord&) { return true; });
  PipelineWatcher watcher(*store, {&r, &reporter});
  REQUIRE(watcher.Start().ok());
  JobInfo waiting = Job("hello", "gcc/virtio");
  waiting.state = JobState::kWaiting;
  auto id = *store->CreatePipeline(Pipeline("example/repo", "pull_request"), {waiting});
  REQUIRE(watcher.Poll().ok());
  const std::string sid = std::to_string(id);
  const std::string why = "waiting for approval by a collaborator (comment \"/ci-run approve\")";
  CHECK(r.Take() == std::vector<std::string>{"job hello gcc/virtio -->waiting", "seen " + sid});
  CHECK(posted == std::vector<std::string>{"ci-run/hello/gcc/virtio pending " + why,
                                           "ci-run pending " + why});
  posted.clear();
  REQUIRE(watcher.Poll().ok());
  CHECK(r.Take().empty());  // nothing runs meanwhile
  // A restarted watcher picks the waiting pipeline up again.
  PipelineWatcher restarted(*store, {});
  REQUIRE(restarted.Start().ok());
  REQUIRE(restarted.Poll().ok());
  CHECK(restarted.watched() == 1);

  REQUIRE(*store->ApprovePipeline(id) == 1);
  REQUIRE(watcher.Poll().ok());
  CHECK(r.Take() ==
        std::vector<std::string>{"job hello gcc/virtio waiting->queued", "approved " + sid});
  CHECK(posted == std::vector<std::string>{"ci-run/hello/gcc/virtio pending queued",
                                           "ci-run pending 0/1 jobs done, 0 running"});
}

TEST_CASE("CommitStatusReporter gives an unplannable pipeline only its failed summary") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  std::vector<std::string> posted;
  CommitStatusReporter reporter(
      [&](CommitStatus s) { posted.push_back(s.context + " " + s.state + " " + s.description); },
      [](const PipelineRecord&) { return true; });
  PipelineWatcher watcher(*store, {&reporter});
  REQUIRE(watcher.Start().ok());
  JobInfo plan;
  plan.name = "plan";
  plan.state = JobState::kFailed;
  plan.cause = ".ci-run.yml:2:3: unknown key \"unikernel\" (did you mean \"unikernels\"?)";
  plan.spec_json = "{}";
  REQUIRE(store->CreatePipeline(Pipeline(), {plan}).ok());
  REQUIRE(watcher.Poll().ok());
  CHECK(posted == std::vector<std::string>{"ci-run failure " + plan.cause});
}

TEST_CASE("ServiceMetrics counts jobs, durations, boots and findings in the text format") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  ServiceMetrics metrics(*store);
  PipelineWatcher watcher(*store, {&metrics});
  REQUIRE(watcher.Start().ok());
  REQUIRE(store->CreatePipeline(Pipeline(), {Job("hello", "a"), Job("hello", "b")}).ok());
  auto c = **store->ClaimJob(Worker());
  StepRecord boot;
  boot.job_id = c.job.id;
  boot.attempt = 1;
  boot.name = "boot";
  boot.outcome = "passed";
  boot.duration_ms = 40;
  REQUIRE(store->AddStep(boot).ok());
  StepRecord fuzz = boot;
  fuzz.name = "fuzz";
  fuzz.outcome = "failed";
  fuzz.detail_json = R"({"findings":[{"sig":"a"},{"sig":"b"}]})";
  REQUIRE(store->AddStep(fuzz).ok());
  REQUIRE(
      store->FinishJob(c.job.id, "w1", 1, {JobState::kFailed, "fuzz: 2 findings", "", 3'000}).ok());
  REQUIRE(store->AnnounceWorker({"w1", {"target:virtio"}, 2, 1, std::chrono::seconds(60)}).ok());
  REQUIRE(store->AnnounceWorker({"w2", {"target:virtio"}, 3, 0, std::chrono::seconds(60)}).ok());
  REQUIRE(watcher.Poll().ok());
  metrics.WebhookDelivery("push", "queued");
  metrics.WebhookDelivery("push", "queued");
  metrics.StatusOutcome("sent");
  const std::string text = metrics.Serialize();
  auto has = [&](const std::string& line) {
    INFO(text);
    CHECK(text.find(line + "\n") != std::string::npos);
  };
  has("cirun_jobs{state=\"queued\"} 1");
  has("cirun_jobs{state=\"failed\"} 1");
  has("cirun_jobs{state=\"passed\"} 0");
  has("cirun_queue_depth 1");
  has("cirun_workers 2");
  has("cirun_worker_slots 5");
  has("cirun_worker_running 1");
  has("cirun_pipelines_total{trigger=\"push\"} 1");
  has("cirun_jobs_finished_total{state=\"failed\"} 1");
  has("cirun_job_duration_seconds_count{state=\"failed\"} 1");
  has("cirun_job_duration_seconds_sum{state=\"failed\"} 3");
  has("cirun_boot_duration_seconds_count{outcome=\"passed\",target=\"virtio\"} 1");
  has("cirun_boot_duration_seconds_bucket{outcome=\"passed\",target=\"virtio\",le=\"0.05\"} 1");
  has("cirun_webhook_deliveries_total{event=\"push\",result=\"queued\"} 2");
  has("cirun_github_statuses_total{outcome=\"sent\"} 1");
  has("cirun_fuzz_findings_total 2");
  has("cirun_regressions_total 0");
  has("# TYPE cirun_job_duration_seconds histogram");
}

TEST_CASE("CountInDetail reads numbers and arrays") {
  CHECK(CountInDetail(R"({"findings":3})", "findings") == 3);
  CHECK(CountInDetail(R"({"findings":[1,2]})", "findings") == 2);
  CHECK(CountInDetail(R"({"other":3})", "findings") == 0);
  CHECK(CountInDetail("not json", "findings") == 0);
}

}  // namespace
}  // namespace cirun
