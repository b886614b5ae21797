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

BranchPassRate SumCaseRuns(const std::vector<CaseRunRecord>& records, const std::string& unikernel,
                           const std::string& cell_key, const std::string& case_name) {
  BranchPassRate rate;
  for (const CaseRunRecord& r : records) {
    if (r.unikernel != unikernel || r.cell_key != cell_key || r.case_name != case_name) continue;
    rate.runs += r.runs;
    rate.passes += r.passes;
    ++rate.jobs;
  }
  return rate;
}

std::string BranchPassRateText(const std::string& branch, const BranchPassRate& rate) {
  if (rate.runs == 0) return "";
  return "on " + branch + ": passed " + std::to_string(rate.passes) + " of " +
         std::to_string(rate.runs) + (rate.runs == 1 ? " run" : " runs") + " in " +
         std::to_string(rate.jobs) + (rate.jobs == 1 ? " pipeline" : " pipelines");
}

}  // namespace cirun
