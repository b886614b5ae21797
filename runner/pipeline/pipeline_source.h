// What a pipeline tests: resolving a path or URL plus a revision to a commit
// (or a dirty work tree), and finding its configuration.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "runner/sources/git_mirror.h"
#include "runner/store/store.h"

namespace cirun {

struct SourceRequest {
  std::string location = ".";  // a path inside a work tree, a repository path, or a URL
  std::string rev;             // "" : the work tree as it is (local) or the remote's HEAD
  std::string cache_dir;       // mirrors live here
};

struct ResolvedSource {
  PipelineInfo info;                 // repo, repo_name, commit, ref, dirty, worktree, title
  std::string state_dir;             // where this source's .ci-run/ state lives
  std::vector<std::string> changed;  // for a dirty work tree: the changed paths
  std::string config_text;           // contents of .ci-run.yml ("" if absent)
  std::string config_file;           // its name for messages ("/path/repo/.ci-run.yml")
  bool has_config = false;
};

/// Resolves `request`:
/// - a local work tree with uncommitted changes and no `rev`: the work tree as
///   it is (dirty = true, commit = HEAD); its .ci-run.yml from disk;
/// - otherwise the commit `rev` names (default HEAD) in the mirror of the
///   repository, synced first; its .ci-run.yml from that commit.
/// Returns NotFound / InvalidArgument / Unavailable with a clear message.
Result<ResolvedSource> ResolveSource(const SourceRequest& request, const FetchProgress& progress);

/// A configuration given with --config: an existing file path, or the name of
/// a preset in matrices/ ("mirage-skeleton" or "mirage-skeleton.yml").
/// On success returns {text, file name}. NotFound lists the presets.
Result<std::pair<std::string, std::string>> LoadConfigOverride(const std::string& name_or_path);

}  // namespace cirun
