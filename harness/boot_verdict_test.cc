#include "harness/boot_verdict.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

BootEvidence Exited(int code, std::vector<int> accepted = {0}) {
  BootEvidence e;
  e.process.kind = ProcessExit::Kind::kExited;
  e.process.code = code;
  e.guest = GuestExit{GuestExit::Kind::kCode, code, ""};
  e.console = ConsoleVerdict::kAllExpected;
  e.exit_codes = std::move(accepted);
  e.last_line = "SUCCESS";
  return e;
}

BootEvidence WithConsoleFailure(BootEvidence e, ConsoleVerdict verdict, std::string pattern) {
  e.console = verdict;
  e.console_failure = ConsoleJudge::Match{std::move(pattern), "PANIC: boom", {}};
  return e;
}

}  // namespace

TEST_CASE("DecideBootOutcome: passed") {
  BootVerdict v = DecideBootOutcome(Exited(0));
  CHECK(v.outcome == BootOutcome::kPassed);
  CHECK(v.cause == "");
}

TEST_CASE("DecideBootOutcome: infra beats everything") {
  BootEvidence e = WithConsoleFailure(Exited(0), ConsoleVerdict::kCrashMatched, "PANIC");
  e.guest = GuestExit{GuestExit::Kind::kHostError, 0, "qemu-system-x86_64: bad -M"};
  BootVerdict v = DecideBootOutcome(e);
  CHECK(v.outcome == BootOutcome::kInfra);
  CHECK(v.cause == "backend failed: qemu-system-x86_64: bad -M");
  e.process.kind = ProcessExit::Kind::kCancelled;
  CHECK(DecideBootOutcome(e).cause == "cancelled");
}

