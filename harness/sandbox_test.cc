#include "harness/sandbox.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "harness/resource_group.h"
#include "tests/scratch_dir.h"

namespace cirun {
namespace {

using std::chrono::milliseconds;
using testing::ScratchDir;

struct Run {
  std::string output;
  ProcessExit exit;
};

Run RunBoxed(const SandboxPolicy& policy, const std::string& script, const std::string& workspace,
             milliseconds timeout = milliseconds(30'000)) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", script};
  spec.cwd = workspace;
  spec.writable_paths = {workspace};
  spec.timeout = timeout;
  spec.kill_grace = milliseconds(200);
  SandboxedProcessRunner runner(policy, RealProcessRunner());
  Run run;
  run.exit = runner.Run(
      spec,
      [&run](std::string_view chunk, milliseconds) {
        run.output.append(chunk);
        return OutputAction::kContinue;
      },
      nullptr);
  return run;
}

// bubblewrap is a dependency (bootstrap.sh installs it); on a developer's
// machine without user namespaces the real-box cases say so and stop.
bool Boxable() {
  Status s = SandboxAvailable();
  if (s.ok()) return true;
  if (std::getenv("CI") != nullptr) FAIL("the sandbox must work in CI: " << s.message());
  MESSAGE("sandbox cases not run: " << s.message());
  return false;
}

bool Contains(const std::vector<std::string>& argv, const std::vector<std::string>& seq) {
  return std::search(argv.begin(), argv.end(), seq.begin(), seq.end()) != argv.end();
}

bool ProcessWithArgument(const std::string& needle) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream in(entry.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST_CASE("SandboxArgv: namespaces, the system read-only, the workspace writable, a clean env") {
  SandboxPolicy policy;
  policy.read_only = {"/opt/extra"};
  ProcessSpec spec;
  spec.argv = {"/cache/toolchains/mirage/bin/solo5-spt", "image.spt"};
  spec.cwd = "/work/p1/j2/tutorial/hello";
  spec.writable_paths = {"/work/p1/j2"};
  spec.read_only_paths = {"/cache/toolchains/mirage"};
  spec.env_set = {{"OCAMLPATH", "/cache/toolchains/mirage/lib"}, {"PATH", "/x/bin:/usr/bin"}};
  std::vector<std::string> argv = SandboxArgv(policy, spec);
  CHECK(argv.front() == "bwrap");
  CHECK(Contains(argv, {"--unshare-all"}));
  CHECK_FALSE(Contains(argv, {"--share-net"}));
  CHECK(Contains(argv, {"--die-with-parent"}));
  CHECK(Contains(argv, {"--ro-bind", "/usr", "/usr"}));
  CHECK(Contains(argv, {"--bind", "/work/p1/j2", "/work/p1/j2"}));
  CHECK(Contains(argv, {"--ro-bind-try", "/cache/toolchains/mirage", "/cache/toolchains/mirage"}));
  CHECK(Contains(argv, {"--ro-bind-try", "/opt/extra", "/opt/extra"}));
  CHECK(Contains(argv, {"--chdir", "/work/p1/j2/tutorial/hello"}));
  CHECK(Contains(argv, {"--clearenv"}));
  CHECK(Contains(argv, {"--setenv", "PATH", "/x/bin:/usr/bin"}));
  CHECK(Contains(argv, {"--setenv", "HOME", "/tmp"}));
  CHECK(Contains(argv, {"--", "/cache/toolchains/mirage/bin/solo5-spt", "image.spt"}));
  // Nothing of ci-run's own environment is named.
  CHECK_FALSE(Contains(argv, {"--setenv", "GITHUB_TOKEN"}));
  // The toolchain (depth 3) is mounted before the binary inside it (depth 5).
  auto dir = std::find(argv.begin(), argv.end(), "/cache/toolchains/mirage");
  auto bin = std::find(argv.begin(), argv.end(), "/cache/toolchains/mirage/bin/solo5-spt");
  CHECK(dir < bin);
}

TEST_CASE("SandboxArgv: the network only on request, and hidden paths below visible ones masked") {
  ScratchDir scratch;
  scratch.Write("ws/secret-token", "s3cret\n");
  std::filesystem::create_directories(scratch / "ws/config");
  SandboxPolicy policy;
  policy.hidden = {scratch / "ws/secret-token", scratch / "ws/config", "/nonexistent/token"};
  ProcessSpec spec;
  spec.argv = {"true"};
  spec.writable_paths = {scratch / "ws"};
  spec.network = true;
  std::vector<std::string> argv = SandboxArgv(policy, spec);
  CHECK(Contains(argv, {"--share-net"}));
  CHECK(Contains(argv, {"--dev-bind-try", "/dev/net/tun", "/dev/net/tun"}));
  CHECK(Contains(argv, {"--ro-bind", "/dev/null", scratch / "ws/secret-token"}));
  CHECK(Contains(argv, {"--tmpfs", scratch / "ws/config"}));
  CHECK_FALSE(Contains(argv, {"/nonexistent/token"}));
}

TEST_CASE("sandbox: the workspace is writable, nothing else of the host is visible or writable") {
  if (!Boxable()) return;
  ScratchDir scratch;
  scratch.Write("secret", "s3cret-value\n");
  std::filesystem::create_directories(scratch / "ws");
  setenv("CIRUN_SANDBOX_TEST_SECRET", "env-secret-value", 1);
  Run run = RunBoxed(SandboxPolicy{},
                     "echo built > out.txt; cat " + scratch / "secret" +
                         "; touch /usr/planted; ls /root; env; echo done",
                     scratch / "ws");
  unsetenv("CIRUN_SANDBOX_TEST_SECRET");
  INFO(run.output);
  CHECK(run.exit.kind == ProcessExit::Kind::kExited);
  CHECK(std::filesystem::exists(scratch / "ws/out.txt"));
  CHECK(run.output.find("s3cret-value") == std::string::npos);
  CHECK(run.output.find("env-secret-value") == std::string::npos);
  CHECK(run.output.find("HOME=/tmp") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists("/usr/planted"));
  CHECK(run.output.find("done") != std::string::npos);
}

TEST_CASE("sandbox: no network: a loopback port of the host cannot be reached") {
  if (!Boxable()) return;
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(listen(listener, 4) == 0);
  socklen_t len = sizeof addr;
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::string port = std::to_string(ntohs(addr.sin_port));
  ScratchDir scratch;
  std::filesystem::create_directories(scratch / "ws");
  const std::string probe = "python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", " +
                            port + "), timeout=3); print(\"CONNECTED\")'";
  Run boxed = RunBoxed(SandboxPolicy{}, probe, scratch / "ws");
  CHECK(boxed.output.find("CONNECTED") == std::string::npos);
  CHECK(boxed.exit.code != 0);
  // The same probe unboxed connects: the test can tell.
  SandboxPolicy off;
  off.enabled = false;
  Run plain = RunBoxed(off, probe, scratch / "ws");
  CHECK(plain.output.find("CONNECTED") != std::string::npos);
  close(listener);
}

TEST_CASE("sandbox: a daemon that setsid()s away dies with the run") {
  if (!Boxable()) return;
  ScratchDir scratch;
  std::filesystem::create_directories(scratch / "ws");
  Run run =
      RunBoxed(SandboxPolicy{}, "setsid sleep 31.4159 </dev/null >/dev/null 2>&1 & echo started",
               scratch / "ws");
  CHECK(run.exit.kind == ProcessExit::Kind::kExited);
  CHECK(run.output.find("started") != std::string::npos);
  CHECK_FALSE(ProcessWithArgument("31.4159"));
}

TEST_CASE("sandbox: a signal that kills the command is reported as a signal, not a status") {
  if (!Boxable()) return;
  ScratchDir scratch;
  std::filesystem::create_directories(scratch / "ws");
  Run run = RunBoxed(SandboxPolicy{}, "kill -SEGV $$", scratch / "ws");
  CHECK(run.exit.kind == ProcessExit::Kind::kSignaled);
  CHECK(run.exit.signal == SIGSEGV);
  // QEMU's own high statuses stay statuses.
  ProcessSpec qemu_like;
  qemu_like.argv = {"sh", "-c", "exit 129"};
  qemu_like.writable_paths = {scratch / "ws"};
  qemu_like.cwd = scratch / "ws";
  qemu_like.high_exit_codes = true;
  SandboxedProcessRunner runner(SandboxPolicy{}, RealProcessRunner());
  ProcessExit high = runner.Run(qemu_like, nullptr, nullptr);
  CHECK(high.kind == ProcessExit::Kind::kExited);
  CHECK(high.code == 129);
  Run missing = RunBoxed(SandboxPolicy{}, "exit 3", scratch / "missing-workspace");
  CHECK(missing.exit.kind == ProcessExit::Kind::kSpawnFailed);
  CHECK(missing.exit.error.find("bwrap") != std::string::npos);
}

TEST_CASE("sandbox: the run's CPU time is the command's, not bubblewrap's") {
  if (!Boxable()) return;
  if (!ResourceGroup::Create("ci-run-test-cpu-probe", {1ull << 30, 100}).ok()) {
    MESSAGE("not run: no cgroup can be made here (the CPU time is then bubblewrap's own)");
    return;
  }
  ScratchDir scratch;
  std::filesystem::create_directories(scratch / "ws");
  const std::string work = "python3 -c 'sum(i * i for i in range(3000000))'";
  SandboxPolicy off;
  off.enabled = false;
  Run plain = RunBoxed(off, work, scratch / "ws");
  Run boxed = RunBoxed(SandboxPolicy{}, work, scratch / "ws");
  REQUIRE(plain.exit.code == 0);
  REQUIRE(boxed.exit.code == 0);
  // The same work: the same order of CPU time (bubblewrap alone uses ~3 ms).
  // Loose (a loaded machine varies the same work's CPU time): unaccounted, the
  // command's time would be missing altogether, a factor of 100 here.
  CHECK(boxed.exit.cpu_time * 4 > plain.exit.cpu_time);
}

TEST_CASE("sandbox limits: memory, processes, file size and disk each end the run with the cause") {
  if (!Boxable()) return;
  ScratchDir scratch;
  std::filesystem::create_directories(scratch / "ws");
  SandboxPolicy policy;
  policy.limits.memory_bytes = 64ull << 20;
  policy.limits.processes = 40;
  policy.limits.file_bytes = 1ull << 20;
  policy.limits.disk_bytes = 24ull << 20;
  const bool cgroups = ResourceGroup::Create("ci-run-test-probe", {1ull << 30, 100}).ok();

  Run memory =
      RunBoxed(policy, "python3 -c 'b = bytearray(512 << 20); print(len(b))'", scratch / "ws");
  INFO(memory.output);
  CHECK(memory.output.find("536870912") == std::string::npos);
  if (cgroups) CHECK(memory.exit.limit == "used more than 64 MiB of memory");

  Run forks = RunBoxed(policy, "i=0; while [ $i -lt 200 ]; do sleep 20 & i=$((i+1)); done; wait",
                       scratch / "ws");
  if (cgroups) {
    CHECK(forks.exit.limit == "tried to run more than 40 processes at once");
    CHECK(forks.exit.Describe().find("(the sandbox's limit)") != std::string::npos);
  }
  CHECK(forks.exit.elapsed < milliseconds(20'000));

  Run big = RunBoxed(policy, "head -c 4000000 /dev/zero > big", scratch / "ws");
  CHECK(big.exit.limit == "wrote a file larger than 1 MiB");

  Run disk = RunBoxed(policy,
                      "i=0; while [ $i -lt 60 ]; do head -c 900000 /dev/zero > f$i; sync; "
                      "i=$((i+1)); sleep 0.05; done; sleep 15",
                      scratch / "ws");
  CHECK(disk.exit.limit == "wrote more than 24 MiB to disk");
  CHECK(disk.exit.kind == ProcessExit::Kind::kStopped);
}

}  // namespace
}  // namespace cirun
