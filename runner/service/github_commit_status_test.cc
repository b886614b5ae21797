#include "runner/service/github_commit_status.h"

#include <doctest/doctest.h>

#include <condition_variable>
#include <nlohmann/json.hpp>

#include "tests/fake_github.h"

namespace cirun {
namespace {

using testing::FakeGitHub;
const std::string kSha = "0123456789abcdef0123456789abcdef01234567";

PipelineRecord Pipeline() {
  PipelineRecord p;
  p.id = 3;
  p.repo_name = "example/repo";
  p.commit = kSha;
  return p;
}

JobRecord Job(JobState state, std::string cause = "") {
  JobRecord j;
  j.name = "hello gcc/virtio";
  j.unikernel = "hello";
  j.cell_label = "gcc/virtio";
  j.state = state;
  j.cause = std::move(cause);
  j.duration_ms = 12'345;
  j.worker = "w1";
  return j;
}

// Collects outcomes; waits for a number of them.
class Outcomes {
 public:
  StatusOutcome Callback() {
    return [this](const CommitStatus& s, const std::string& outcome, const std::string&) {
      std::lock_guard lock(mu_);
      seen_.push_back(s.context + " " + s.state + " " + outcome);
      cv_.notify_all();
    };
  }
  std::vector<std::string> WaitFor(size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(20), [&] { return seen_.size() >= n; });
    return seen_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> seen_;
};

TEST_CASE("OneLineDescription keeps the first line within GitHub's 140 characters") {
  CHECK(OneLineDescription("short\nsecond line") == "short");
  CHECK(OneLineDescription(std::string(140, 'a')) == std::string(140, 'a'));
  const std::string cut = OneLineDescription(std::string(200, 'a'));
  CHECK(cut == std::string(139, 'a') + "\xE2\x80\xA6");
  // 150 two-byte characters: cut between characters, never inside one.
  std::string accents;
  for (int i = 0; i < 150; ++i) accents += "\xC3\xA9";  // é
  const std::string cut_accents = OneLineDescription(accents);
  CHECK(cut_accents.size() == 139 * 2 + 3);
  CHECK(cut_accents.substr(0, 4) == "\xC3\xA9\xC3\xA9");
}

TEST_CASE("Job statuses: context per cell and state per result") {
  CHECK(JobStatusContext(Job(JobState::kQueued)) == "ci-run/hello/gcc/virtio");
  auto queued = JobCommitStatus(Pipeline(), Job(JobState::kQueued));
  CHECK(queued.repo == "example/repo");
  CHECK(queued.sha == kSha);
  CHECK(queued.state == "pending");
  CHECK(queued.description == "queued");
  CHECK(JobCommitStatus(Pipeline(), Job(JobState::kRunning)).description == "running on w1");
  auto passed = JobCommitStatus(Pipeline(), Job(JobState::kPassed));
  CHECK(passed.state == "success");
  CHECK(passed.description == "passed in 12s");
  auto failed = JobCommitStatus(
      Pipeline(), Job(JobState::kFailed, "boot: crashed: PANIC: stack smashing detected\nmore"));
  CHECK(failed.state == "failure");
  CHECK(failed.description == "boot: crashed: PANIC: stack smashing detected");
  auto build = JobCommitStatus(
      Pipeline(), Job(JobState::kFailed,
                      "build: build exited with status 1: /srv/ci/data/work/w1/p2/j17/unikernels/"
                      "runtime/console.c:18:5: error: function definition is not allowed here"));
  CHECK(build.description ==
        "build: build exited with status 1: unikernels/runtime/console.c:18:5: error: function "
        "definition is not allowed here");
  CHECK(JobCommitStatus(Pipeline(), Job(JobState::kInfra, "qemu missing")).state == "error");
  auto skipped = JobCommitStatus(Pipeline(), Job(JobState::kSkipped, "no toolchain"));
  CHECK(skipped.state == "success");
  CHECK(skipped.description == "skipped: no toolchain");
  CHECK(JobCommitStatus(Pipeline(), Job(JobState::kFailed, std::string(300, 'x')))
            .description.size() == 139 + 3);
}

TEST_CASE("A pipeline waiting for approval is pending, saying so") {
  auto job = JobCommitStatus(Pipeline(), Job(JobState::kWaiting, "waiting for approval: by x"));
  CHECK(job.state == "pending");
  CHECK(job.description == "waiting for approval by a collaborator (comment \"/ci-run approve\")");
  auto summary =
      SummaryCommitStatus(Pipeline(), {Job(JobState::kWaiting), Job(JobState::kSkipped)});
  CHECK(summary.state == "pending");
  CHECK(summary.description == job.description);
  auto approved =
      SummaryCommitStatus(Pipeline(), {Job(JobState::kQueued), Job(JobState::kSkipped)});
  CHECK(approved.description == "1/2 jobs done, 0 running");
}

TEST_CASE("The summary status counts the jobs and names the first failure") {
  std::vector<JobRecord> jobs = {Job(JobState::kPassed), Job(JobState::kRunning),
                                 Job(JobState::kQueued)};
  auto running = SummaryCommitStatus(Pipeline(), jobs);
  CHECK(running.context == "ci-run");
  CHECK(running.state == "pending");
  CHECK(running.description == "1/3 jobs done, 1 running");
  jobs[1] = Job(JobState::kFailed, "build: exited with status 2");
  jobs[2] = Job(JobState::kSkipped, "no toolchain");
  auto failed = SummaryCommitStatus(Pipeline(), jobs);
  CHECK(failed.state == "failure");
  CHECK(failed.description == "1 of 3 failed; hello gcc/virtio: build: exited with status 2");
  jobs[1] = Job(JobState::kPassed);
  auto passed = SummaryCommitStatus(Pipeline(), jobs);
  CHECK(passed.state == "success");
  CHECK(passed.description == "2 passed, 1 skipped");
  JobRecord plan;
  plan.name = "plan";
  plan.state = JobState::kFailed;
  plan.cause = ".ci-run.yml:3:5: unknown key \"bot\"\n.ci-run.yml:9:1: more";
  auto unplanned = SummaryCommitStatus(Pipeline(), {plan});
  CHECK(unplanned.state == "failure");
  CHECK(unplanned.description == ".ci-run.yml:3:5: unknown key \"bot\"");
}

TEST_CASE("A confirmed culprit: a status on its commit, and the summary names it") {
  BisectionRecord b;
  b.unikernel = "hello";
  b.cell_key = "compiler=gcc,target=unix";
  b.case_name = "boot";
  b.bad = kSha;
  b.culprit = "fedcba9876543210fedcba9876543210fedcba98";
  b.verdict = "confirmed";
  CommitStatus culprit = CulpritCommitStatus(Pipeline(), b);
  CHECK(culprit.repo == "example/repo");
  CHECK(culprit.sha == b.culprit);
  CHECK(culprit.state == "failure");
  CHECK(culprit.context == "ci-run/culprit/hello/compiler=gcc,target=unix");
  CHECK(culprit.description ==
        "first commit where hello boot fails (confirmed); found by pipeline 3 at 0123456789ab");
  std::vector<JobRecord> jobs = {Job(JobState::kPassed), Job(JobState::kFailed, "boot: crashed")};
  CHECK(SummaryCommitStatus(Pipeline(), jobs, {b}).description ==
        "1 of 2 failed, culprit fedcba987654; hello gcc/virtio: boot: crashed");
  // A bisection that did not confirm names nothing.
  b.verdict = "not confirmed";
  CHECK(SummaryCommitStatus(Pipeline(), jobs, {b}).description ==
        "1 of 2 failed; hello gcc/virtio: boot: crashed");
}

TEST_CASE("StatusSender posts to the GitHub API with the token") {
  FakeGitHub github({"example/repo/statuses/" + kSha});
  auto http = MakeCurlHttpClient();
  Outcomes outcomes;
  StatusSender sender(*http, {github.api(), "tok3n", std::chrono::milliseconds(10)},
                      outcomes.Callback());
  sender.Enqueue(JobCommitStatus(Pipeline(), Job(JobState::kPassed)));
  CHECK(outcomes.WaitFor(1) == std::vector<std::string>{"ci-run/hello/gcc/virtio success sent"});
  auto requests = github.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].Header("Authorization") == "Bearer tok3n");
  CHECK(requests[0].Header("Accept") == "application/vnd.github+json");
  CHECK(requests[0].Header("User-Agent") == "ci-run");
  auto body = nlohmann::json::parse(requests[0].body);
  CHECK(body["state"] == "success");
  CHECK(body["context"] == "ci-run/hello/gcc/virtio");
  CHECK(body["description"] == "passed in 12s");
}

