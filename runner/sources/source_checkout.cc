#include "runner/sources/source_checkout.h"

namespace cirun {

Result<GitMirror> SourceCheckout::MirrorWithCommit(const std::string& repo,
                                                   const std::string& commit) {
  {
    std::lock_guard lock(mu_);
    auto it = mirrors_.find(repo);
    if (it != mirrors_.end() && it->second.ResolveCommit(commit).ok()) return it->second;
  }
  auto mirror = GitMirror::Sync(cache_dir_, repo);
  if (!mirror.ok()) return mirror.status();
  auto resolved = mirror->ResolveCommit(commit);
  if (!resolved.ok()) {
    return Status::NotFound("commit " + commit + " is not in " + repo + " after fetching");
  }
  std::lock_guard lock(mu_);
  mirrors_.insert_or_assign(repo, *mirror);
  return mirror;
}

Status SourceCheckout::Materialise(const PipelineRecord& pipeline, const std::string& dest) {
  if (pipeline.dirty) return CopyWorktree(pipeline.worktree, dest);
  auto mirror = MirrorWithCommit(pipeline.repo, pipeline.commit);
  if (!mirror.ok()) return mirror.status();
  return mirror->CheckoutTo(pipeline.commit, dest);
}

Result<std::string> SourceCheckout::SourceId(const PipelineRecord& pipeline,
                                             const std::string& path) {
  if (pipeline.dirty) return WorktreeContentId(pipeline.worktree, path);
  auto mirror = MirrorWithCommit(pipeline.repo, pipeline.commit);
  if (!mirror.ok()) return mirror.status();
  return mirror->TreeId(pipeline.commit, path);
}

}  // namespace cirun
