#include "runner/pipeline/job_sandbox.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

class RecordingProgress : public ProgressSink {
 public:
  void JobStarted(const JobRecord&) override {}
  void StepStarted(const JobRecord&, const std::string&) override {}
  void StepFinished(const JobRecord&, const StepRecord&) override {}
  void JobFinished(const JobRecord&, const JobResult&) override {}
  void Message(const std::string& line) override { lines.push_back(line); }
  std::vector<std::string> lines;
};

TEST_CASE(
    "PipelineUntrusted: pull requests and their rebuilds; pushes, nightly and local are not") {
  PipelineRecord p;
  p.trigger = "push";
  p.ref = "refs/heads/main";
  CHECK_FALSE(PipelineUntrusted(p));
  p.trigger = "pull_request";
  CHECK(PipelineUntrusted(p));
  p.trigger = "rebuild";
  p.ref = "refs/pull/7/head";
  CHECK(PipelineUntrusted(p));
  p.ref = "refs/heads/main";
  p.untrusted = true;  // stored with the pipeline, copied by rebuilds
  CHECK(PipelineUntrusted(p));
  p.repo_name = "mirage/mirage-skeleton";
  p.ref = "refs/pull/7/head";
  CHECK(PullRequestCacheScope(p) == "mirage_mirage-skeleton_refs_pull_7_head");
}

TEST_CASE(
    "SandboxForPipeline: without a sandbox, pull requests are refused and trusted code warned "
    "once") {
  HostConfig host;
  host.sandbox.bwrap = "/nonexistent/ci-run-test/bwrap";
  RecordingProgress progress;
  auto refused = SandboxForPipeline(host, /*untrusted=*/true, "/cache", {}, &progress);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("refusing to run a pull request's code unsandboxed") == 0);
  CHECK(refused.status().message().find("bwrap") != std::string::npos);

  // Turned off in the host config: the same for pull requests.
  HostConfig off;
  off.sandbox.enabled = false;
  auto refused_off = SandboxForPipeline(off, /*untrusted=*/true, "/cache", {}, &progress);
  REQUIRE_FALSE(refused_off.ok());
  CHECK(refused_off.status().message().find("turned off by the host config") != std::string::npos);

  auto trusted =
      SandboxForPipeline(host, /*untrusted=*/false, "/cache", {"/etc/ci/token"}, &progress);
  REQUIRE(trusted.ok());
  CHECK_FALSE(trusted->enabled);
  auto again = SandboxForPipeline(host, /*untrusted=*/false, "/cache", {}, &progress);
  REQUIRE(again.ok());
  CHECK(progress.lines.size() <= 1);  // once per process (an earlier case may have said it)
}

TEST_CASE("SandboxForPipeline: trusted code shares a cache home, a pull request's is private") {
  HostConfig host;
  if (!SandboxAvailable(host.sandbox.bwrap).ok()) {
    MESSAGE("not run: " << SandboxAvailable(host.sandbox.bwrap).message());
    return;
  }
  auto trusted = SandboxForPipeline(host, false, "/cache", {"/etc/ci/token"}, nullptr);
  REQUIRE(trusted.ok());
  CHECK(trusted->enabled);
  CHECK(trusted->cache_home == "/cache/sandbox-home");
  CHECK(trusted->hidden == std::vector<std::string>{"/etc/ci/token"});
  auto untrusted = SandboxForPipeline(host, true, "/cache", {}, nullptr);
  REQUIRE(untrusted.ok());
  CHECK(untrusted->cache_home.empty());
}

}  // namespace
}  // namespace cirun