TEST_CASE("StatusSender retries 5xx with backoff but not 4xx") {
  FakeGitHub github({"example/repo/statuses/" + kSha});
  github.Script({502, 503, 201, 422});
  auto http = MakeCurlHttpClient();
  Outcomes outcomes;
  StatusSender sender(*http, {github.api(), "t", std::chrono::milliseconds(10)},
                      outcomes.Callback());
  sender.Enqueue(JobCommitStatus(Pipeline(), Job(JobState::kPassed)));
  auto seen = outcomes.WaitFor(3);
  CHECK(seen == std::vector<std::string>{"ci-run/hello/gcc/virtio success retry",
                                         "ci-run/hello/gcc/virtio success retry",
                                         "ci-run/hello/gcc/virtio success sent"});
  sender.Enqueue(SummaryCommitStatus(Pipeline(), {Job(JobState::kPassed)}));
  seen = outcomes.WaitFor(4);
  REQUIRE(seen.size() == 4);
  CHECK(seen[3] == "ci-run success failed");  // 422: GitHub refused it; not retried
  CHECK(github.requests().size() == 4);
}

TEST_CASE("StatusSender gives up after its attempts when GitHub cannot be reached") {
  auto http = MakeCurlHttpClient();
  Outcomes outcomes;
  // Port 1: connection refused at once.
  StatusSender sender(
      *http,
      {"http://127.0.0.1:1", "t", std::chrono::milliseconds(5), std::chrono::milliseconds(20), 3},
      outcomes.Callback());
  sender.Enqueue(JobCommitStatus(Pipeline(), Job(JobState::kPassed)));
  auto seen = outcomes.WaitFor(3);
  CHECK(seen == std::vector<std::string>{"ci-run/hello/gcc/virtio success retry",
                                         "ci-run/hello/gcc/virtio success retry",
                                         "ci-run/hello/gcc/virtio success failed"});
  CHECK(sender.Pending() == 0);
}

