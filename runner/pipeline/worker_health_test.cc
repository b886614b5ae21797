#include "runner/pipeline/worker_health.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

namespace cirun {
namespace {
namespace fs = std::filesystem;
using std::chrono::milliseconds;

// A scratch directory removed at the end of the test.
struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("worker_health_test." + std::to_string(getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
};

BootResult Outcome(BootOutcome o) {
  BootResult r;
  r.outcome = o;
  r.cause = o == BootOutcome::kPassed ? "" : "qemu-system-x86_64: broken";
  return r;
}

TEST_CASE("WorkerHealth: K infra jobs in a row make a worker unhealthy, any verdict resets") {
  WorkerHealth health({3, milliseconds(0)}, "/nonexistent", nullptr);
  CHECK(!health.JobEnded(JobState::kInfra, "a: boot: infra"));
  CHECK(!health.JobEnded(JobState::kInfra, "b: boot: infra"));
  CHECK(!health.JobEnded(JobState::kFailed, "c: boot: crashed"));  // the host ran it
  CHECK(!health.JobEnded(JobState::kInfra, "d: boot: infra"));
  CHECK(!health.JobEnded(JobState::kInfra, "e: boot: infra"));
  CHECK(health.Unhealthy().empty());
  CHECK(health.JobEnded(JobState::kInfra, "f: boot: infra: broken"));
  CHECK(health.Unhealthy() == "3 jobs in a row ended infra, the last: f: boot: infra: broken");
  CHECK(!health.JobEnded(JobState::kInfra, "g"));  // already unhealthy: reported once
}

TEST_CASE("WorkerHealth: limit 0 never makes a worker unhealthy") {
  WorkerHealth health({0, milliseconds(0)}, "/nonexistent", nullptr);
  for (int i = 0; i < 10; ++i) CHECK(!health.JobEnded(JobState::kInfra, "x"));
  CHECK(health.Unhealthy().empty());
}

TEST_CASE("WorkerHealth: the health boot reboots the kept image until it passes") {
  Scratch scratch;
  const fs::path work = scratch.dir / "job";
  fs::create_directories(work);
  std::ofstream(work / "hello.virtio") << "image bytes";
  BootOutcome next = BootOutcome::kInfra;
  std::vector<HealthBoot> ran;
  WorkerHealth health({1, milliseconds(0)}, (scratch.dir / "health").string(),
                      [&](const HealthBoot& b) {
                        ran.push_back(b);
                        return Outcome(next);
                      });
  BootRequest request;
  request.image = "hello.virtio";  // relative to work_dir
  request.work_dir = work.string();
  request.expect = {"Hello"};
  health.BootPassed("virtio", request);
  fs::remove_all(work);                        // the job's workspace goes; the copy stays
  CHECK(health.CheckIfDue() == std::nullopt);  // healthy: nothing to check
  REQUIRE(health.JobEnded(JobState::kInfra, "j: boot: infra"));
  auto line = health.CheckIfDue();
  REQUIRE(line);
  CHECK(*line ==
        "health boot failed (virtio: infra: qemu-system-x86_64: broken): still taking "
        "no jobs");
  CHECK(!health.Unhealthy().empty());
  REQUIRE(ran.size() == 1);
  CHECK(ran[0].target == "virtio");
  CHECK(ran[0].request.expect == request.expect);
  CHECK(fs::exists(ran[0].request.image));
  next = BootOutcome::kPassed;
  line = health.CheckIfDue();
  REQUIRE(line);
  CHECK(*line == "health boot passed (virtio): taking jobs again");
  CHECK(health.Unhealthy().empty());
  // The run of infra jobs starts again from zero.
  CHECK(health.JobEnded(JobState::kInfra, "k"));
}

TEST_CASE("WorkerHealth: checks once per period") {
  int boots = 0;
  WorkerHealth health({1, milliseconds(60'000)}, "/nonexistent", [&](const HealthBoot&) {
    ++boots;
    return Outcome(BootOutcome::kPassed);
  });
  REQUIRE(health.JobEnded(JobState::kInfra, "j"));
  CHECK(health.CheckIfDue() == std::nullopt);  // the first check waits a period too
  CHECK(!health.Unhealthy().empty());
  CHECK(boots == 0);
}

TEST_CASE("WorkerHealth: with no known-good boot, the check trusts the worker again") {
  WorkerHealth health({1, milliseconds(0)}, "/nonexistent", nullptr);
  REQUIRE(health.JobEnded(JobState::kInfra, "j"));
  CHECK(health.CheckIfDue() ==
        "no known-good boot to check (none passed here yet): taking jobs again");
  CHECK(health.Unhealthy().empty());
}

}  // namespace
}  // namespace cirun
