// BuildCache: built images kept by their BuildCacheKey, so an unchanged
// (unikernel, cell) is never rebuilt. Layout: DIR/<key[0:2]>/<key>/image.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"

namespace cirun {

class BuildCache {
 public:
  /// `dir` is created on first Save.
  explicit BuildCache(std::string dir) : dir_(std::move(dir)) {}

  /// The cache of one pull request (`scope`, see PullRequestCacheScope): a
  /// directory of its own under this one's `pull-requests/`, so that what an
  /// untrusted build saves is never what a trusted pipeline restores.
  BuildCache ForPullRequest(const std::string& scope) const {
    return BuildCache(dir_ + "/pull-requests/" + scope);
  }

  /// If an image is cached under `key`, copies it to `dest` (creating parent
  /// directories, keeping its mode) and returns true; false if not cached.
  /// Returns IoError if the copy fails.
  Result<bool> Restore(const std::string& key, const std::string& dest) const;

  /// Stores a copy of `image` under `key`. Atomic (copy then rename), so
  /// concurrent Save/Restore of one key from threads or processes is safe.
  /// On failure nothing is left under `key`; IoError names the cause (a
  /// full disk as such: see CacheSaveError).
  Status Save(const std::string& key, const std::string& image) const;

 private:
  std::string EntryDir(const std::string& key) const;
  std::string dir_;
};

/// The error of a failed Save of `image` (`image_bytes` long) with the
/// system's `reason`: when the cache's disk has less room than the image
/// (`available`, measured once the partial copy is gone), it says so, since
/// a short copy reports only "Input/output error".
Status CacheSaveError(const std::string& image, const std::string& reason, uint64_t image_bytes,
                      uint64_t available);

}  // namespace cirun
