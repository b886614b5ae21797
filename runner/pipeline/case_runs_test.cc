#include "runner/pipeline/case_runs.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

using O = BootOutcome;

TEST_CASE("a case that fails every run is deterministic, never flaky") {
  CaseRuns runs{{O::kCrashed, O::kCrashed, O::kCrashed}};
  CHECK_FALSE(runs.flaky());
  CHECK(runs.passes() == 0);
  CHECK(CaseOutcomeName(runs) == "crashed");
  CHECK(PassRateText(runs) == "failed 3 of 3 runs");
}

TEST_CASE("a case that passes on a rerun is flaky, with its pass rate") {
  CaseRuns runs{{O::kFailed, O::kPassed, O::kPassed}};
  CHECK(runs.flaky());
  CHECK(CaseOutcomeName(runs) == "flaky");
  CHECK(PassRateText(runs) == "passed 2 of 3 runs");
  CHECK(FlakyCause(runs, "fail pattern /PANIC/ matched") ==
        "passed 2 of 3 runs; the first failed: fail pattern /PANIC/ matched");
}

TEST_CASE("a case that passed at once is not flaky and is not run again") {
  CaseRuns runs{{O::kPassed}};
  CHECK_FALSE(runs.flaky());
  CHECK(CaseOutcomeName(runs) == "passed");
  CHECK(PassRateText(runs) == "passed 1 of 1 run");
  CHECK_FALSE(CaseRuns::WantsRerun(O::kPassed));
  CHECK_FALSE(CaseRuns::WantsRerun(O::kInfra));
  CHECK(CaseRuns::WantsRerun(O::kHung));
  CHECK(CaseRuns::WantsRerun(O::kRejected));
}

TEST_CASE("a case's pass rate on a branch sums its recorded runs") {
  auto record = [](const std::string& cell, const std::string& name, int runs, int passes) {
    CaseRunRecord r;
    r.unikernel = "flaky";
    r.cell_key = cell;
    r.case_name = name;
    r.runs = runs;
    r.passes = passes;
    return r;
  };
  const std::vector<CaseRunRecord> records = {
      record("target=unix", "boot", 1, 1), record("target=unix", "boot", 3, 2),
      record("target=virtio", "boot", 3, 0), record("target=unix", "test:x", 1, 1)};
  const BranchPassRate rate = SumCaseRuns(records, "flaky", "target=unix", "boot");
  CHECK(rate.runs == 4);
  CHECK(rate.passes == 3);
  CHECK(rate.jobs == 2);
  CHECK(BranchPassRateText("main", rate) == "on main: passed 3 of 4 runs in 2 pipelines");
  CHECK(BranchPassRateText("main", SumCaseRuns(records, "flaky", "target=xen", "boot")).empty());
}

}  // namespace
}  // namespace cirun
