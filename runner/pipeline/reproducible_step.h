// ReproducibleStep: the `reproducible` step. It builds the job's image a
// second time, in another workspace (another path, a later time) and without
// the build cache, and compares the two: equal SHA-256, or `not reproducible`
// with both sizes and the first differing ELF section (image_compare.h),
// which fails the job. On by default in nightly pipelines; `ci-run local
// --reproducible` asks for it.
#pragma once

#include <string>

#include "runner/pipeline/job_step.h"

namespace cirun {

/// Pipeline-wide settings, in the pipeline's options_json under "reproducible".
struct ReproduciblePipelineOptions {
  bool enabled = false;  // nightly: true; local: --reproducible
};

/// `options_json` (a JSON object, "" for {}) with "reproducible" set.
std::string WithReproducibleOptions(const std::string& options_json,
                                    const ReproduciblePipelineOptions& options);

/// The "reproducible" entry of a pipeline's options_json; defaults (off)
/// when absent or malformed.
ReproduciblePipelineOptions ReadReproducibleOptions(const std::string& options_json);

/// The second build's workspace: beside the first, "<workspace>-again".
std::string SecondBuildWorkspace(const std::string& workspace);

class ReproducibleStep : public JobStep {
 public:
  std::string Name() const override { return "reproducible"; }
  /// True when the pipeline's options enable it.
  bool Wanted(const JobPlan& plan, const PipelineRecord& pipeline) const override;
  /// The image is judged, not the boots: runs after failed tests too.
  bool RunsAfterFailedTests() const override { return true; }
  /// Builds again and compares. kPassed when the hashes are equal (detail:
  /// sha256, size); kFailed "not reproducible: 12345 vs 12349 bytes, first
  /// differing ELF section .rodata" (detail: both hashes and sizes, the
  /// section); kInfra when the second build could not run (checkout, host);
  /// kFailed when the second build failed where the first passed. The second
  /// workspace is removed unless env.keep_workspaces.
  JobStepResult Run(JobStepContext& ctx) const override;
};

}  // namespace cirun
