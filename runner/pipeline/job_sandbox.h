// JobSandbox: the sandbox (harness/sandbox.h) a pipeline's commands run in,
// made from the host's policy (host config `sandbox:`) and who wrote the code.
//
// - Code from a pull request is untrusted: it runs boxed or not at all (a
//   host without user namespaces, or with `sandbox: {enabled: false}`,
//   refuses it with the reason), with a private cache home and a build cache
//   of its own pull request (BuildCache::ForPullRequest), so it can never
//   change what a trusted pipeline reads.
// - Trusted code (pushes to configured branches, nightly, a developer's
//   `ci-run local`) runs boxed too; its builds share a cache home
//   (XDG_CACHE_HOME: dune's cache) under the cache directory. Where no box can
//   be built it runs unboxed, after one clear warning.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "harness/sandbox.h"
#include "runner/host/host_config.h"
#include "runner/common/progress.h"
#include "runner/store/store.h"

namespace cirun {

/// True for a pipeline whose code nobody trusted has reviewed: a pull
/// request's, or a rebuild of one.
bool PipelineUntrusted(const PipelineRecord& pipeline);

/// The build-cache scope of an untrusted pipeline: one per repository and
/// pull request ("mirage_mirage-skeleton_refs_pull_7_head").
std::string PullRequestCacheScope(const PipelineRecord& pipeline);

/// `--no-sandbox`: commands of trusted code run unboxed on this host, and
/// messages say the flag turned the sandbox off.
inline void TurnOffSandbox(HostConfig* host) {
  host->sandbox.enabled = false;
  host->sandbox.disabled_by = "--no-sandbox";
}

/// The policy for the commands of a pipeline on this host:
/// - host.sandbox with `hidden` (service config, secret files, the store)
///   added and the cache home chosen by trust (`cache_dir`/sandbox-home for
///   trusted code, private otherwise);
/// - when the sandbox is off or cannot be built: for untrusted code,
///   FailedPrecondition ("refusing to run untrusted code unsandboxed: ...");
///   for trusted code, the policy with enabled = false, and the reason told
///   once per process through `progress` (stderr if null).
Result<SandboxPolicy> SandboxForPipeline(const HostConfig& host, bool untrusted,
                                         const std::string& cache_dir,
                                         const std::vector<std::string>& hidden,
                                         ProgressSink* progress);

}  // namespace cirun
