// PerfChange: one metric's comparison as the change record the store keeps.
// The one place `ci-run compare`, `ci-run history` and the pipeline's bench
// step turn a MetricComparison into a PerfChangeRecord and store it.
#pragma once

#include <optional>
#include <string>

#include "base/status.h"
#include "harness/perf_verdict.h"
#include "jobs/job_plan.h"
#include "runner/store/store.h"

namespace cirun {

/// Where a comparison was made: what the record says besides the numbers.
struct ChangeSite {
  std::string repo;
  std::string host;         // the host the samples were measured on
  std::string commit;       // the head: the commit that introduced the change
  std::string base_commit;  // what it was compared with
  std::string source;       // "compare", "history", "pipeline 12"
  std::string reproducer;   // the command line that reproduces the comparison
};

/// True for a verdict worth a record: slower or faster.
bool IsPerfChange(const MetricComparison& c);

/// True when `c` is slower by at least `fail_on_regression` (a fraction:
/// 0.1 means 10%, either direction of the ratio's log); false without one.
bool SlowerBeyond(const MetricComparison& c, std::optional<double> fail_on_regression);

/// The record of `metric`'s comparison `c` (values in `unit`) for the
/// unikernel and cell of `plan` at `site`.
PerfChangeRecord MakePerfChange(const ChangeSite& site, const JobPlan& plan,
                                const std::string& metric, const MetricComparison& c,
                                const std::string& unit);

/// Stores MakePerfChange(...) when IsPerfChange(c) (OK and nothing stored
/// otherwise); the store's error, with context, when it fails.
Status RecordPerfChange(Store& store, const ChangeSite& site, const JobPlan& plan,
                        const std::string& metric, const MetricComparison& c,
                        const std::string& unit);

}  // namespace cirun
