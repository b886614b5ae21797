#include "harness/boot_outcome.h"

#include <doctest/doctest.h>

namespace cirun {

TEST_CASE("BootOutcome names round-trip") {
  for (BootOutcome o : {BootOutcome::kPassed, BootOutcome::kRejected, BootOutcome::kFailed,
                        BootOutcome::kHung, BootOutcome::kCrashed, BootOutcome::kInfra}) {
    CHECK(ParseBootOutcome(BootOutcomeName(o)) == o);
  }
  CHECK(std::string(BootOutcomeName(BootOutcome::kHung)) == "hung");
  CHECK(std::string(BootOutcomeName(BootOutcome::kRejected)) == "rejected");
  CHECK_FALSE(ParseBootOutcome("Passed").has_value());
  CHECK_FALSE(ParseBootOutcome("").has_value());
}

TEST_CASE("BootOutcome severity: infra > crashed > hung > failed > rejected > passed") {
  CHECK(BootOutcomeSeverity(BootOutcome::kPassed) == 0);
  CHECK(BootOutcomeSeverity(BootOutcome::kRejected) == 1);
  CHECK(BootOutcomeSeverity(BootOutcome::kFailed) == 2);
  CHECK(BootOutcomeSeverity(BootOutcome::kHung) == 3);
  CHECK(BootOutcomeSeverity(BootOutcome::kCrashed) == 4);
  CHECK(BootOutcomeSeverity(BootOutcome::kInfra) == 5);
}

TEST_CASE("IsFinding is true only for crashed and hung") {
  CHECK(IsFinding(BootOutcome::kCrashed));
  CHECK(IsFinding(BootOutcome::kHung));
  CHECK_FALSE(IsFinding(BootOutcome::kRejected));
  CHECK_FALSE(IsFinding(BootOutcome::kFailed));
  CHECK_FALSE(IsFinding(BootOutcome::kInfra));
  CHECK_FALSE(IsFinding(BootOutcome::kPassed));
}

}  // namespace cirun
