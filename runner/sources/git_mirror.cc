#include "runner/sources/git_mirror.h"

#include <fcntl.h>
#include <git2.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>

namespace cirun {
namespace {

namespace fs = std::filesystem;

// RAII owners for libgit2 objects.
template <typename T, void (*Free)(T*)>
struct GitFree {
  void operator()(T* p) const { Free(p); }
};
using RepoPtr = std::unique_ptr<git_repository, GitFree<git_repository, git_repository_free>>;
using RemotePtr = std::unique_ptr<git_remote, GitFree<git_remote, git_remote_free>>;
using ObjectPtr = std::unique_ptr<git_object, GitFree<git_object, git_object_free>>;
using CommitPtr = std::unique_ptr<git_commit, GitFree<git_commit, git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, GitFree<git_tree, git_tree_free>>;
using EntryPtr = std::unique_ptr<git_tree_entry, GitFree<git_tree_entry, git_tree_entry_free>>;
using BlobPtr = std::unique_ptr<git_blob, GitFree<git_blob, git_blob_free>>;
using StatusListPtr =
    std::unique_ptr<git_status_list, GitFree<git_status_list, git_status_list_free>>;
using RevwalkPtr = std::unique_ptr<git_revwalk, GitFree<git_revwalk, git_revwalk_free>>;
using IndexPtr = std::unique_ptr<git_index, GitFree<git_index, git_index_free>>;

void InitLibgit2() {
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}

// The message of libgit2's last error on this thread, prefixed by `what`.
Status GitError(const std::string& what, Status::Code code = Status::Code::kIoError) {
  const git_error* e = git_error_last();
  std::string message = what + ": " + (e && e->message ? e->message : "unknown libgit2 error");
  switch (code) {
    case Status::Code::kNotFound:
      return Status::NotFound(message);
    case Status::Code::kUnavailable:
      return Status::Unavailable(message);
    default:
      return Status::IoError(message);
  }
}

std::string OidHex(const git_oid* oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, oid);
  return buf;
}

bool IsRemoteUrl(const std::string& url) {
  return url.find("://") != std::string::npos;
}

// A local path becomes absolute (libgit2 resolves it against the process cwd).
std::string NormaliseUrl(const std::string& url) {
  if (IsRemoteUrl(url)) return url;
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(url), ec);
  return ec ? url : p.string();
}

// "/home/me/src/hello.git" -> "hello-1a2b3c4d5e6f": readable and unique.
std::string MirrorName(const std::string& url) {
  std::string base = url;
  while (!base.empty() && (base.back() == '/')) base.pop_back();
  base = base.substr(base.find_last_of("/:") + 1);
  if (base.size() > 4 && base.ends_with(".git")) base.resize(base.size() - 4);
  std::string clean;
  for (char c : base)
    clean += (isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  if (clean.empty()) clean = "repo";
  git_oid oid;
  git_odb_hash(&oid, url.data(), url.size(), GIT_OBJECT_BLOB);
  return clean + "-" + OidHex(&oid).substr(0, 12);
}

// Holds an exclusive flock on `path` for its lifetime.
class FileLock {
 public:
  explicit FileLock(const std::string& path)
      : fd_(open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644)) {
    if (fd_ >= 0) flock(fd_, LOCK_EX);
  }
  ~FileLock() {
    if (fd_ >= 0) close(fd_);  // releases the lock
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_;
};

int OnTransferProgress(const git_indexer_progress* stats, void* payload) {
  auto* progress = static_cast<const FetchProgress*>(payload);
  if (progress && *progress) (*progress)(stats->received_objects, stats->total_objects);
  return 0;
}

Result<RepoPtr> OpenRepo(const std::string& dir) {
  InitLibgit2();
  git_repository* raw = nullptr;
  if (git_repository_open_bare(&raw, dir.c_str()) != 0) {
    return GitError("cannot open mirror " + dir, Status::Code::kNotFound);
  }
  return RepoPtr(raw);
}

Result<CommitPtr> LookupCommit(git_repository* repo, const std::string& rev) {
  git_object* obj = nullptr;
  if (git_revparse_single(&obj, repo, rev.c_str()) != 0) {
    return GitError("no revision \"" + rev + "\"", Status::Code::kNotFound);
  }
  ObjectPtr owned(obj);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) != 0) {
    return GitError("\"" + rev + "\" does not name a commit", Status::Code::kNotFound);
  }
  return CommitPtr(reinterpret_cast<git_commit*>(peeled));
}

// A repository handle and one of its commits, opened together.
struct OpenedCommit {
  RepoPtr repo;
  CommitPtr commit;
};

