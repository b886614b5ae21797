#include "harness/process_runner.h"

#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "harness/process_group.h"

namespace cirun {
namespace {

using std::chrono::milliseconds;

struct Captured {
  std::string output;
  std::vector<milliseconds> times;
  ProcessExit exit;
};

ProcessSpec Shell(const std::string& script, milliseconds timeout = milliseconds(10'000)) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", script};
  spec.timeout = timeout;
  spec.kill_grace = milliseconds(500);
  return spec;
}

Captured RunCapture(const ProcessSpec& spec, const CancelToken* cancel = nullptr) {
  Captured c;
  c.exit = RealProcessRunner().Run(
      spec,
      [&](std::string_view chunk, milliseconds at) {
        c.output += chunk;
        c.times.push_back(at);
        return OutputAction::kContinue;
      },
      cancel);
  return c;
}

// A marker argument unique to this test process and `tag`, to find leftovers in /proc.
std::string Marker(const std::string& tag) {
  return "1000" + std::to_string(getpid()) + tag;
}

// Number of live processes whose command line contains `marker`.
int LiveProcessesWith(const std::string& marker) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.empty() || !isdigit(static_cast<unsigned char>(name[0]))) continue;
    std::ifstream in(entry.path() / "cmdline", std::ios::binary);
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(marker) != std::string::npos && std::stoi(name) != getpid()) ++count;
  }
  return count;
}

}  // namespace

TEST_CASE("ProcessRunner: merged stdout and stderr reach the callback") {
  Captured c = RunCapture(Shell("echo out; echo err >&2; printf tail"));
  CHECK(c.exit.kind == ProcessExit::Kind::kExited);
  CHECK(c.exit.code == 0);
  CHECK(c.output == "out\nerr\ntail");
  CHECK(c.exit.output_bytes == 12);
  CHECK(c.exit.dropped_bytes == 0);
  CHECK(c.exit.pid > 0);
}

TEST_CASE("ProcessRunner: output is streamed while the child runs") {
  Captured c = RunCapture(Shell("echo first; sleep 0.4; echo second"));
  REQUIRE(c.times.size() == 2);
  CHECK(c.output == "first\nsecond\n");
  CHECK(c.times[1] - c.times[0] >= milliseconds(300));
  CHECK(c.exit.elapsed >= milliseconds(400));
}

TEST_CASE("ProcessRunner: exit codes and signals") {
  CHECK(RunCapture(Shell("exit 3")).exit.code == 3);
  CHECK(RunCapture(Shell("exit 3")).exit.Describe() == "exited with status 3");
  Captured segv = RunCapture(Shell("kill -SEGV $$"));
  CHECK(segv.exit.kind == ProcessExit::Kind::kSignaled);
  CHECK(segv.exit.signal == SIGSEGV);
  CHECK(segv.exit.Describe() == "killed by signal 11 (SIGSEGV)");
}

TEST_CASE("ProcessRunner: environment is inherited, set and unset - cwd is applied") {
  setenv("CIRUN_TEST_INHERITED", "yes", 1);
  setenv("CIRUN_TEST_UNSET", "present", 1);
  ProcessSpec spec =
      Shell("echo $CIRUN_TEST_INHERITED,$CIRUN_TEST_SET,${CIRUN_TEST_UNSET-gone}; pwd");
  spec.env_set = {{"CIRUN_TEST_SET", "a b"}};
  spec.env_unset = {"CIRUN_TEST_UNSET"};
  spec.cwd = "/tmp";
  Captured c = RunCapture(spec);
  CHECK(c.output == "yes,a b,gone\n/tmp\n");
}

TEST_CASE("ProcessRunner: stdin is /dev/null") {
  Captured c = RunCapture(Shell("cat; echo rc=$?"));
  CHECK(c.output == "rc=0\n");
}

TEST_CASE("ProcessRunner: the child runs in its own process group") {
  Captured c = RunCapture(Shell("ps -o pgid= -p $$ | tr -d ' '; echo $$"));
  CHECK(c.output == std::to_string(c.exit.pid) + "\n" + std::to_string(c.exit.pid) + "\n");
}

