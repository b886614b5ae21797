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

TEST_CASE("ExitCodeForStatus: wrong input is 2, a failure while running is 1, cancel is 130") {
  CHECK(ExitCodeForStatus(Status::Ok()) == kExitPassed);
  CHECK(ExitCodeForStatus(Status::Cancelled("interrupted")) == kExitInterrupted);
  CHECK(ExitCodeForStatus(Status::InvalidArgument("bad flag")) == kExitUsage);
  CHECK(ExitCodeForStatus(Status::NotFound("no such rev")) == kExitUsage);
  CHECK(ExitCodeForStatus(Status::FailedPrecondition("dirty tree")) == kExitUsage);
  // The contract of command.h: an I/O error is not a usage error.
  CHECK(ExitCodeForStatus(Status::IoError("disk full")) == kExitFailed);
  CHECK(ExitCodeForStatus(Status::Timeout("deadline")) == kExitFailed);
  CHECK(ExitCodeForStatus(Status::Unavailable("no qemu")) == kExitFailed);
  CHECK(ExitCodeForStatus(Status::Internal("bug")) == kExitFailed);
}

TEST_CASE("ReportError returns the mapped code") {
  CHECK(ReportError("ci-run test", Status::Ok()) == kExitPassed);
  CHECK(ReportError("ci-run test", Status::IoError("printed on stderr")) == kExitFailed);
  CHECK(ReportError("ci-run test", Status::InvalidArgument("printed on stderr")) == kExitUsage);
}

}  // namespace
}  // namespace cirun
