#include "runner/sources/git_mirror.h"

#include <doctest/doctest.h>

#include <malloc.h>

#include <filesystem>
#include <thread>

#include "tests/scratch_dir.h"

namespace cirun {
namespace {

using testing::ReadAll;
using testing::ScratchDir;
using testing::Shell;

constexpr const char* kGit =
    "git -c user.name=t -c user.email=t@example.com -c commit.gpgsign=false ";

// A work tree with two commits: "first" (tag v1) and "second" (on main).
void MakeRepo(const ScratchDir& dir) {
  REQUIRE(Shell(dir.path(), "git init -q -b main repo") == 0);
  dir.Write("repo/app/hello.c", "int main(void) { return 0; }\n");
  dir.Write("repo/README.md", "first\n");
  REQUIRE(Shell(dir / "repo",
                std::string(kGit) + "add -A && " + kGit + "commit -qm first && git tag v1") == 0);
  dir.Write("repo/README.md", "second\n");
  REQUIRE(Shell(dir / "repo", std::string(kGit) + "commit -qam second") == 0);
}

TEST_CASE("GitMirror syncs a local repository and resolves tags and branches") {
  ScratchDir dir;
  MakeRepo(dir);
  auto mirror = GitMirror::Sync(dir / "cache", dir / "repo");
  REQUIRE(mirror.ok());
  auto v1 = mirror->ResolveCommit("v1");
  auto main = mirror->ResolveCommit("main");
  REQUIRE(v1.ok());
  REQUIRE(main.ok());
  CHECK(v1->size() == 40);
  CHECK(*v1 != *main);
  CHECK(*mirror->ResolveCommit("main~1") == *v1);
  CHECK(mirror->ResolveCommit("no-such-ref").status().code() == Status::Code::kNotFound);
}

TEST_CASE("GitMirror reads files and tree ids of a commit") {
  ScratchDir dir;
  MakeRepo(dir);
  auto mirror = GitMirror::Sync(dir / "cache", dir / "repo");
  REQUIRE(mirror.ok());
  CHECK(*mirror->ReadFile("v1", "README.md") == "first\n");
  CHECK(*mirror->ReadFile("main", "README.md") == "second\n");
  CHECK(mirror->ReadFile("main", "missing.txt").status().code() == Status::Code::kNotFound);
  // app/ did not change between the commits; the root tree did.
  CHECK(*mirror->TreeId("v1", "app") == *mirror->TreeId("main", "./app/"));
  CHECK(*mirror->TreeId("v1", ".") != *mirror->TreeId("main", ""));
  CHECK(mirror->TreeId("main", "README.md").status().code() == Status::Code::kNotFound);
}

TEST_CASE("GitMirror fetches incrementally: a new commit appears after a second sync") {
  ScratchDir dir;
  MakeRepo(dir);
  auto first = GitMirror::Sync(dir / "cache", dir / "repo");
  REQUIRE(first.ok());
  dir.Write("repo/README.md", "third\n");
  REQUIRE(Shell(dir / "repo", std::string(kGit) + "commit -qam third && git tag v3") == 0);
  CHECK(first->ResolveCommit("v3").status().code() == Status::Code::kNotFound);
  auto second = GitMirror::Sync(dir / "cache", dir / "repo");
  REQUIRE(second.ok());
  CHECK(second->dir() == first->dir());
  CHECK(*second->ReadFile("v3", "README.md") == "third\n");
}

namespace {

// The heap in use (glibc's count of allocated bytes), to see a leak grow.
size_t HeapInUse() {
  return mallinfo2().uordblks;
}

}  // namespace

TEST_CASE("GitMirror::Sync does not leak: 40 syncs keep the heap where one left it") {
  // libgit2 1.5's url.*.insteadOf scan leaked a PCRE2 block per config entry
  // on every anonymous remote: ~6 x 20 KB a sync, 250 KB a planned pipeline.
  ScratchDir dir;
  MakeRepo(dir);
  REQUIRE(GitMirror::Sync(dir / "cache", dir / "repo").ok());  // one-time set-up (TLS, caches)
  const size_t before = HeapInUse();
  for (int i = 0; i < 40; ++i) REQUIRE(GitMirror::Sync(dir / "cache", dir / "repo").ok());
  const size_t after = HeapInUse();
  INFO("heap in use before " << before << " bytes, after 40 syncs " << after);
  CHECK(after < before + (1 << 20));
}

TEST_CASE("GitMirror syncs file:// URLs like paths") {
  ScratchDir dir;
  MakeRepo(dir);
  auto mirror = GitMirror::Sync(dir / "cache", "file://" + dir / "repo");
  REQUIRE(mirror.ok());
  CHECK(*mirror->ReadFile("v1", "README.md") == "first\n");
}

TEST_CASE("GitMirror reports an unreachable repository as unavailable") {
  ScratchDir dir;
  auto mirror = GitMirror::Sync(dir / "cache", dir / "nothing-here");
  REQUIRE(!mirror.ok());
  CHECK(mirror.status().code() == Status::Code::kUnavailable);
  CHECK(mirror.status().message().find("cannot fetch") != std::string::npos);
}

TEST_CASE("GitMirror checks out commits into separate directories, concurrently") {
  ScratchDir dir;
  MakeRepo(dir);
  auto mirror = GitMirror::Sync(dir / "cache", dir / "repo");
  REQUIRE(mirror.ok());
  std::vector<std::thread> threads;
  std::vector<Status> results(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      results[i] = mirror->CheckoutTo(i % 2 ? "v1" : "main", dir / ("ws" + std::to_string(i)));
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 8; ++i) {
    CHECK(results[i].ok());
    CHECK(ReadAll(dir / ("ws" + std::to_string(i) + "/README.md")) ==
          (i % 2 ? "first\n" : "second\n"));
    CHECK(std::filesystem::exists(dir / ("ws" + std::to_string(i) + "/app/hello.c")));
  }
}

TEST_CASE("GitMirror lists first-parent history newest first") {
  ScratchDir dir;
  MakeRepo(dir);
  auto mirror = GitMirror::Sync(dir / "cache", dir / "repo");
  REQUIRE(mirror.ok());
  auto history = mirror->FirstParentHistory(*mirror->ResolveCommit("main"), 0);
  REQUIRE(history.ok());
  REQUIRE(history->size() == 2);
  CHECK((*history)[1] == *mirror->ResolveCommit("v1"));
  CHECK(mirror->FirstParentHistory(*mirror->ResolveCommit("main"), 1)->size() == 1);
  CHECK(*mirror->Summary("v1") == "first");
}

TEST_CASE("InspectWorktree sees modified and untracked files but not ignored ones or .ci-run") {
  ScratchDir dir;
  MakeRepo(dir);
  auto clean = InspectWorktree(dir / "repo/app");
  REQUIRE(clean.ok());
  CHECK(clean->root == dir / "repo");
  CHECK(!clean->dirty());
  CHECK(clean->head_commit.size() == 40);
  dir.Write("repo/.gitignore", "*.o\n");
  dir.Write("repo/x.o", "object");
  dir.Write("repo/.ci-run/ci.db", "state");
  dir.Write("repo/app/new.c", "new");
  dir.Write("repo/README.md", "edited\n");
  auto dirty = InspectWorktree(dir / "repo");
  REQUIRE(dirty.ok());
  std::vector<std::string> changed = dirty->changed;
  std::sort(changed.begin(), changed.end());
  CHECK(changed == std::vector<std::string>{".gitignore", "README.md", "app/new.c"});
  CHECK(InspectWorktree(dir.path()).status().code() == Status::Code::kNotFound);
}

TEST_CASE("CopyWorktree copies the tree as it is, modes included, without ignored files") {
  ScratchDir dir;
  MakeRepo(dir);
  dir.Write("repo/.gitignore", "*.o\n");
  dir.Write("repo/x.o", "object");
  dir.Write("repo/app/new.sh", "#!/bin/sh\n");
  std::filesystem::permissions(dir / "repo/app/new.sh", std::filesystem::perms::owner_exec,
                               std::filesystem::perm_options::add);
  dir.Write("repo/README.md", "edited\n");
  REQUIRE(CopyWorktree(dir / "repo", dir / "copy").ok());
  CHECK(ReadAll(dir / "copy/README.md") == "edited\n");
  CHECK(ReadAll(dir / "copy/app/hello.c") == "int main(void) { return 0; }\n");
  CHECK(!std::filesystem::exists(dir / "copy/x.o"));
  CHECK(!std::filesystem::exists(dir / "copy/.git"));
  auto perms = std::filesystem::status(dir / "copy/app/new.sh").permissions();
  CHECK((perms & std::filesystem::perms::owner_exec) != std::filesystem::perms::none);
}

TEST_CASE("WorktreeContentId changes exactly when the directory's content changes") {
  ScratchDir dir;
  MakeRepo(dir);
  auto a = WorktreeContentId(dir / "repo", "app");
  REQUIRE(a.ok());
  CHECK(a->starts_with("worktree-"));
  dir.Write("repo/README.md", "outside app\n");
  CHECK(*WorktreeContentId(dir / "repo", "app") == *a);
  dir.Write("repo/app/hello.c", "int main(void) { return 1; }\n");
  CHECK(*WorktreeContentId(dir / "repo", "app") != *a);
  CHECK(WorktreeContentId(dir / "repo", "nope").status().code() == Status::Code::kNotFound);
}

}  // namespace
}  // namespace cirun
