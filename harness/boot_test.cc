// Boot with the process backend, using small sh scripts as "images".
#include "harness/boot.h"

#include <sys/stat.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "harness/fake_process_runner.h"
#include "harness/process_backend.h"
#include "harness/process_group.h"

namespace cirun {
namespace {

using std::chrono::milliseconds;
namespace fs = std::filesystem;

// A scratch directory, removed at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "cirun-boot-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~ScratchDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

  // Writes an executable sh script named `name` with `body`; returns its path.
  std::string Script(const std::string& name, const std::string& body) const {
    fs::path file = path_ / name;
    std::ofstream(file) << "#!/bin/sh\n" << body << "\n";
    chmod(file.c_str(), 0755);
    return file.string();
  }

 private:
  fs::path path_;
};

TargetSpec UnixTarget() {
  TargetSpec target;
  target.name = "unix";
  target.backend = BackendKind::kProcess;
  return target;
}

BootRequest Request(const std::string& image) {
  BootRequest request;
  request.image = image;
  request.expect = {"^Hello", "^SUCCESS$"};
  request.fail = {"error: .*"};
  request.timeout = milliseconds(10'000);
  return request;
}

BootResult BootScript(const BootRequest& request, const CancelToken* cancel = nullptr) {
  ProcessBackend backend(UnixTarget());
  return Boot(request, backend, RealProcessRunner(), cancel);
}

// A process backend that counts Cleanup calls.
class CountingBackend : public ProcessBackend {
 public:
  CountingBackend() : ProcessBackend(UnixTarget()) {}
  Status Cleanup(const BootRequest&) const override {
    ++cleanups;
    return Status::Ok();
  }
  std::string Note() const override { return "counted"; }
  mutable int cleanups = 0;
};

}  // namespace

TEST_CASE("Boot (process): a clean boot passes, with timings, size, command and metrics") {
  ScratchDir dir;
  std::string image =
      dir.Script("hello",
                 "echo 'Hello from unix'; echo \"args=$#:$1|$2\"; echo 'METRIC boot_ms=12.5 ms';"
                 " echo SUCCESS");
  BootRequest request = Request(image);
  request.args = {"--greeting=hi there", "-v"};
  BootResult r = BootScript(request);
  CHECK(r.outcome == BootOutcome::kPassed);
  CHECK(r.cause == "");
  CHECK(r.guest_exit == 0);
  CHECK(r.console ==
        "Hello from unix\nargs=2:--greeting=hi there|-v\nMETRIC boot_ms=12.5 ms\nSUCCESS\n");
  CHECK(r.command == std::vector<std::string>{image, "--greeting=hi there", "-v"});
  CHECK(r.image_bytes == fs::file_size(image));
  REQUIRE(r.first_byte.has_value());
  REQUIRE(r.success.has_value());
  CHECK(*r.first_byte <= *r.success);
  CHECK(*r.success <= r.total);
  REQUIRE(r.metrics.size() == 1);
  CHECK(r.metrics[0].name == "boot_ms");
  CHECK(r.metrics[0].value == 12.5);
  CHECK(r.metrics[0].unit == "ms");
  CHECK(r.process.kind == ProcessExit::Kind::kExited);
}

TEST_CASE("Boot (process): a relative image runs from work_dir, never from PATH") {
  ScratchDir dir;
  dir.Script("hello", "echo Hello; echo SUCCESS");
  BootRequest request = Request("hello");
  request.work_dir = dir.path().string();
  BootResult r = BootScript(request);
  CHECK(r.outcome == BootOutcome::kPassed);
  CHECK(r.command == std::vector<std::string>{"./hello"});
}

TEST_CASE("Boot (process): a raw command line is split with the MirageOS rules") {
  ScratchDir dir;
  std::string image = dir.Script("args",
                                 "echo Hello; for a in \"$@\"; do echo \"[$a]\"; done;"
                                 " echo SUCCESS");
  BootRequest request = Request(image);
  request.raw_command_line = "--a=\"1 2\"  'b";
  BootResult r = BootScript(request);
  CHECK(r.outcome == BootOutcome::kPassed);
  CHECK(r.console == "Hello\n[--a=1 2]\n['b]\nSUCCESS\n");
}

TEST_CASE("Boot (process): an unsplittable raw command line is infra, nothing runs") {
  ScratchDir dir;
  BootRequest request = Request(dir.Script("x", "echo Hello; echo SUCCESS"));
  request.raw_command_line = "--a=\"1";
  BootResult r = BootScript(request);
  CHECK(r.outcome == BootOutcome::kInfra);
  CHECK(r.cause == "raw command line: unterminated double quote");
  CHECK(r.command.empty());
}

TEST_CASE("Boot (process): a fail pattern fails the boot at once") {
  ScratchDir dir;
  BootRequest request = Request(dir.Script("f", "echo Hello; echo 'error: disk gone'; sleep 30"));
  BootResult r = BootScript(request);
  CHECK(r.outcome == BootOutcome::kFailed);
  CHECK(r.cause == "fail pattern /error: .*/ matched: \"error: disk gone\"");
  CHECK(r.process.kind == ProcessExit::Kind::kStopped);
  CHECK(r.total < milliseconds(5'000));
  CHECK_FALSE(r.guest_exit.has_value());
}

TEST_CASE("Boot (process): a PANIC line is a crash, even with exit 0 accepted") {
  ScratchDir dir;
  BootRequest request =
      Request(dir.Script("p", "echo Hello; echo 'PANIC: stack smashing detected'; sleep 30"));
  BootResult r = BootScript(request);
  CHECK(r.outcome == BootOutcome::kCrashed);
  CHECK(r.cause == "crash signature /PANIC/ matched: \"PANIC: stack smashing detected\"");
  CHECK(r.total < milliseconds(5'000));
}

TEST_CASE("Boot (process): killed by SIGSEGV is a crash") {
  ScratchDir dir;
  BootResult r = BootScript(Request(dir.Script("s", "echo Hello; kill -SEGV $$")));
  CHECK(r.outcome == BootOutcome::kCrashed);
  CHECK(r.cause == "killed by signal 11 (SIGSEGV); last line: \"Hello\"");
  CHECK_FALSE(r.guest_exit.has_value());
}

TEST_CASE("Boot (process): exit 255 is a crash unless accepted") {
  ScratchDir dir;
  BootRequest request = Request(dir.Script("e", "echo Hello; echo SUCCESS; exit 255"));
  BootResult r = BootScript(request);
  CHECK(r.outcome == BootOutcome::kCrashed);
  CHECK(r.cause == "exit code 255 (crash); last line: \"SUCCESS\"");
  CHECK(r.guest_exit == 255);
  request.exit_codes = {255};
  CHECK(BootScript(request).outcome == BootOutcome::kPassed);
}

TEST_CASE("Boot (process): a case expecting a crash passes on the crash, fails on survival") {
  ScratchDir dir;
  BootRequest request = Request(dir.Script("a", "echo Hello; echo 'PANIC: bad config'; exit 255"));
  request.expected_outcome = BootOutcome::kCrashed;
  BootResult r = BootScript(request);
  CHECK(r.outcome == BootOutcome::kPassed);
  CHECK(r.cause == "");
  CHECK(r.note == "expected crashed: crash signature /PANIC/ matched: \"PANIC: bad config\"");
  request.image = dir.Script("ok", "echo Hello; echo SUCCESS");
  r = BootScript(request);
  CHECK(r.outcome == BootOutcome::kFailed);
  CHECK(r.cause == "expected crashed, but the boot passed");
  request.image = dir.Script("gone", "");  // unreadable as a script: still infra, never expected
  std::filesystem::remove(request.image);
  CHECK(BootScript(request).outcome == BootOutcome::kInfra);
}

TEST_CASE("Boot (process): exit 64 not accepted is rejected, other codes fail") {
  ScratchDir dir;
  BootRequest request = Request(dir.Script("r", "echo Hello; echo 'bad port: x' >&2; exit 64"));
  BootResult r = BootScript(request);
  CHECK(r.outcome == BootOutcome::kRejected);
  CHECK(r.cause == "exit code 64 not in [0]; last line: \"bad port: x\"");
  CHECK(r.guest_exit == 64);

  request = Request(dir.Script("c", "echo Hello; echo SUCCESS; exit 3"));
  request.exit_codes = {0, 83};
  r = BootScript(request);
  CHECK(r.outcome == BootOutcome::kFailed);
  CHECK(r.cause == "exit code 3 not in [0, 83]; last line: \"SUCCESS\"");

  request.exit_codes = {64};
  request.image = dir.Script("ok64", "echo Hello; echo SUCCESS; exit 64");
  CHECK(BootScript(request).outcome == BootOutcome::kPassed);
}

TEST_CASE("Boot (process): a missing expect fails and names it") {
  ScratchDir dir;
  BootResult r = BootScript(Request(dir.Script("m", "echo Hello; printf 'almost'")));
  CHECK(r.outcome == BootOutcome::kFailed);
  CHECK(r.cause == "expected /^SUCCESS$/ not seen; last line: \"almost\"");
  BootResult silent = BootScript(Request(dir.Script("q", "exit 0")));
  CHECK(silent.cause == "expected /^Hello/ not seen; no console output");
  CHECK_FALSE(silent.first_byte.has_value());
}

TEST_CASE("Boot (process): a timeout is hung and leaves no process behind") {
  ScratchDir dir;
  const std::string marker = "1001" + std::to_string(getpid());
  BootRequest request =
      Request(dir.Script("h", "echo Hello; echo waiting; sleep " + marker + " & sleep " + marker));
  request.timeout = milliseconds(300);
  BootResult r = BootScript(request);
  CHECK(r.outcome == BootOutcome::kHung);
  CHECK(r.cause == "timed out after 300ms; last line: \"waiting\"");
  CHECK(r.total >= milliseconds(300));
  CHECK_FALSE(GroupHasLiveMembers(r.process.pid));
}

TEST_CASE("Boot (process): with no exit codes the boot stops once every expect matched") {
  ScratchDir dir;
  BootRequest request = Request(dir.Script("srv", "echo Hello; echo SUCCESS; sleep 30"));
  request.exit_codes = {};
  BootResult r = BootScript(request);
  CHECK(r.outcome == BootOutcome::kPassed);
  CHECK(r.process.kind == ProcessExit::Kind::kStopped);
  CHECK(r.total < milliseconds(5'000));
  CHECK_FALSE(r.guest_exit.has_value());
}

TEST_CASE("Boot (process): infra for bad regexes, missing images and spawn failures") {
  ScratchDir dir;
  BootRequest request = Request(dir.Script("ok", "echo Hello; echo SUCCESS"));
  request.fail = {"(unclosed"};
  BootResult r = BootScript(request);
  CHECK(r.outcome == BootOutcome::kInfra);
  CHECK(r.cause.rfind("bad fail regex /(unclosed/: ", 0) == 0);

  request = Request((dir.path() / "absent").string());
  r = BootScript(request);
  CHECK(r.outcome == BootOutcome::kInfra);
  CHECK(r.cause == "image " + (dir.path() / "absent").string() + ": No such file or directory");

  std::string not_executable = dir.Script("plain", "echo Hello");
  chmod(not_executable.c_str(), 0644);
  r = BootScript(Request(not_executable));
  CHECK(r.outcome == BootOutcome::kInfra);
  CHECK(r.cause == "failed to start: " + not_executable + ": Permission denied");
}

TEST_CASE("Boot (process): cancellation is infra") {
  ScratchDir dir;
  CancelToken cancel;
  cancel.Cancel();
  BootResult r = BootScript(Request(dir.Script("c", "echo Hello; sleep 30")), &cancel);
  CHECK(r.outcome == BootOutcome::kInfra);
  CHECK(r.cause == "cancelled");
}

TEST_CASE("Boot: Cleanup is called and the note recorded on every path") {
  ScratchDir dir;
  CountingBackend backend;
  BootResult ok = Boot(Request(dir.Script("ok", "echo Hello; echo SUCCESS")), backend,
                       RealProcessRunner(), nullptr);
  CHECK(ok.outcome == BootOutcome::kPassed);
  CHECK(ok.note == "counted");
  BootRequest bad = Request(dir.Script("ok2", "true"));
  bad.expect = {"["};
  BootResult infra = Boot(bad, backend, RealProcessRunner(), nullptr);
  CHECK(infra.outcome == BootOutcome::kInfra);
  CHECK(backend.cleanups == 2);
}

TEST_CASE("Boot: the observer sees the console - the stored console keeps its head and its end") {
  ScratchDir dir;
  BootRequest request =
      Request(dir.Script("big",
                         "echo Hello; head -c 3000000 /dev/zero | tr '\\0' x; echo;"
                         " echo SUCCESS"));
  size_t observed = 0;
  BootResult r = Boot(request, ProcessBackend(UnixTarget()), RealProcessRunner(), nullptr,
                      [&](std::string_view chunk) { observed += chunk.size(); });
  CHECK(r.outcome == BootOutcome::kPassed);
  CHECK(observed == 6 + 3000000 + 1 + 8);
  const std::string marker =
      "\n[ci-run: " + std::to_string(observed - (1u << 20)) + " bytes of console not kept]\n";
  CHECK(r.console.size() == (1u << 20) + marker.size());
  CHECK(r.console.rfind("Hello\nxxx", 0) == 0);
  CHECK(r.console.find(marker) != std::string::npos);
  CHECK(r.console.ends_with("xxx\nSUCCESS\n"));
}

}  // namespace cirun

namespace cirun {

TEST_CASE("Boot with FakeProcessRunner: the judge sees scripted chunks, the spec is recorded") {
  ScratchDir dir;
  FakeProcessRunner fake;
  FakeProcessRunner::Script script;
  script.chunks = {"Hel", "lo\nPANIC: x\n", "SUCCESS\n"};
  fake.Push(script);
  BootRequest request = Request(dir.Script("img", "true"));
  BootResult r = Boot(request, ProcessBackend(UnixTarget()), fake, nullptr);
  CHECK(r.outcome == BootOutcome::kCrashed);
  CHECK(r.cause == "crash signature /PANIC/ matched: \"PANIC: x\"");
  CHECK(r.process.kind == ProcessExit::Kind::kStopped);
  CHECK(r.console == "Hello\nPANIC: x\n");
  CHECK(r.console_tail == std::vector<std::string>{"Hello", "PANIC: x"});
  REQUIRE(fake.runs().size() == 1);
  CHECK(fake.runs()[0].argv == std::vector<std::string>{request.image});
  CHECK(fake.runs()[0].timeout == milliseconds(10'000));
}

}  // namespace cirun

namespace cirun {

TEST_CASE("Boot: the console tail ends at the crash line, output after the deadline is not in it") {
  ScratchDir dir;
  FakeProcessRunner fake;
  FakeProcessRunner::Script crash;
  crash.chunks = {"a\nPANIC: x\nafter\n"};
  fake.Push(crash);
  BootRequest request = Request(dir.Script("img", "true"));
  BootResult r = Boot(request, ProcessBackend(UnixTarget()), fake, nullptr);
  CHECK(r.console_tail == std::vector<std::string>{"a", "PANIC: x"});

  FakeProcessRunner::Script late;
  late.chunks = {"judged\n", "terminating on signal 15\n"};  // at 1 ms and 2 ms
  late.exit.kind = ProcessExit::Kind::kTimedOut;
  fake.Push(late);
  request.timeout = milliseconds(2);
  r = Boot(request, ProcessBackend(UnixTarget()), fake, nullptr);
  CHECK(r.outcome == BootOutcome::kHung);
  CHECK(r.console_tail == std::vector<std::string>{"judged"});
  CHECK(r.console == "judged\nterminating on signal 15\n");
}

TEST_CASE("Boot (process): a crash after 10 MB of console is judged, with a bounded excerpt") {
  ScratchDir dir;
  // 10 MB of 1000-byte lines, then a crash line: every byte reaches the judge.
  std::string image = dir.Script(
      "talk", "head -c 10000000 /dev/zero | tr '\\0' x | fold -w 1000; echo; echo 'PANIC: late'; exit 1");
  BootResult r = BootScript(Request(image));
  CHECK(r.outcome == BootOutcome::kCrashed);
  CHECK(r.excerpt.size() < 5000);
  CHECK(r.excerpt.find(">10001 | PANIC: late") != std::string::npos);
  CHECK(r.console.ends_with("PANIC: late\n"));
}

}  // namespace cirun
