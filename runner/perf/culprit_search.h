// CulpritSearch: when a job of a push or nightly pipeline fails for real
// (not flaky, not infra), the worker that ran it searches for the commit that
// broke its cell before it finishes the job (its lease still held, so the
// pipeline ends with the answer): `ci-run bisect REPO --pipeline N --job J`
// against the service's store, cache and host. That command finds the good
// end (the nearest earlier commit of the first-parent line where the cell
// passed), bisects the failing case only, confirms the culprit and stores the
// bisection with the pipeline, where reports, the dashboard and the commit
// statuses find it. Recorded as the job's `bisect` step: its log is the
// search's output; it never changes the job's result.
#pragma once

#include <optional>
#include <string>

#include "harness/process_runner.h"
#include "runner/store/store.h"

namespace cirun {

struct JobEnvironment;

/// True for a pipeline whose failures are bisected by the worker: a push or
/// nightly pipeline of a trusted commit (not a pull request, a dirty work
/// tree, a local run, which bisects after the pipeline, or a rebuild).
bool SearchesCulprits(const PipelineRecord& pipeline);

/// The argv of the search for `claimed`'s failure (argv[0]: `self`),
/// against `env`'s store, cache and configuration, working under `work_dir`.
std::vector<std::string> CulpritSearchArgv(const std::string& self, const JobEnvironment& env,
                                           const ClaimedJob& claimed, const std::string& work_dir);

/// Runs the search for failed job `claimed` through env.runner (unboxed:
/// ci-run itself; its builds and boots are boxed), at most an hour, and
/// returns the `bisect` step to record: outcome "passed" when the search ran
/// (its verdict is in the bisections table), "skipped" with the cause when it
/// could not, "cancelled" when `cancel` stopped it. nullopt when the
/// pipeline does not search (SearchesCulprits).
std::optional<StepRecord> SearchCulprit(const JobEnvironment& env, const ClaimedJob& claimed,
                                        const std::string& work_dir, const CancelToken* cancel);

}  // namespace cirun
