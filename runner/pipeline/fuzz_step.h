// FuzzStep: the `fuzz` step of a pipeline's jobs. It runs a fuzz campaign
// (harness/fuzz_campaign.h) on the built image, with the keys and budget of
// the unikernel's `fuzz:` section, and records a `fuzz` step (every unique
// finding with its minimised command line and reproducers in detail_json) and
// one store finding per unique finding. Findings fail the job.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "harness/boot_slots.h"
#include "runner/pipeline/job_step.h"

namespace cirun {

/// Pipeline-wide fuzz settings: stored in the pipeline's options_json under
/// "fuzz", so that a worker on another machine sees them.
struct FuzzPipelineOptions {
  bool enabled = true;                            // `--no-fuzz`: false
  std::optional<int> boots;                       // replaces every `fuzz: boots:`
  std::optional<std::chrono::milliseconds> time;  // replaces every `fuzz: time:`
  uint64_t seed = 1;                              // the campaigns' seed
  std::optional<int> jobs;                        // boots at once per campaign
  bool coverage = true;  // guided by the QEMU coverage plugin where there is one
  bool corpus = true;    // start from the stored corpus of the unikernel and store the new one
};

/// `options_json` (a JSON object, "" for {}) with "fuzz" set to `options`.
std::string WithFuzzOptions(const std::string& options_json, const FuzzPipelineOptions& options);

/// The "fuzz" entry of a pipeline's options_json; defaults when it is absent
/// or malformed.
FuzzPipelineOptions ReadFuzzOptions(const std::string& options_json);

class FuzzStep : public JobStep {
 public:
  /// `parallel_boots`: boots at once per campaign, and at most that many fuzz
  /// boots at once over all the jobs this step serves (shared slots).
  /// `progress_lines`: also report every tenth of the budget and each phase
  /// as a progress message (for `ci-run fuzz`; a pipeline shows the count in
  /// its live view only).
  explicit FuzzStep(int parallel_boots, bool progress_lines = false);

  std::string Name() const override { return "fuzz"; }
  /// True when the plan has a `fuzz:` section, fuzzing is enabled in the
  /// pipeline's options, and the main boot does not run a --cmdline
  /// reproducer.
  bool Wanted(const JobPlan& plan, const PipelineRecord& pipeline) const override;
  /// Fuzzing needs a booting image, not passing tests.
  bool RunsAfterFailedTests() const override { return true; }
  /// Runs the campaign; kFailed with the findings in the cause, kCancelled,
  /// kInfra when the host failed, else kPassed.
  JobStepResult Run(JobStepContext& ctx) const override;

 private:
  int parallel_boots_;
  bool progress_lines_;
  mutable BootSlots slots_;  // shared by the campaigns of all jobs
};

}  // namespace cirun