Result<OpenedCommit> OpenCommit(const std::string& dir, const std::string& rev) {
  auto repo = OpenRepo(dir);
  if (!repo.ok()) return repo.status();
  auto commit = LookupCommit(repo->get(), rev);
  if (!commit.ok()) return commit.status();
  return OpenedCommit{std::move(*repo), std::move(*commit)};
}

Result<TreePtr> CommitTree(const OpenedCommit& opened) {
  git_tree* tree = nullptr;
  if (git_commit_tree(&tree, opened.commit.get()) != 0) return GitError("cannot read tree");
  return TreePtr(tree);
}

// "./a/b/" -> "a/b"; "." -> "".
std::string CleanTreePath(std::string path) {
  while (path.starts_with("./")) path.erase(0, 2);
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (path == ".") path.clear();
  return path;
}

// Points the mirror's HEAD at the remote's default branch, if it told us one.
void UpdateMirrorHead(git_repository* repo, git_remote* remote) {
  git_buf branch = GIT_BUF_INIT;
  if (git_remote_default_branch(&branch, remote) == 0) {
    git_repository_set_head(repo, branch.ptr);
  }
  git_buf_dispose(&branch);
}

}  // namespace

Result<GitMirror> GitMirror::Sync(const std::string& cache_dir, const std::string& url,
                                  const FetchProgress& progress) {
  InitLibgit2();
  const std::string source = NormaliseUrl(url);
  fs::path mirrors = fs::path(cache_dir) / "mirrors";
  std::error_code ec;
  fs::create_directories(mirrors, ec);
  if (ec) return Status::IoError("cannot create " + mirrors.string() + ": " + ec.message());
  const std::string dir = (mirrors / (MirrorName(source) + ".git")).string();
  FileLock lock(dir + ".lock");

  git_repository* raw = nullptr;
  int rc = fs::exists(dir) ? git_repository_open_bare(&raw, dir.c_str())
                           : git_repository_init(&raw, dir.c_str(), /*is_bare=*/1);
  if (rc != 0) return GitError("cannot create mirror " + dir);
  RepoPtr repo(raw);

  // An anonymous remote without url.*.insteadOf rewriting: the URL is the
  // configured one, and libgit2 1.5 leaks a PCRE2 match block (about 20 KB)
  // for every config entry its insteadOf scan tests (serve grew ~250 KB per
  // planned pipeline, heaptrack).
  git_remote* remote_raw = nullptr;
  git_remote_create_options create = GIT_REMOTE_CREATE_OPTIONS_INIT;
  create.repository = repo.get();
  create.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF;
  if (git_remote_create_with_opts(&remote_raw, source.c_str(), &create) != 0) {
    return GitError("bad repository URL \"" + source + "\"");
  }
  RemotePtr remote(remote_raw);
  git_fetch_options opts = GIT_FETCH_OPTIONS_INIT;
  opts.prune = GIT_FETCH_PRUNE;
  opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
  opts.callbacks.transfer_progress = OnTransferProgress;
  opts.callbacks.payload = const_cast<FetchProgress*>(&progress);
  char refspec[] = "+refs/*:refs/*";
  char* specs[] = {refspec};
  git_strarray refspecs = {specs, 1};
  if (git_remote_fetch(remote.get(), &refspecs, &opts, "ci-run fetch") != 0) {
    return GitError("cannot fetch " + source, Status::Code::kUnavailable);
  }
  UpdateMirrorHead(repo.get(), remote.get());
  return GitMirror(dir, source);
}

Result<GitMirror> GitMirror::Open(const std::string& mirror_dir, const std::string& url) {
  auto repo = OpenRepo(mirror_dir);
  if (!repo.ok()) return repo.status();
  return GitMirror(mirror_dir, url);
}

Result<std::string> GitMirror::ResolveCommit(const std::string& rev) const {
  auto opened = OpenCommit(dir_, rev);
  if (!opened.ok()) return opened.status();
  return OidHex(git_commit_id(opened->commit.get()));
}

Result<std::string> GitMirror::TreeId(const std::string& commit_id, const std::string& path) const {
  auto opened = OpenCommit(dir_, commit_id);
  if (!opened.ok()) return opened.status();
  auto tree_or = CommitTree(*opened);
  if (!tree_or.ok()) return tree_or.status();
  TreePtr tree = std::move(*tree_or);
  const std::string clean = CleanTreePath(path);
  if (clean.empty()) return OidHex(git_tree_id(tree.get()));
  git_tree_entry* entry_raw = nullptr;
  if (git_tree_entry_bypath(&entry_raw, tree.get(), clean.c_str()) != 0) {
    return Status::NotFound("no directory \"" + clean + "\" in commit " + commit_id.substr(0, 12));
  }
  EntryPtr entry(entry_raw);
  if (git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE) {
    return Status::NotFound("\"" + clean + "\" is not a directory in commit " +
                            commit_id.substr(0, 12));
  }
  return OidHex(git_tree_entry_id(entry.get()));
}