TEST_CASE("ProcessRunner: a timeout kills the whole group and leaves nothing behind") {
  const std::string marker = Marker("1");
  ProcessSpec spec =
      Shell("sleep " + marker + " & sleep " + marker + "; echo never", milliseconds(300));
  Captured c = RunCapture(spec);
  CHECK(c.exit.kind == ProcessExit::Kind::kTimedOut);
  CHECK(c.exit.timeout == milliseconds(300));
  CHECK(c.exit.Describe() == "timed out after 300ms");
  CHECK(c.exit.elapsed >= milliseconds(300));
  CHECK(c.exit.elapsed < milliseconds(3'000));
  CHECK(c.output == "");
  CHECK(LiveProcessesWith(marker) == 0);
  CHECK_FALSE(GroupHasLiveMembers(c.exit.pid));
}

TEST_CASE("ProcessRunner: a child ignoring SIGTERM is SIGKILLed after the grace") {
  const std::string marker = Marker("2");
  ProcessSpec spec =
      Shell("trap '' TERM; echo ready; sleep " + marker + "; sleep " + marker, milliseconds(200));
  spec.kill_grace = milliseconds(300);
  Captured c = RunCapture(spec);
  CHECK(c.exit.kind == ProcessExit::Kind::kTimedOut);
  CHECK(c.output == "ready\n");
  CHECK(c.exit.elapsed >= milliseconds(500));
  CHECK(LiveProcessesWith(marker) == 0);
}

TEST_CASE("ProcessRunner: grandchildren left by a leader that exits are killed") {
  const std::string marker = Marker("3");
  Captured c = RunCapture(Shell("sleep " + marker + " & echo started"));
  CHECK(c.exit.kind == ProcessExit::Kind::kExited);
  CHECK(c.exit.code == 0);
  CHECK(c.output == "started\n");
  CHECK(c.exit.elapsed < milliseconds(2'000));
  CHECK(LiveProcessesWith(marker) == 0);
}

TEST_CASE("ProcessRunner: on_output returning kStop kills the group") {
  const std::string marker = Marker("4");
  std::string seen;
  ProcessExit exit = RealProcessRunner().Run(
      Shell("echo STOP-HERE; sleep " + marker + "; echo late"),
      [&](std::string_view chunk, milliseconds) {
        seen += chunk;
        return seen.find("STOP-HERE") != std::string::npos ? OutputAction::kStop
                                                           : OutputAction::kContinue;
      },
      nullptr);
  CHECK(exit.kind == ProcessExit::Kind::kStopped);
  CHECK(seen == "STOP-HERE\n");
  CHECK(exit.elapsed < milliseconds(2'000));
  CHECK(LiveProcessesWith(marker) == 0);
}

TEST_CASE("ProcessRunner: a CancelToken stops the run within ~50 ms") {
  const std::string marker = Marker("5");
  CancelToken cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(milliseconds(200));
    cancel.Cancel();
  });
  Captured c = RunCapture(Shell("sleep " + marker), &cancel);
  canceller.join();
  CHECK(c.exit.kind == ProcessExit::Kind::kCancelled);
  CHECK(c.exit.elapsed >= milliseconds(200));
  CHECK(c.exit.elapsed < milliseconds(1'000));
  CHECK(LiveProcessesWith(marker) == 0);
}

TEST_CASE("ProcessRunner: an already cancelled token kills at once") {
  CancelToken cancel;
  cancel.Cancel();
  Captured c = RunCapture(Shell("sleep 5"), &cancel);
  CHECK(c.exit.kind == ProcessExit::Kind::kCancelled);
  CHECK(c.exit.elapsed < milliseconds(1'000));
}

TEST_CASE("ProcessRunner: spawn failures are reported, not thrown") {
  ProcessSpec missing;
  missing.argv = {"cirun-no-such-binary-xyz", "--help"};
  ProcessExit exit = RealProcessRunner().Run(missing, nullptr, nullptr);
  CHECK(exit.kind == ProcessExit::Kind::kSpawnFailed);
  CHECK(exit.error == "cirun-no-such-binary-xyz: not found in PATH");
  CHECK(exit.Describe() == "failed to start: cirun-no-such-binary-xyz: not found in PATH");

  ProcessSpec not_exec;
  not_exec.argv = {"/etc/hostname"};
  exit = RealProcessRunner().Run(not_exec, nullptr, nullptr);
  CHECK(exit.kind == ProcessExit::Kind::kSpawnFailed);
  CHECK(exit.error.rfind("/etc/hostname: ", 0) == 0);

  ProcessSpec bad_cwd = Shell("true");
  bad_cwd.cwd = "/nonexistent/dir";
  exit = RealProcessRunner().Run(bad_cwd, nullptr, nullptr);
  CHECK(exit.kind == ProcessExit::Kind::kSpawnFailed);
  CHECK(exit.error == "cwd /nonexistent/dir: No such file or directory");

  ProcessSpec empty;
  CHECK(RealProcessRunner().Run(empty, nullptr, nullptr).error == "empty argv");
}

TEST_CASE("ProcessRunner: PATH from env_set is used to find argv[0]") {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "echo ok"};
  spec.env_set = {{"PATH", "/nonexistent"}};
  ProcessExit exit = RealProcessRunner().Run(spec, nullptr, nullptr);
  CHECK(exit.kind == ProcessExit::Kind::kSpawnFailed);
  CHECK(exit.error == "sh: not found in PATH");
}

TEST_CASE("ProcessRunner: output beyond output_cap is counted, not delivered") {
  ProcessSpec spec = Shell("head -c 100000 /dev/zero | tr '\\0' x");
  spec.output_cap = 1000;
  Captured c = RunCapture(spec);
  CHECK(c.output == std::string(1000, 'x'));
  CHECK(c.exit.output_bytes == 100000);
  CHECK(c.exit.dropped_bytes == 99000);
  CHECK(c.exit.code == 0);
}

TEST_CASE("ProcessRunner: many concurrent runs from threads keep their outputs apart") {
  constexpr int kThreads = 16;
  std::vector<Captured> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([i, &results] {
      ProcessSpec spec = Shell("for n in 1 2 3; do echo run" + std::to_string(i) +
                               "-$n; sleep 0.01; done; exit " + std::to_string(i));
      results[i] = RunCapture(spec);
    });
  }
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) {
    const std::string id = "run" + std::to_string(i);
    CHECK(results[i].exit.kind == ProcessExit::Kind::kExited);
    CHECK(results[i].exit.code == i);
    CHECK(results[i].output == id + "-1\n" + id + "-2\n" + id + "-3\n");
    CHECK(results[i].exit.elapsed < milliseconds(5'000));
  }
}

TEST_CASE("ProcessRunner: the child dies with ci-run (PR_SET_PDEATHSIG)") {
  const std::string marker = Marker("6");
  pid_t helper = fork();
  REQUIRE(helper >= 0);
  if (helper == 0) {
    // A stand-in for ci-run: start a long child, then die abruptly.
    std::thread([] {
      std::this_thread::sleep_for(milliseconds(300));
      _exit(0);
    }).detach();
    ProcessSpec spec;
    spec.argv = {"sleep", marker};
    RealProcessRunner().Run(spec, nullptr, nullptr);
    _exit(1);
  }
  int status = 0;
  waitpid(helper, &status, 0);
  CHECK(WIFEXITED(status));
  for (int i = 0; i < 100 && LiveProcessesWith(marker) > 0; ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  CHECK(LiveProcessesWith(marker) == 0);
}

TEST_CASE("ProcessExit::Describe covers every kind") {
  ProcessExit e;
  e.kind = ProcessExit::Kind::kStopped;
  e.elapsed = milliseconds(1234);
  CHECK(e.Describe() == "stopped on request after 1.2s");
  e.kind = ProcessExit::Kind::kCancelled;
  e.elapsed = milliseconds(300);
  CHECK(e.Describe() == "cancelled after 300ms");
  e.kind = ProcessExit::Kind::kTimedOut;
  e.timeout = milliseconds(10'000);
  CHECK(e.Describe() == "timed out after 10s");
}

}  // namespace cirun
