// CellBisect: failure bisection on a PerfSession: the commit that made one
// cell's case fail, between a commit where it passed and one where it
// failed, confirmed (failure_bisect.h); by hand (`ci-run bisect`) or after
// a pipeline, for every cell that passed on an earlier tested commit of the
// branch and fails now.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "runner/perf/perf_session.h"
#include "runner/pipeline/cell_tester.h"
#include "runner/pipeline/pipeline_report.h"

namespace cirun {

struct CellBisectRequest {
  CellCase what;
  std::string good;         // a rev where the case passed
  std::string bad;          // a rev where it failed; good is on its first-parent history
  int confirmations = 3;    // BisectOptions::confirmations
  int64_t pipeline_id = 0;  // the pipeline whose failure started it (0: by hand)
};

/// Bisects on `session` (its repository, configuration override, host,
/// build cache and sandbox), printing each test on stdout, and stores the
/// result (BisectionRecord; a store without bisections: a warning). Errors:
/// a rev that does not resolve (NotFound), good not on bad's first-parent
/// history within 10000 commits (InvalidArgument), cancellation.
Result<BisectionRecord> BisectCell(PerfSession& session, const CellBisectRequest& request);

/// CellTester::FindFailingCase of `what` (its case_name ignored) at `commit`
/// on `session`.
Result<std::string> FailingCaseAt(PerfSession& session, const CellCase& what,
                                  const std::string& commit);

/// The failures of `report` worth a bisection: each failed job whose
/// deciding step (failure_lines.h) is not flaky, whose (unikernel, cell)
/// passed in an earlier pipeline of the same repository at a commit on the
/// first-parent history of this one (the nearest such commit is the good
/// end). Pipelines of dirty work trees do not count. `history` is the
/// first-parent history of the report's commit, newest first.
std::vector<CellBisectRequest> NewFailures(Store& store, const PipelineReport& report,
                                           const std::vector<std::string>& history);

/// NewFailures of `report`, its history read from `session`'s mirror (the
/// first-parent line of the report's commit, within 10000 commits). Errors:
/// the mirror or the history cannot be read.
Result<std::vector<CellBisectRequest>> NewFailuresOf(PerfSession& session,
                                                     const PipelineReport& report);

/// After a pipeline of `session`'s commit: bisects every NewFailures entry of
/// pipeline `pipeline_id` (at most `limit`), printing what it does. Failures
/// of the search itself are printed, never returned.
void BisectNewFailures(PerfSession& session, int64_t pipeline_id, int limit = 4);

}  // namespace cirun
