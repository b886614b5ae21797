// Collecting and recording a job's manifest (job_manifest.h) when it runs.
#pragma once

#include <string>

#include "harness/process_runner.h"
#include "jobs/job_plan.h"
#include "runner/pipeline/environment_probe.h"
#include "runner/pipeline/job_executor.h"
#include "runner/pipeline/job_manifest.h"
#include "runner/store/store.h"

namespace cirun {

/// Where a job ran: its checkout, and the image's path in it.
struct JobWorkspace {
  std::string workspace;  // the checkout (absolute)
  std::string build_dir;  // workspace / plan.path
  std::string image;      // absolute image path; may not exist (a failed build)
};

/// The manifest of `claimed`, run with `plan` in `where`: the sources' ids
/// (env.sources), the toolchain of plan.compiler (env.host, env.toolchains,
/// `probe`), the duniverse/ of the build folder, the target's programs, the
/// build command and what its "build" step did and the main boot's command
/// (from env.store's steps of the current attempt, the workspace written
/// $WORKSPACE), and the image's SHA-256 and size when it exists. A cached
/// build leaves no duniverse/: the packages then come from the newest
/// manifest of the same image, if the store has one. Never fails: what
/// cannot be read is left empty.
JobManifest CollectJobManifest(const JobEnvironment& env, EnvironmentProbe& probe,
                               const ClaimedJob& claimed, const JobPlan& plan,
                               const JobWorkspace& where);

/// CollectJobManifest, then Store::AddManifest; a store that cannot keep it
/// is reported through env.progress as a warning, never as the job's failure.
void RecordJobManifest(const JobEnvironment& env, EnvironmentProbe& probe,
                       const ClaimedJob& claimed, const JobPlan& plan, const JobWorkspace& where);

}  // namespace cirun