Result<std::string> GitMirror::ReadFile(const std::string& commit_id,
                                        const std::string& path) const {
  auto opened = OpenCommit(dir_, commit_id);
  if (!opened.ok()) return opened.status();
  auto tree_or = CommitTree(*opened);
  if (!tree_or.ok()) return tree_or.status();
  TreePtr tree = std::move(*tree_or);
  git_tree_entry* entry_raw = nullptr;
  if (git_tree_entry_bypath(&entry_raw, tree.get(), CleanTreePath(path).c_str()) != 0) {
    return Status::NotFound("no file \"" + path + "\" in commit " + commit_id.substr(0, 12));
  }
  EntryPtr entry(entry_raw);
  git_blob* blob_raw = nullptr;
  if (git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB ||
      git_blob_lookup(&blob_raw, opened->repo.get(), git_tree_entry_id(entry.get())) != 0) {
    return Status::NotFound("\"" + path + "\" is not a file in commit " + commit_id.substr(0, 12));
  }
  BlobPtr blob(blob_raw);
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                     static_cast<size_t>(git_blob_rawsize(blob.get())));
}

Status GitMirror::CheckoutTo(const std::string& commit_id, const std::string& dest) const {
  auto opened = OpenCommit(dir_, commit_id);
  if (!opened.ok()) return opened.status();
  std::error_code ec;
  fs::create_directories(dest, ec);
  if (ec) return Status::IoError("cannot create " + dest + ": " + ec.message());
  // An empty in-memory index as the baseline: nothing in the mirror is read
  // or written, so concurrent checkouts from one mirror do not interfere.
  git_index* index_raw = nullptr;
  if (git_index_new(&index_raw) != 0) return GitError("cannot create index");
  IndexPtr index(index_raw);
  git_checkout_options opts = GIT_CHECKOUT_OPTIONS_INIT;
  opts.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DONT_UPDATE_INDEX;
  opts.target_directory = dest.c_str();
  opts.baseline_index = index.get();
  if (git_checkout_tree(opened->repo.get(), reinterpret_cast<git_object*>(opened->commit.get()),
                        &opts) != 0) {
    return GitError("cannot check out " + commit_id.substr(0, 12) + " into " + dest);
  }
  return Status::Ok();
}

Result<std::vector<std::string>> GitMirror::FirstParentHistory(const std::string& commit_id,
                                                               size_t limit) const {
  auto opened = OpenCommit(dir_, commit_id);
  if (!opened.ok()) return opened.status();
  git_revwalk* walk_raw = nullptr;
  if (git_revwalk_new(&walk_raw, opened->repo.get()) != 0) return GitError("cannot walk history");
  RevwalkPtr walk(walk_raw);
  git_revwalk_simplify_first_parent(walk.get());
  git_revwalk_push(walk.get(), git_commit_id(opened->commit.get()));
  std::vector<std::string> out;
  git_oid oid;
  while ((limit == 0 || out.size() < limit) && git_revwalk_next(&oid, walk.get()) == 0) {
    out.push_back(OidHex(&oid));
  }
  return out;
}

Result<std::string> GitMirror::Summary(const std::string& commit_id) const {
  auto opened = OpenCommit(dir_, commit_id);
  if (!opened.ok()) return opened.status();
  const char* summary = git_commit_summary(opened->commit.get());
  return std::string(summary ? summary : "");
}

// ---- Work trees ----------------------------------------------------------

namespace {

bool IsOwnStatePath(const char* path) {
  return std::string_view(path).starts_with(".ci-run/") || std::string_view(path) == ".ci-run";
}

Result<RepoPtr> OpenWorktreeRepo(const std::string& path) {
  InitLibgit2();
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, path.c_str(), 0, nullptr) != 0) {
    return GitError("\"" + path + "\" is not inside a git repository", Status::Code::kNotFound);
  }
  RepoPtr repo(raw);
  if (git_repository_is_bare(repo.get())) {
    return Status::NotFound("\"" + path + "\" is a bare repository, not a work tree");
  }
  return repo;
}

