// FindSolo5ExitLine and the decoding built on it, on consoles captured from
// real Solo5 0.8.1 guests (tests/test_hello, test_dumpcore and a guest
// returning 64, built for spt, hvt and virtio and run under solo5-spt,
// solo5-hvt and qemu-system-x86_64 as solo5-virtio-run starts it).
#include "harness/solo5_exit_line.h"

#include <doctest/doctest.h>

#include "harness/boot_verdict.h"
#include "harness/qemu_command.h"
#include "harness/solo5_backend.h"

namespace cirun {
namespace {

// The virtio console ends its lines with "\r\n"; the tenders' with "\n".
constexpr char kVirtioExit64[] =
    "Solo5: Bindings version v0.8.1\r\n"
    "Solo5: Clock source: TSC, frequency estimate is 2534988780 Hz\r\n"
    "exit64: returning 64\r\n"
    "Solo5: solo5_exit(64) called\r\n";
constexpr char kVirtioAbort[] =
    "Solo5:       heap >= 0x116000 < stack < 0x8000000\r\n"
    "Solo5: Clock source: TSC, frequency estimate is 2544708180 Hz\r\n"
    "\r\n"
    "**** Solo5 standalone test_dumpcore ****\r\n"
    "\r\n"
    "Solo5: solo5_abort() called\r\n";
constexpr char kVirtioHello[] =
    "Hello, World\r\n"
    "Command line is: ''\r\n"
    "Solo5: solo5_exit(0) called\r\n";
constexpr char kSptAbort[] =
    "**** Solo5 standalone test_dumpcore ****\n"
    "\n"
    "Solo5: solo5_abort() called\n";

ProcessExit Exited(int code) {
  ProcessExit e;
  e.kind = ProcessExit::Kind::kExited;
  e.code = code;
  return e;
}

TargetSpec Target(const std::string& name) {
  for (const TargetSpec& t : DefaultTargets()) {
    if (t.name == name) return t;
  }
  FAIL("no default target " << name);
  return {};
}

// The verdict of a boot that exited with `guest`, console ending in `last`.
BootVerdict Verdict(GuestExit guest, std::vector<int> accepted, std::string last) {
  BootEvidence e;
  e.process = Exited(83);
  e.guest = std::move(guest);
  e.console = ConsoleVerdict::kAllExpected;
  e.exit_codes = std::move(accepted);
  e.last_line = std::move(last);
  return DecideBootOutcome(e);
}

}  // namespace

TEST_CASE("FindSolo5ExitLine: the exit status, the abort, nothing else") {
  std::optional<Solo5ExitLine> exit = FindSolo5ExitLine(kVirtioExit64);
  REQUIRE(exit);
  CHECK(exit->kind == Solo5ExitLine::Kind::kExit);
  CHECK(exit->code == 64);
  CHECK(exit->line == "Solo5: solo5_exit(64) called");
  std::optional<Solo5ExitLine> abort = FindSolo5ExitLine(kVirtioAbort);
  REQUIRE(abort);
  CHECK(abort->kind == Solo5ExitLine::Kind::kAbort);
  CHECK(abort->line == "Solo5: solo5_abort() called");
  CHECK(FindSolo5ExitLine("Solo5: solo5_exit(-1) called")->code == -1);  // no final newline
  // Only whole lines count: quoted, malformed or different text is not an exit.
  CHECK_FALSE(FindSolo5ExitLine("log: Solo5: solo5_exit(3) called\n"));
  CHECK_FALSE(FindSolo5ExitLine("Solo5: solo5_exit() called\n"));
  CHECK_FALSE(FindSolo5ExitLine("Solo5: solo5_exit(6x) called\n"));
  CHECK_FALSE(FindSolo5ExitLine("Solo5: solo5_exit(1) called twice\n"));
  CHECK_FALSE(FindSolo5ExitLine("Solo5: ABORT: cpu_x86_64.c:181: Fatal trap\n"));
  CHECK_FALSE(FindSolo5ExitLine(""));
  // The last one wins.
  CHECK(FindSolo5ExitLine("Solo5: solo5_exit(1) called\nSolo5: solo5_exit(2) called\n")->code == 2);
}

TEST_CASE("solo5 virtio: QEMU's 83 carries the console's solo5_exit(N)") {
  GuestExit g = DecodeSolo5VirtioExit(Exited(83), kVirtioExit64);
  CHECK(g.kind == GuestExit::Kind::kCode);
  CHECK(g.code == 64);
  CHECK(g.code_known);
  CHECK(DecodeSolo5VirtioExit(Exited(83), kVirtioHello).code == 0);
  CHECK(DecodeSolo5VirtioExit(Exited(83), kVirtioHello).code_known);
  // Solo5's own tests accept 0 and 2 as a clean QEMU exit too.
  CHECK(DecodeSolo5VirtioExit(Exited(2), kVirtioExit64).code == 64);
  // `exit: [64]` then means what it means on spt; 64 unaccepted is rejected.
  CHECK(Verdict(g, {64}, "Solo5: solo5_exit(64) called").outcome == BootOutcome::kPassed);
  BootVerdict rejected = Verdict(g, {0}, "Solo5: solo5_exit(64) called");
  CHECK(rejected.outcome == BootOutcome::kRejected);
  CHECK(rejected.cause == "exit code 64 not in [0]; last line: \"Solo5: solo5_exit(64) called\"");
  // Without the line the code stays unknown, as before.
  GuestExit silent = DecodeSolo5VirtioExit(Exited(83), "Hello\r\n");
  CHECK(silent.kind == GuestExit::Kind::kCode);
  CHECK_FALSE(silent.code_known);
}

TEST_CASE("solo5 virtio: solo5_abort() is a crash naming the line, not a pass") {
  GuestExit g = DecodeSolo5VirtioExit(Exited(83), kVirtioAbort);
  CHECK(g.kind == GuestExit::Kind::kCrash);
  CHECK(g.note == "Solo5: solo5_abort() called (QEMU status 83)");
  BootVerdict v = Verdict(g, {0}, "Solo5: solo5_abort() called");
  CHECK(v.outcome == BootOutcome::kCrashed);
  CHECK(v.cause == "Solo5: solo5_abort() called (QEMU status 83)");
  // An exit list does not accept an abort.
  CHECK(Verdict(g, {}, "x").outcome == BootOutcome::kCrashed);
}

TEST_CASE("plain QEMU isa-debug-exit: a Solo5 image's 83 is read from its console too") {
  const auto isa = QemuExitConvention::kIsaDebugExit;
  CHECK(DecodeQemuExit(isa, Exited(83), kVirtioExit64).code == 64);
  CHECK(DecodeQemuExit(isa, Exited(83), kVirtioAbort).kind == GuestExit::Kind::kCrash);
  // ci-run's own fixtures print no Solo5 line: 83 stays code 0, others as before.
  CHECK(DecodeQemuExit(isa, Exited(83), "SUCCESS\n").code == 0);
  CHECK(DecodeQemuExit(isa, Exited(83), "SUCCESS\n").kind == GuestExit::Kind::kCode);
  CHECK(DecodeQemuExit(isa, Exited(129), kVirtioHello).code == 64);
}

TEST_CASE("solo5 spt/hvt: exit 255 with the abort line names it") {
  Solo5Backend spt(Target("spt"));
  GuestExit g = spt.DecodeExit(Exited(255), kSptAbort);
  CHECK(g.kind == GuestExit::Kind::kCrash);
  CHECK(g.note == "Solo5: solo5_abort() called (exit 255)");
  CHECK(Verdict(g, {0}, "Solo5: solo5_abort() called").cause ==
        "Solo5: solo5_abort() called (exit 255)");
  // A trap's abort prints no solo5_abort() line: the plain cause stays.
  Solo5Backend hvt(Target("hvt"));
  CHECK(hvt.DecodeExit(Exited(255), "Solo5: ABORT: cpu_x86_64.c:181: Fatal trap\n").note ==
        "Solo5 abort (exit 255)");
  // A guest that returned 255 said so: that is its code, which `exit: [255]` may accept.
  GuestExit returned = hvt.DecodeExit(Exited(255), "Solo5: solo5_exit(255) called\n");
  CHECK(returned.kind == GuestExit::Kind::kCode);
  CHECK(Verdict(returned, {255}, "Solo5: solo5_exit(255) called").outcome == BootOutcome::kPassed);
  CHECK(spt.DecodeExit(Exited(64), "Solo5: solo5_exit(64) called\n").code == 64);
}

}  // namespace cirun