TEST_CASE("DecideBootOutcome: hung beats crashed - crashed beats failed") {
  BootEvidence e = WithConsoleFailure(Exited(0), ConsoleVerdict::kCrashMatched, "PANIC");
  e.process.kind = ProcessExit::Kind::kTimedOut;
  e.process.timeout = std::chrono::milliseconds(10'000);
  e.guest = GuestExit{};
  BootVerdict v = DecideBootOutcome(e);
  CHECK(v.outcome == BootOutcome::kHung);
  CHECK(v.cause == "timed out after 10s; last line: \"SUCCESS\"");

  BootEvidence crash = WithConsoleFailure(Exited(3), ConsoleVerdict::kCrashMatched, "PANIC");
  v = DecideBootOutcome(crash);
  CHECK(v.outcome == BootOutcome::kCrashed);
  CHECK(v.cause == "crash signature /PANIC/ matched: \"PANIC: boom\"");
}

TEST_CASE("DecideBootOutcome: crash by guest exit kind and by codes 255 / 125") {
  BootEvidence e = Exited(0);
  e.guest = GuestExit{GuestExit::Kind::kCrash, 0, "guest reset"};
  CHECK(DecideBootOutcome(e).outcome == BootOutcome::kCrashed);
  CHECK(DecideBootOutcome(e).cause == "guest reset; last line: \"SUCCESS\"");
  CHECK(DecideBootOutcome(Exited(125)).outcome == BootOutcome::kCrashed);
  CHECK(DecideBootOutcome(Exited(125)).cause == "exit code 125 (crash); last line: \"SUCCESS\"");
  CHECK(DecideBootOutcome(Exited(255, {255})).outcome == BootOutcome::kPassed);
}

TEST_CASE("DecideBootOutcome: fail pattern beats exit code and missing expects") {
  BootEvidence e = WithConsoleFailure(Exited(64), ConsoleVerdict::kFailMatched, "PANIC|boom");
  e.missing_expect = "^SUCCESS";
  BootVerdict v = DecideBootOutcome(e);
  CHECK(v.outcome == BootOutcome::kFailed);
  CHECK(v.cause == "fail pattern /PANIC|boom/ matched: \"PANIC: boom\"");
}

TEST_CASE("DecideBootOutcome: rejected (64) and failed (other) exit codes beat missing expects") {
  BootEvidence e = Exited(64);
  e.missing_expect = "^SUCCESS";
  e.last_line = "error: --port: \"x\" is not a number";
  BootVerdict v = DecideBootOutcome(e);
  CHECK(v.outcome == BootOutcome::kRejected);
  CHECK(v.cause ==
        "exit code 64 not in [0]; last line: \"error: --port: \\\"x\\\" is not a number\"");
  CHECK(DecideBootOutcome(Exited(1, {0, 83})).cause ==
        "exit code 1 not in [0, 83]; last line: \"SUCCESS\"");
  CHECK(DecideBootOutcome(Exited(1, {})).outcome == BootOutcome::kPassed);
}

TEST_CASE("DecideBootOutcome: missing expect") {
  BootEvidence e = Exited(0);
  e.console = ConsoleVerdict::kPending;
  e.missing_expect = "^SUCCESS";
  e.last_line = "";
  BootVerdict v = DecideBootOutcome(e);
  CHECK(v.outcome == BootOutcome::kFailed);
  CHECK(v.cause == "expected /^SUCCESS/ not seen; no console output");
}

TEST_CASE("QuoteLine keeps the cause on one printable line") {
  CHECK(QuoteLine("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(QuoteLine("tab\there\r\x01") == "\"tab\\x09here\\x0d\\x01\"");
  CHECK(QuoteLine("abcdef", 3) == "\"abc...\"");
}

}  // namespace cirun

namespace cirun {

TEST_CASE("DecideBootOutcome: the MirageOS runtime's exit codes") {
  // 64 bad argument and 63 --help: the unikernel refused to run, cleanly
  BootVerdict help = DecideBootOutcome(Exited(63));
  CHECK(help.outcome == BootOutcome::kRejected);
  CHECK(help.cause ==
        "exit code 63 (MirageOS: printed its help) not in [0]; last line: \"SUCCESS\"");
  CHECK(DecideBootOutcome(Exited(64)).outcome == BootOutcome::kRejected);
  CHECK(DecideBootOutcome(Exited(63, {63})).outcome == BootOutcome::kPassed);
  // 1: a Solo5 error, failed (the tender's own errors are infra: the backend decides)
  BootVerdict solo5 = DecideBootOutcome(Exited(1));
  CHECK(solo5.outcome == BootOutcome::kFailed);
  CHECK(solo5.cause == "exit code 1 not in [0]; last line: \"SUCCESS\"");
  // 125 internal error and 255 uncaught exception: crashed
  CHECK(DecideBootOutcome(Exited(125)).outcome == BootOutcome::kCrashed);
  CHECK(DecideBootOutcome(Exited(255)).outcome == BootOutcome::kCrashed);
  CHECK(DecideBootOutcome(Exited(2)).cause == "exit code 2 not in [0]; last line: \"SUCCESS\"");
}

TEST_CASE("DecideBootOutcome: a code the backend cannot report is accepted by any list") {
  BootEvidence e = Exited(0, {64});
  e.guest.code_known = false;  // Solo5 virtio: every exit is QEMU status 83
  CHECK(DecideBootOutcome(e).outcome == BootOutcome::kPassed);
  e.missing_expect = "^error: ";
  BootVerdict v = DecideBootOutcome(e);
  CHECK(v.outcome == BootOutcome::kFailed);
  CHECK(v.cause == "expected /^error: / not seen; last line: \"SUCCESS\"");
  BootEvidence unknown_255 = Exited(255);
  unknown_255.guest.code_known = false;
  CHECK(DecideBootOutcome(unknown_255).outcome == BootOutcome::kPassed);
}

TEST_CASE("ExpectOutcome: the expected outcome passes, any other fails, infra stays") {
  const BootVerdict crashed{BootOutcome::kCrashed, "Solo5: solo5_abort() called (exit 255)", ""};
  const BootVerdict passed{BootOutcome::kPassed, "", ""};
  const BootVerdict hung{BootOutcome::kHung, "timed out after 10s; no console output", ""};
  const BootVerdict infra{BootOutcome::kInfra, "backend failed: no /dev/kvm", ""};
  // Expecting passed (the default) changes nothing.
  CHECK(ExpectOutcome(crashed, BootOutcome::kPassed).outcome == BootOutcome::kCrashed);
  CHECK(ExpectOutcome(crashed, BootOutcome::kPassed).cause == crashed.cause);
  BootVerdict met = ExpectOutcome(crashed, BootOutcome::kCrashed);
  CHECK(met.outcome == BootOutcome::kPassed);
  CHECK(met.cause == "");
  CHECK(met.note == "expected crashed: Solo5: solo5_abort() called (exit 255)");
  BootVerdict survived = ExpectOutcome(passed, BootOutcome::kCrashed);
  CHECK(survived.outcome == BootOutcome::kFailed);
  CHECK(survived.cause == "expected crashed, but the boot passed");
  BootVerdict other = ExpectOutcome(hung, BootOutcome::kCrashed);
  CHECK(other.outcome == BootOutcome::kFailed);
  CHECK(other.cause == "expected crashed, got hung: timed out after 10s; no console output");
  CHECK(ExpectOutcome(hung, BootOutcome::kHung).outcome == BootOutcome::kPassed);
  CHECK(ExpectOutcome(infra, BootOutcome::kCrashed).outcome == BootOutcome::kInfra);
  CHECK(ExpectOutcome(infra, BootOutcome::kCrashed).cause == infra.cause);
  const BootVerdict rejected{BootOutcome::kRejected, "exit code 64 not in [0]", ""};
  CHECK(ExpectOutcome(rejected, BootOutcome::kRejected).outcome == BootOutcome::kPassed);
  CHECK(ExpectOutcome(rejected, BootOutcome::kFailed).cause ==
        "expected failed, got rejected: exit code 64 not in [0]");
}

TEST_CASE("DecideBootOutcome: an image the backend refused fails with its line") {
  BootEvidence e = Exited(1);
  e.guest =
      GuestExit{GuestExit::Kind::kBadImage, 1, "solo5-spt: u: Invalid or unsupported executable"};
  BootVerdict v = DecideBootOutcome(e);
  CHECK(v.outcome == BootOutcome::kFailed);
  CHECK(v.cause == "solo5-spt: u: Invalid or unsupported executable");
}

TEST_CASE("DecideBootOutcome: the MirageOS runtime refusing its command line is rejected") {
  // A MirageOS 4.4 unikernel (mirage-bootvar, parse-argv 0.2) booted with the
  // command line "\\", on unix, spt and virtio alike: this line, exit 2.
  const std::string refusal =
      "Fatal error: exception Failure(\"Invalid escaping at end of string\")";
  BootEvidence e = Exited(2);
  e.console = ConsoleVerdict::kCrashMatched;
  e.console_failure = ConsoleJudge::Match{"Fatal error: exception", refusal, {}};
  BootVerdict v = DecideBootOutcome(e);
  CHECK(v.outcome == BootOutcome::kRejected);
  CHECK(v.cause == "the MirageOS runtime refused the command line: " + QuoteLine(refusal));
  CHECK(MirageCommandLineRefusal(refusal));
  // Any other uncaught exception is the unikernel's crash.
  e.console_failure->line = "Fatal error: exception Invalid_argument(\"empty greeting\")";
  CHECK(DecideBootOutcome(e).outcome == BootOutcome::kCrashed);
  CHECK_FALSE(MirageCommandLineRefusal(e.console_failure->line));
  // Only a crash signature's match counts: a line the user's fail pattern matched is failed.
  e.console = ConsoleVerdict::kFailMatched;
  e.console_failure->line = refusal;
  CHECK(DecideBootOutcome(e).outcome == BootOutcome::kFailed);
}

TEST_CASE("DecideBootOutcome: a command line the platform refused is rejected") {
  BootEvidence e = Exited(1);
  e.guest = GuestExit{GuestExit::Kind::kRefusedCommandLine, 1,
                      "solo5-hvt: Guest command line too long (max=8191 characters)"};
  BootVerdict v = DecideBootOutcome(e);
  CHECK(v.outcome == BootOutcome::kRejected);
  CHECK(v.cause ==
        "the platform refused the command line: \"solo5-hvt: Guest command line too long "
        "(max=8191 characters)\"");
}

}  // namespace cirun
