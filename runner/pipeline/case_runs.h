// CaseRuns: a boot or test case that did not pass, run again before the
// verdict (FailurePolicy: `reruns:`, `flaky:`), and what its runs say.
#pragma once

#include <string>
#include <vector>

#include "harness/boot_outcome.h"
#include "jobs/repo_config.h"

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

}  // namespace cirun
