// SourceCheckout: puts a pipeline's sources into a job's workspace.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "base/status.h"
#include "runner/sources/git_mirror.h"
#include "runner/store/store.h"

namespace cirun {

class SourceCheckout {
 public:
  /// Mirrors live under `cache_dir`/mirrors.
  explicit SourceCheckout(std::string cache_dir) : cache_dir_(std::move(cache_dir)) {}

  /// Writes the sources of `pipeline` into `dest`: its commit, checked out
  /// from the mirror of `pipeline.repo` (fetched first if the commit is not
  /// there yet), or for a dirty pipeline a copy of its work tree as it is.
  Status Materialise(const PipelineRecord& pipeline, const std::string& dest);

  /// The id of the sources under `path` for the build cache: the git tree id,
  /// or the work tree's content id for a dirty pipeline.
  Result<std::string> SourceId(const PipelineRecord& pipeline, const std::string& path);

  /// The mirror of `repo` holding `commit` (synced if needed). Thread-safe.
  Result<GitMirror> MirrorWithCommit(const std::string& repo, const std::string& commit);

 private:
  std::string cache_dir_;
  std::mutex mu_;
  std::map<std::string, GitMirror> mirrors_;  // by repo; guarded by mu_
};

}  // namespace cirun
