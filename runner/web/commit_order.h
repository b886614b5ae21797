// CommitOrder: the first-parent history of a repository's branch, which the
// performance page orders its points by (the store keeps samples per
// commit, not their order). Reads git through the mirror cache
// (sources/git_mirror), fetching at most once a minute per repository.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"

namespace cirun {

class CommitOrder {
 public:
  /// Mirrors go under `cache_dir` (as the pipelines' do).
  explicit CommitOrder(std::string cache_dir,
                       std::chrono::seconds refresh = std::chrono::seconds(60))
      : cache_dir_(std::move(cache_dir)), refresh_(refresh) {}

  /// The first-parent history of `rev` ("" : HEAD) in `repo` (a path or
  /// URL, as PipelineInfo::repo), newest first, at most 5,000 commits.
  /// Errors of git (unreachable repository, unknown rev) pass through.
  /// Thread-safe; a fetch runs under the lock (one at a time).
  Result<std::vector<std::string>> History(const std::string& repo, const std::string& rev);

 private:
  struct Entry {
    std::vector<std::string> commits;
    std::chrono::steady_clock::time_point at;
  };
  const std::string cache_dir_;
  const std::chrono::seconds refresh_;
  std::mutex mu_;
  std::map<std::string, Entry> cache_;  // by repo + '\0' + rev; guarded by mu_
};

}  // namespace cirun
