#include "runner/sources/directory_tree.h"

#include <git2.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <vector>

namespace cirun {
namespace {

namespace fs = std::filesystem;

struct TreeEntry {
  std::string name;
  std::string mode;  // "100644", "100755", "120000", "40000"
  git_oid oid;
  // git sorts a tree's entries by name, a directory's name as if it ended in '/'.
  std::string SortKey() const { return mode == "40000" ? name + "/" : name; }
};

std::string Hex(const git_oid& oid) {
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &oid);
  return hex;
}

// The tree object of `dir`, or nullopt for a directory with nothing git keeps.
Result<std::optional<git_oid>> HashTree(const fs::path& dir) {
  std::vector<TreeEntry> entries;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name == ".git") continue;
    TreeEntry entry{name, "", {}};
    if (e.is_symlink(ec)) {
      const std::string target = fs::read_symlink(e.path(), ec).string();
      git_odb_hash(&entry.oid, target.data(), target.size(), GIT_OBJECT_BLOB);
      entry.mode = "120000";
    } else if (e.is_directory(ec)) {
      auto sub = HashTree(e.path());
      if (!sub.ok()) return sub.status();
      if (!*sub) continue;
      entry.oid = **sub;
      entry.mode = "40000";
    } else if (e.is_regular_file(ec)) {
      if (git_odb_hashfile(&entry.oid, e.path().c_str(), GIT_OBJECT_BLOB) != 0)
        return Status::IoError("cannot read " + e.path().string());
      const bool exec = (e.status(ec).permissions() & fs::perms::owner_exec) != fs::perms::none;
      entry.mode = exec ? "100755" : "100644";
    } else {
      continue;  // sockets, fifos: git keeps none
    }
    entries.push_back(std::move(entry));
  }
  if (ec) return Status::IoError("cannot list " + dir.string() + ": " + ec.message());
  if (entries.empty()) return std::optional<git_oid>();
  std::sort(entries.begin(), entries.end(),
            [](const TreeEntry& a, const TreeEntry& b) { return a.SortKey() < b.SortKey(); });
  std::string object;
  for (const TreeEntry& e : entries) {
    object += e.mode + " " + e.name;
    object += '\0';
    object.append(reinterpret_cast<const char*>(e.oid.id), GIT_OID_RAWSZ);
  }
  git_oid oid;
  git_odb_hash(&oid, object.data(), object.size(), GIT_OBJECT_TREE);
  return std::optional<git_oid>(oid);
}

}  // namespace

Result<std::string> DirectoryTreeId(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::NotFound("no directory " + dir);
  auto tree = HashTree(dir);
  if (!tree.ok()) return tree.status();
  if (!*tree) return std::string("4b825dc642cb6eb9a060e54bf8d69288fbee4904");  // git's empty tree
  return Hex(**tree);
}

}  // namespace cirun
