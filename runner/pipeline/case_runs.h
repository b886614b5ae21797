// CaseRuns: a boot or test case that did not pass, run again before the
// verdict (FailurePolicy: `reruns:`, `flaky:`), and what its runs say.
#pragma once

#include <string>
#include <vector>

#include "harness/boot_outcome.h"
#include "jobs/repo_config.h"
#include "runner/store/failure_records.h"

namespace cirun {

/// The counted runs of one case, the first run first. Runs that ended
/// `infra` (the host's fault, or a cancellation) are not counted.
struct CaseRuns {
  std::vector<BootOutcome> outcomes;

  int runs() const { return static_cast<int>(outcomes.size()); }
  int passes() const;
  /// True when the first run did not pass and a rerun did.
  bool flaky() const;
  /// True when the first run did not pass (and was not infra): the case is
  /// run again.
  static bool WantsRerun(BootOutcome first) {
    return first != BootOutcome::kPassed && first != BootOutcome::kInfra;
  }
};

/// The step outcome the case is recorded with: "flaky" when flaky(), else
/// the first run's outcome name.
std::string CaseOutcomeName(const CaseRuns& runs);

/// "passed 2 of 3 runs", "failed 3 of 3 runs", "passed 1 of 1 run".
std::string PassRateText(const CaseRuns& runs);

/// The one-line cause of a flaky case: "passed 2 of 3 runs; the first
/// crashed: <first_cause>".
std::string FlakyCause(const CaseRuns& runs, const std::string& first_cause);

/// One case's runs over the recorded jobs of a branch.
struct BranchPassRate {
  int runs = 0;
  int passes = 0;
  int jobs = 0;  // recorded jobs (pipelines) that ran the case
};

/// Sums the `records` (ListCaseRuns of one branch) of case `case_name` of
/// `unikernel` in cell `cell_key`.
BranchPassRate SumCaseRuns(const std::vector<CaseRunRecord>& records, const std::string& unikernel,
                           const std::string& cell_key, const std::string& case_name);

/// "on main: passed 4 of 6 runs in 2 pipelines"; "" when nothing ran.
std::string BranchPassRateText(const std::string& branch, const BranchPassRate& rate);

}  // namespace cirun