TEST_CASE("StatusSender never lets a late retry overwrite a newer status") {
  FakeGitHub github({"example/repo/statuses/" + kSha});
  github.Script({500});
  auto http = MakeCurlHttpClient();
  Outcomes outcomes;
  StatusSender sender(*http, {github.api(), "t", std::chrono::seconds(5)}, outcomes.Callback());
  sender.Enqueue(JobCommitStatus(Pipeline(), Job(JobState::kQueued)));
  CHECK(outcomes.WaitFor(1).back() == "ci-run/hello/gcc/virtio pending retry");
  sender.Enqueue(JobCommitStatus(Pipeline(), Job(JobState::kPassed)));
  auto seen = outcomes.WaitFor(3);
  CHECK(seen == std::vector<std::string>{"ci-run/hello/gcc/virtio pending retry",
                                         "ci-run/hello/gcc/virtio pending superseded",
                                         "ci-run/hello/gcc/virtio success sent"});
  auto requests = github.requests();
  REQUIRE(requests.size() == 2);
  CHECK(nlohmann::json::parse(requests.back().body)["state"] == "success");
}

TEST_CASE("StatusSender::Enqueue returns at once while GitHub is slow or down") {
  auto http = MakeCurlHttpClient();
  StatusSender sender(*http, {"http://127.0.0.1:1", "t", std::chrono::seconds(60)}, nullptr);
  for (int i = 0; i < 100; ++i) {
    CommitStatus s = JobCommitStatus(Pipeline(), Job(JobState::kQueued));
    s.context += std::to_string(i);
    sender.Enqueue(s);
  }
  CHECK(sender.Pending() >= 99);  // queued, not sent: nothing waited for the network
  sender.Stop(std::chrono::milliseconds(0));
  CHECK(sender.Pending() == 0);
}

}  // namespace
}  // namespace cirun
