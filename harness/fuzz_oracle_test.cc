// The fuzz oracle: rejected and passed are correct, crashes and hangs are findings.
#include "harness/fuzz_oracle.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

using Kind = FuzzVerdict::Kind;

BootResult Result(BootOutcome outcome, std::optional<int> exit, std::string cause = "why") {
  BootResult r;
  r.outcome = outcome;
  r.guest_exit = exit;
  r.cause = std::move(cause);
  return r;
}

TEST_CASE("JudgeFuzzBoot: passed and rejected are correct behaviour") {
  CHECK(JudgeFuzzBoot(Result(BootOutcome::kPassed, 0)).kind == Kind::kCorrect);
  CHECK(JudgeFuzzBoot(Result(BootOutcome::kRejected, 64)).kind == Kind::kCorrect);
}

TEST_CASE("JudgeFuzzBoot: crashed and hung are findings with the boot's cause") {
  FuzzVerdict v = JudgeFuzzBoot(Result(BootOutcome::kHung, std::nullopt, "timed out after 1s"));
  CHECK(v.kind == Kind::kFinding);
  CHECK(v.outcome == BootOutcome::kHung);
  CHECK(v.cause == "timed out after 1s");
  CHECK(JudgeFuzzBoot(Result(BootOutcome::kCrashed, 127)).outcome == BootOutcome::kCrashed);
}

TEST_CASE("JudgeFuzzBoot: an unexpected exit code or a fail pattern is a crash") {
  FuzzVerdict v = JudgeFuzzBoot(Result(BootOutcome::kFailed, 3, "exit code 3 not in [0, 63]"));
  CHECK(v.kind == Kind::kFinding);
  CHECK(v.outcome == BootOutcome::kCrashed);
  CHECK(v.cause == "unexpected exit 3 (exit code 3 not in [0, 63])");
  v = JudgeFuzzBoot(Result(BootOutcome::kFailed, 0, "fail pattern /BUG/ matched: \"BUG\""));
  CHECK(v.kind == Kind::kFinding);
  CHECK(v.cause == "fail pattern /BUG/ matched: \"BUG\"");
}

TEST_CASE("JudgeFuzzBoot: a server that exits 0, 63 or 64 without its expects is correct") {
  for (int code : {0, 63, 64}) {
    CHECK(JudgeFuzzBoot(Result(BootOutcome::kFailed, code, "expected /^ready$/ not seen")).kind ==
          Kind::kCorrect);
  }
}

TEST_CASE("JudgeFuzzBoot: infra stays infra") {
  CHECK(JudgeFuzzBoot(Result(BootOutcome::kInfra, std::nullopt)).kind == Kind::kInfra);
}

}  // namespace
}  // namespace cirun
