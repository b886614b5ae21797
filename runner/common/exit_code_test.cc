#include "runner/common/exit_code.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

TEST_CASE("ExitCodeForStates: 1 wins over 3, 3 only when infra is all that went wrong") {
  using S = JobState;
  CHECK(ExitCodeForStates({}) == kExitPassed);
  CHECK(ExitCodeForStates({S::kPassed, S::kSkipped}) == kExitPassed);
  CHECK(ExitCodeForStates({S::kPassed, S::kInfra, S::kSkipped}) == kExitInfraOnly);
  CHECK(ExitCodeForStates({S::kInfra, S::kFailed}) == kExitFailed);
  CHECK(ExitCodeForStates({S::kFailed, S::kInfra}) == kExitFailed);
  CHECK(ExitCodeForStates({S::kCancelled, S::kInfra}) == kExitFailed);
  CHECK(ExitCodeForStates({S::kRunning}) == kExitFailed);
  CHECK(kExitInfraOnly == 3);
}

TEST_CASE("JobStateForBoot: every blamed outcome is a failure, infra is not") {
  CHECK(JobStateForBoot(BootOutcome::kPassed) == JobState::kPassed);
  CHECK(JobStateForBoot(BootOutcome::kInfra) == JobState::kInfra);
  for (BootOutcome o :
       {BootOutcome::kFailed, BootOutcome::kCrashed, BootOutcome::kHung, BootOutcome::kRejected}) {
    CAPTURE(BootOutcomeName(o));
    CHECK(JobStateForBoot(o) == JobState::kFailed);
  }
}

}  // namespace
}  // namespace cirun
