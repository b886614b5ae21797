// JobStep: a step that runs after a job's image booted successfully
// (bootvar fuzzing, benchmarks). The executor runs each registered step whose
// Wanted() is true, in registration order, and records what it returns: when
// every boot passed, or when the main boot passed and RunsAfterFailedTests().
#pragma once

#include <functional>
#include <string>

#include "harness/boot_backend.h"
#include "harness/process_runner.h"
#include "jobs/job_plan.h"
#include "runner/store/store.h"

namespace cirun {

struct JobEnvironment;

/// What a step gets to work with. Everything outlives the Run call.
struct JobStepContext {
  const JobEnvironment& env;
  const ClaimedJob& claimed;  // the job and its pipeline
  const JobPlan& plan;        // the job's spec
  const std::string& image;   // absolute path of the built image
  const std::string& workspace;
  const BootBackend& backend;  // the target's backend, available on this host
  const CancelToken* cancel;   // the job's cancellation
  /// Records a finished step (job id and attempt are filled in) and reports it.
  std::function<void(StepRecord)> record;
  /// Announces that a step starts (for the live display).
  std::function<void(const std::string& name)> started;
};

/// How a step ended, for the job's result.
struct JobStepResult {
  JobState state = JobState::kPassed;  // kPassed, kFailed, kInfra or kCancelled
  std::string cause;                   // one line when not passed
};

class JobStep {
 public:
  virtual ~JobStep() = default;
  /// The step's name as recorded ("fuzz", "bench").
  virtual std::string Name() const = 0;
  /// True if this job should run the step (e.g. the plan has a fuzz section
  /// and the pipeline did not disable fuzzing).
  virtual bool Wanted(const JobPlan& plan, const PipelineRecord& pipeline) const = 0;
  /// True if the step also runs when the main boot passed but a `tests:` case
  /// did not (fuzzing needs only a booting image). Default: only when every
  /// boot passed.
  virtual bool RunsAfterFailedTests() const { return false; }
  /// Runs the step; records its StepRecord(s) through ctx.record. Thread-safe:
  /// one JobStep object serves every job of a pool at once.
  virtual JobStepResult Run(JobStepContext& ctx) const = 0;
};

}  // namespace cirun
