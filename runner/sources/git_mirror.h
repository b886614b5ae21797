// GitMirror: a bare mirror of one repository in the cache, through libgit2.
//
// Every pipeline tests a commit of a mirror: the mirror is created on first
// use and fetched incrementally afterwards (all refs: branches, tags, pull
// request heads). Commits are checked out from it into per-job workspaces.
// A GitMirror holds only paths; each call opens its own libgit2 handle, so
// one GitMirror may be used from many threads at once.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/status.h"

namespace cirun {

/// Progress of a fetch: objects received so far and in total (0 if unknown).
using FetchProgress = std::function<void(size_t received, size_t total)>;

class GitMirror {
 public:
  /// Creates (if needed) the bare mirror of `url` under `cache_dir`/mirrors and
  /// fetches every ref from it ("+refs/*:refs/*", pruning deleted refs).
  /// `url` is a local path, a file:// URL, or an http(s):// URL. Concurrent
  /// syncs of one mirror (threads or processes) are serialised by a file lock.
  /// Returns IoError / Unavailable with libgit2's message on failure.
  static Result<GitMirror> Sync(const std::string& cache_dir, const std::string& url,
                                const FetchProgress& progress = nullptr);

  /// Opens an existing mirror directory without fetching (for workers that
  /// synced it earlier). Returns NotFound if it is not a git repository.
  static Result<GitMirror> Open(const std::string& mirror_dir, const std::string& url);

  const std::string& url() const { return url_; }
  const std::string& dir() const { return dir_; }

  /// The full commit id `rev` names ("main", "good", "HEAD~2", a sha prefix).
  /// Returns NotFound if it names nothing or not a commit.
  Result<std::string> ResolveCommit(const std::string& rev) const;

  /// The id of the tree at `path` ("" or "." for the root) in `commit`.
  /// Returns NotFound if the path does not exist there or is not a directory.
  Result<std::string> TreeId(const std::string& commit, const std::string& path) const;

  /// The contents of the file `path` in `commit`. NotFound if absent.
  Result<std::string> ReadFile(const std::string& commit, const std::string& path) const;

  /// Writes the tree of `commit` into `dest` (created if missing; files already
  /// there are overwritten). Leaves the mirror untouched (no index, no HEAD).
  Status CheckoutTo(const std::string& commit, const std::string& dest) const;

  /// The first-parent history ending at `commit`, newest first, at most
  /// `limit` commits (0: all). Full commit ids.
  Result<std::vector<std::string>> FirstParentHistory(const std::string& commit,
                                                      size_t limit) const;

  /// The one-line summary (first line of the message) of `commit`.
  Result<std::string> Summary(const std::string& commit) const;

 private:
  GitMirror(std::string dir, std::string url) : dir_(std::move(dir)), url_(std::move(url)) {}
  std::string dir_;
  std::string url_;
};

/// What `ci-run local PATH` finds at PATH.
struct WorktreeState {
  std::string root;                  // the work tree's top directory (absolute)
  std::string head_commit;           // HEAD's commit id; "" for a repository with no commit yet
  std::vector<std::string> changed;  // modified, added, deleted or untracked (not ignored) paths
  bool dirty() const { return !changed.empty(); }
};

/// Inspects the git work tree containing `path`. Returns NotFound if `path` is
/// not inside a non-bare git repository. Ignores ci-run's own `.ci-run/` folder.
Result<WorktreeState> InspectWorktree(const std::string& path);

/// Copies the work tree at `root` as it is (tracked files that still exist and
/// untracked files that are not ignored; never .git or .ci-run) into `dest`,
/// keeping file modes and symlinks.
Status CopyWorktree(const std::string& root, const std::string& dest);

/// A content id for the directory `path` (relative to `root`) of a work tree as
/// it is, over the same files CopyWorktree copies: "worktree-<sha1>". Equal
/// contents give equal ids. Returns NotFound if `path` is not a directory.
Result<std::string> WorktreeContentId(const std::string& root, const std::string& path);

}  // namespace cirun
