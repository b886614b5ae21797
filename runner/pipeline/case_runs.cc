#include "runner/pipeline/case_runs.h"

#include <algorithm>

namespace cirun {

int CaseRuns::passes() const {
  return static_cast<int>(std::count(outcomes.begin(), outcomes.end(), BootOutcome::kPassed));
}

bool CaseRuns::flaky() const {
  return !outcomes.empty() && outcomes.front() != BootOutcome::kPassed && passes() > 0;
}

std::string CaseOutcomeName(const CaseRuns& runs) {
  if (runs.flaky()) return "flaky";
  return runs.outcomes.empty() ? "infra" : BootOutcomeName(runs.outcomes.front());
}

std::string PassRateText(const CaseRuns& runs) {
  const int n = runs.runs();
  const bool passed = runs.passes() > 0;
  const int count = passed ? runs.passes() : n - runs.passes();
  return std::string(passed ? "passed " : "failed ") + std::to_string(count) + " of " +
         std::to_string(n) + (n == 1 ? " run" : " runs");
}

std::string FlakyCause(const CaseRuns& runs, const std::string& first_cause) {
  std::string text = PassRateText(runs) + "; the first " +
                     (runs.outcomes.empty() ? "infra" : BootOutcomeName(runs.outcomes.front()));
  return first_cause.empty() ? text : text + ": " + first_cause;
}

}  // namespace cirun
