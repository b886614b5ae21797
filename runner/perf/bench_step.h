// The pipeline's `bench` step: after a job's boots passed, runs its benchmark
// (bench.runs boots), stores the samples, and compares them with a base:
// - a pull request (options {"bench": {"base": COMMIT}}): the base commit is
//   built too and both are run interleaved (CompareInterleaved);
// - otherwise the samples stored for the nearest first-parent ancestor on
//   this host (not interleaved: the verdict says so; confirm a regression
//   with the printed `ci-run compare` command).
// A `slower` verdict fails the step when bench.fail-on-regression is set and
// the change reaches it; otherwise it is a warning (detail "warning").
#pragma once

#include <optional>
#include <string>

#include "runner/pipeline/job_step.h"

namespace cirun {

class BenchStep final : public JobStep {
 public:
  std::string Name() const override { return "bench"; }
  /// The plan has `bench:` and the pipeline did not disable benchmarks.
  bool Wanted(const JobPlan& plan, const PipelineRecord& pipeline) const override;
  JobStepResult Run(JobStepContext& ctx) const override;
};

/// Pipeline options as read by BenchStep.
struct BenchPipelineOptions {
  bool enabled = true;      // false: no bench step (`ci-run local --no-bench`)
  std::string base_commit;  // "": compare with stored samples of an ancestor
};

/// Reads {"bench": {"enabled": bool, "base": "sha"}} from options_json
/// (malformed or absent: the defaults).
BenchPipelineOptions ReadBenchOptions(const std::string& options_json);

/// options_json with "bench" set to `bench` (other keys kept).
std::string WithBenchOptions(const std::string& options_json, const BenchPipelineOptions& bench);

}  // namespace cirun