// Relative paths of the files a snapshot of the work tree contains: tracked
// files that exist, plus untracked files that are not ignored. Sorted.
Result<std::vector<std::string>> SnapshotFiles(git_repository* repo) {
  git_index* index_raw = nullptr;
  if (git_repository_index(&index_raw, repo) != 0) return GitError("cannot read the index");
  IndexPtr index(index_raw);
  std::set<std::string> files;
  const fs::path root = git_repository_workdir(repo);
  for (size_t i = 0, n = git_index_entrycount(index.get()); i < n; ++i) {
    const git_index_entry* e = git_index_get_byindex(index.get(), i);
    std::error_code ec;
    if (!IsOwnStatePath(e->path) &&
        fs::symlink_status(root / e->path, ec).type() != fs::file_type::not_found) {
      files.insert(e->path);
    }
  }
  git_status_options opts = GIT_STATUS_OPTIONS_INIT;
  opts.show = GIT_STATUS_SHOW_WORKDIR_ONLY;
  opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
  git_status_list* list_raw = nullptr;
  if (git_status_list_new(&list_raw, repo, &opts) != 0) return GitError("cannot read status");
  StatusListPtr list(list_raw);
  for (size_t i = 0, n = git_status_list_entrycount(list.get()); i < n; ++i) {
    const git_status_entry* e = git_status_byindex(list.get(), i);
    if ((e->status & GIT_STATUS_WT_NEW) && e->index_to_workdir &&
        !IsOwnStatePath(e->index_to_workdir->new_file.path)) {
      files.insert(e->index_to_workdir->new_file.path);
    }
  }
  return std::vector<std::string>(files.begin(), files.end());
}

}  // namespace

Result<WorktreeState> InspectWorktree(const std::string& path) {
  auto repo = OpenWorktreeRepo(path);
  if (!repo.ok()) return repo.status();
  WorktreeState state;
  state.root = fs::path(git_repository_workdir(repo->get())).lexically_normal().string();
  if (state.root.size() > 1 && state.root.back() == '/') state.root.pop_back();
  git_oid head;
  if (git_reference_name_to_id(&head, repo->get(), "HEAD") == 0) state.head_commit = OidHex(&head);

  git_status_options opts = GIT_STATUS_OPTIONS_INIT;
  opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
               GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX;
  git_status_list* list_raw = nullptr;
  if (git_status_list_new(&list_raw, repo->get(), &opts) != 0)
    return GitError("cannot read status");
  StatusListPtr list(list_raw);
  for (size_t i = 0, n = git_status_list_entrycount(list.get()); i < n; ++i) {
    const git_status_entry* e = git_status_byindex(list.get(), i);
    if (e->status == GIT_STATUS_CURRENT || (e->status & GIT_STATUS_IGNORED)) continue;
    const git_diff_delta* d = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
    if (d && !IsOwnStatePath(d->new_file.path)) state.changed.push_back(d->new_file.path);
  }
  return state;
}

Status CopyWorktree(const std::string& root, const std::string& dest) {
  auto repo = OpenWorktreeRepo(root);
  if (!repo.ok()) return repo.status();
  auto files = SnapshotFiles(repo->get());
  if (!files.ok()) return files.status();
  std::error_code ec;
  for (const std::string& rel : *files) {
    fs::path from = fs::path(root) / rel, to = fs::path(dest) / rel;
    fs::create_directories(to.parent_path(), ec);
    if (ec)
      return Status::IoError("cannot create " + to.parent_path().string() + ": " + ec.message());
    if (fs::is_symlink(from, ec)) {
      fs::remove(to, ec);
      fs::create_symlink(fs::read_symlink(from, ec), to, ec);
    } else {
      fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
    }
    if (ec) return Status::IoError("cannot copy " + rel + ": " + ec.message());
  }
  return Status::Ok();
}

Result<std::string> WorktreeContentId(const std::string& root, const std::string& path) {
  auto repo = OpenWorktreeRepo(root);
  if (!repo.ok()) return repo.status();
  const std::string prefix = CleanTreePath(path);
  std::error_code ec;
  if (!fs::is_directory(fs::path(root) / prefix, ec)) {
    return Status::NotFound("no directory \"" + prefix + "\" in " + root);
  }
  auto files = SnapshotFiles(repo->get());
  if (!files.ok()) return files.status();
  // A manifest of "mode blob-id path" lines, hashed as one git blob.
  std::string manifest;
  for (const std::string& rel : *files) {
    if (!prefix.empty() && !rel.starts_with(prefix + "/")) continue;
    fs::path file = fs::path(root) / rel;
    git_oid oid;
    std::string mode;
    if (fs::is_symlink(file, ec)) {
      std::string target = fs::read_symlink(file, ec).string();
      git_odb_hash(&oid, target.data(), target.size(), GIT_OBJECT_BLOB);
      mode = "120000";
    } else {
      if (git_odb_hashfile(&oid, file.c_str(), GIT_OBJECT_BLOB) != 0)
        return GitError("cannot hash " + rel);
      mode = (fs::status(file, ec).permissions() & fs::perms::owner_exec) != fs::perms::none
                 ? "100755"
                 : "100644";
    }
    manifest += mode + " " + OidHex(&oid) + " " + rel + "\n";
  }
  git_oid id;
  git_odb_hash(&id, manifest.data(), manifest.size(), GIT_OBJECT_BLOB);
  return "worktree-" + OidHex(&id);
}

}  // namespace cirun
