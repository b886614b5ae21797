// EnvDiff: what differs between two job manifests (job_manifest.h), and
// nothing else: a library upgraded, a new QEMU, another source tree.
#pragma once

#include <string>
#include <vector>

#include "runner/pipeline/job_manifest.h"

namespace cirun {

/// One entry (a ManifestEntries name) whose value differs.
struct EnvChange {
  std::string entry;   // "library lwt", "compiler gcc", "tool qemu-system-x86_64", "source tree"
  std::string before;  // "" when the first manifest has no such entry
  std::string after;   // "" when the second manifest has no such entry
};

/// The entries of `a` and `b` whose values differ, in the order of `a`'s
/// entries, then the entries only `b` has. Empty when they are equal.
std::vector<EnvChange> DiffManifests(const JobManifest& a, const JobManifest& b);

/// True for an entry that belongs to the environment a result was made in
/// (ci-run, the toolchain and its compilers, libraries and duniverse, the
/// target's tools, the build and boot commands); false for what the
/// repository or the result decides (repo, commit, source tree, dirty, image).
bool IsEnvironmentEntry(const std::string& entry);

/// One change on one line: "lwt 5.6.1 -> 5.7.0" for a library or a duniverse
/// package, else "ENTRY: BEFORE -> AFTER"; an absent side reads "(none)".
std::string DescribeChange(const EnvChange& change);

/// The changes for a reader: one line per change, sources first, then the
/// environment, then what one job did not reach (IsUnreachedStep), then the
/// image; "no difference" when there is none.
std::string EnvDiffText(const std::vector<EnvChange>& changes);

/// True for a change that only says one job did not get as far as the other
/// (a boot command on one side only: the build failed before it): a
/// consequence of a red result, never its cause.
bool IsUnreachedStep(const EnvChange& change);

/// The environment changes (IsEnvironmentEntry, not IsUnreachedStep) in one
/// line, joined with "; ", for a summary: "environment changed: lwt 5.6.1 ->
/// 5.7.0". "" when the environment did not change.
std::string EnvironmentChangeLine(const std::vector<EnvChange>& changes);

}  // namespace cirun
