#include "runner/web/commit_order.h"

#include "runner/sources/git_mirror.h"

namespace cirun {

Result<std::vector<std::string>> CommitOrder::History(const std::string& repo,
                                                      const std::string& rev) {
  std::lock_guard lock(mu_);
  const std::string key = repo + '\0' + rev;
  const auto now = std::chrono::steady_clock::now();
  if (auto it = cache_.find(key); it != cache_.end() && now - it->second.at < refresh_)
    return it->second.commits;
  auto mirror = GitMirror::Sync(cache_dir_, repo);
  if (!mirror.ok()) return mirror.status();
  auto tip = mirror->ResolveCommit(rev.empty() ? "HEAD" : rev);
  if (!tip.ok()) return tip.status();
  auto history = mirror->FirstParentHistory(*tip, 5000);
  if (!history.ok()) return history.status();
  cache_[key] = {*history, now};
  return *history;
}

}  // namespace cirun
