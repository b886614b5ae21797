#include "runner/common/exit_code.h"

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

}  // namespace cirun
