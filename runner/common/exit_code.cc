#include "runner/common/exit_code.h"

#include <cstdio>

namespace cirun {

ExitCode ExitCodeForStates(const std::vector<JobState>& states) {
  bool infra = false;
  for (JobState s : states) {
    if (s == JobState::kInfra) {
      infra = true;
    } else if (s != JobState::kPassed && s != JobState::kSkipped) {
      return kExitFailed;
    }
  }
  return infra ? kExitInfraOnly : kExitPassed;
}

JobState JobStateForBoot(BootOutcome outcome) {
  if (outcome == BootOutcome::kPassed) return JobState::kPassed;
  return outcome == BootOutcome::kInfra ? JobState::kInfra : JobState::kFailed;
}

ExitCode ExitCodeForStatus(const Status& status) {
  switch (status.code()) {
    case Status::Code::kOk:
      return kExitPassed;
    case Status::Code::kCancelled:
      return kExitInterrupted;
    case Status::Code::kInvalidArgument:
    case Status::Code::kNotFound:
    case Status::Code::kFailedPrecondition:
      return kExitUsage;
    case Status::Code::kIoError:
    case Status::Code::kTimeout:
    case Status::Code::kUnavailable:
    case Status::Code::kInternal:
      return kExitFailed;
  }
  return kExitFailed;
}

int ReportError(const std::string& who, const Status& status) {
  if (!status.ok()) fprintf(stderr, "%s: %s\n", who.c_str(), status.message().c_str());
  return ExitCodeForStatus(status);
}

int ReportConfigError(const std::string& who, const Status& status, const std::string& suffix) {
  if (!status.ok()) {
    fprintf(stderr, "%s\n%s: configuration rejected%s\n", status.message().c_str(), who.c_str(),
            suffix.c_str());
  }
  return ExitCodeForStatus(status);
}

}  // namespace cirun
