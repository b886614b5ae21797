#include "runner/sources/directory_tree.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/scratch_dir.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;
using testing::ScratchDir;

void Write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

// What git itself computes for the same directory.
std::string GitWriteTree(const fs::path& dir) {
  const std::string cmd =
      "cd '" + dir.string() + "' && git init -q . && git add -A && git write-tree > ../tree.txt";
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::ifstream in(dir.parent_path() / "tree.txt");
  std::string id;
  in >> id;
  return id;
}

TEST_CASE("DirectoryTreeId equals the tree id git writes for the same files") {
  ScratchDir scratch;
  const fs::path dir = fs::path(scratch.path()) / "pkg";
  Write(dir / "dune-project", "(lang dune 2.9)\n");
  Write(dir / "src" / "a.ml", "let x = 1\n");
  Write(dir / "src-b" / "b.ml", "let y = 2\n");  // sorts between "src" and "src/"
  Write(dir / "run.sh", "#!/bin/sh\n");
  fs::permissions(dir / "run.sh", fs::perms::owner_exec, fs::perm_options::add);
  fs::create_symlink("src/a.ml", dir / "link");
  fs::create_directories(dir / "empty");
  auto ours = DirectoryTreeId(dir.string());
  REQUIRE(ours.ok());
  CHECK(*ours == GitWriteTree(dir));
}

TEST_CASE("DirectoryTreeId changes with one byte of one file, and fails on a missing folder") {
  ScratchDir scratch;
  Write(fs::path(scratch.path()) / "p" / "f", "1");
  auto before = DirectoryTreeId((fs::path(scratch.path()) / "p").string());
  Write(fs::path(scratch.path()) / "p" / "f", "2");
  auto after = DirectoryTreeId((fs::path(scratch.path()) / "p").string());
  REQUIRE(before.ok());
  REQUIRE(after.ok());
  CHECK(*before != *after);
  CHECK(DirectoryTreeId((fs::path(scratch.path()) / "nope").string()).status().code() ==
        Status::Code::kNotFound);
}

}  // namespace
}  // namespace cirun
