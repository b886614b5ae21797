// Building a job's image (or restoring it from the build cache), shared by
// the job executor and the benchmark commands (compare, history, bench).
#pragma once

#include <optional>
#include <string>

#include "jobs/job_plan.h"
#include "runner/pipeline/job_executor.h"
#include "runner/store/store.h"

namespace cirun {

struct ImageBuild {
  StepRecord step;                   // the "build" step: passed, cached, failed, hung or infra
  std::optional<JobResult> failure;  // nullopt: the image is in place
};

/// Builds `plan` in `build_dir` (the checkout's plan.path) so that `image`
/// exists, through the toolchain of plan.compiler (the host environment when
/// the cell has none). With env.cache set, an image cached under the same
/// BuildCacheKey is restored instead (outcome "cached"), and a fresh build is
/// saved. Uses env.host, env.toolchains, env.sources, env.runner and
/// env.progress (warnings). `pipeline` gives the sources' identity.
ImageBuild BuildImage(const JobEnvironment& env, const PipelineRecord& pipeline,
                      const JobPlan& plan, const std::string& build_dir, const std::string& image,
                      const CancelToken* cancel);

/// The sources of `pipeline` checked out into `workspace` (emptied first),
/// then BuildImage. Returns the absolute image path, or the one-line cause
/// (checkout or build failure) as an error: Unavailable for infra problems,
/// FailedPrecondition for a failed build, Cancelled.
Result<std::string> CheckoutAndBuild(const JobEnvironment& env, const PipelineRecord& pipeline,
                                     const JobPlan& plan, const std::string& workspace,
                                     const CancelToken* cancel);

}  // namespace cirun
