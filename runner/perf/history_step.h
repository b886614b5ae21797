// The pipeline's `history` step (nightly pipelines): after a job's bench step,
// runs `ci-run history` for the job's own (unikernel, cell) along the
// first-parent history of the pipeline's commit, against the pipeline's own
// store and cache, so that it reuses the samples every pipeline of this host
// stored and measures only the commits that lack them. It names the commit
// of each confirmed change point (bisected to one commit).
//
// Outcome: `failed` when a confirmed slowdown reaches the unikernel's
// bench.fail-on-regression, else `passed` (a confirmed change is a warning
// with its commit in the cause); `infra` when history could not run.
// The detail holds history's JSON for the cell, plus "regressions" (the
// confirmed slowdowns, counted by /metrics' cirun_regressions_total).
#pragma once

#include <string>

#include "runner/pipeline/job_step.h"

namespace cirun {

/// Pipeline options read by HistoryStep: {"history": {"enabled": bool,
/// "commits": N}} (absent or malformed: disabled, 50 commits).
struct HistoryPipelineOptions {
  bool enabled = false;  // nightly pipelines turn it on (nightly: history:)
  int commits = 50;      // how far back along the first-parent line
};
HistoryPipelineOptions ReadHistoryOptions(const std::string& options_json);

/// options_json with "history" set to `history` (other keys kept).
std::string WithHistoryOptions(const std::string& options_json,
                               const HistoryPipelineOptions& history);

class HistoryStep final : public JobStep {
 public:
  std::string Name() const override { return "history"; }
  /// The plan has `bench:`, and the pipeline enabled history and benchmarks.
  bool Wanted(const JobPlan& plan, const PipelineRecord& pipeline) const override;
  JobStepResult Run(JobStepContext& ctx) const override;
};

}  // namespace cirun
