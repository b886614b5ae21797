#include "runner/common/paths.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#ifndef CIRUN_SOURCE_DIR
#define CIRUN_SOURCE_DIR ""
#endif
#ifndef CIRUN_BINARY_DIR
#define CIRUN_BINARY_DIR ""
#endif

namespace cirun {

namespace fs = std::filesystem;

std::string DefaultCacheDir() {
  if (const char* dir = std::getenv("CI_RUN_CACHE_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::string(xdg) + "/ci-run";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : "/tmp") + "/.cache/ci-run";
}

std::string SelfExecutable() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? "ci-run" : self.string();
}

std::vector<std::string> MatrixDirs() {
  std::vector<std::string> dirs;
  if (std::string(CIRUN_SOURCE_DIR).size() > 0)
    dirs.push_back(std::string(CIRUN_SOURCE_DIR) + "/matrices");
  fs::path exe = SelfExecutable();
  dirs.push_back((exe.parent_path().parent_path() / "share/ci-run/matrices").string());
  return dirs;
}

namespace {

// Where a QEMU plugin `file` is looked for: the build tree, then
// PREFIX/lib/ci-run/ beside an installed ci-run.
std::vector<std::string> QemuPluginPaths(const std::string& file) {
  std::vector<std::string> paths;
  if (std::string(CIRUN_BINARY_DIR).size() > 0)
    paths.push_back(std::string(CIRUN_BINARY_DIR) + "/qemu_plugins/" + file);
  fs::path exe = SelfExecutable();
  paths.push_back((exe.parent_path().parent_path() / "lib/ci-run" / file).string());
  return paths;
}

// The first of QemuPluginPaths(file) that exists; NotFound saying `missing`
// and where it looked.
Result<std::string> FindQemuPlugin(const std::string& file, const std::string& missing) {
  std::string looked;
  std::error_code ec;
  for (const std::string& path : QemuPluginPaths(file)) {
    if (fs::is_regular_file(path, ec)) return path;
    looked += (looked.empty() ? "" : ", ") + path;
  }
  return Status::NotFound(missing + "; looked in " + looked);
}

}  // namespace

std::vector<std::string> InstructionCountPluginPaths() {
  return QemuPluginPaths("instruction_count.so");
}

Result<std::string> FindCoveragePlugin() {
  return FindQemuPlugin("coverage.so",
                        "the QEMU coverage plugin coverage.so is not built (it needs QEMU's "
                        "qemu-plugin.h: qemu_plugins/fetch-qemu-plugin-header.sh) or installed");
}

Result<std::string> FindInstructionCountPlugin() {
  return FindQemuPlugin("instruction_count.so",
                        "the QEMU plugin instruction_count.so is not built or installed");
}

std::string SelfCommand() {
  const std::string self = SelfExecutable();
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  std::error_code ec;
  for (std::string dir; std::getline(dirs, dir, ':');) {
    fs::path candidate = fs::path(dir) / "ci-run";
    if (fs::exists(candidate, ec) && fs::equivalent(candidate, self, ec)) return "ci-run";
  }
  return self;
}

void EnsureStateDir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  fs::path ignore = fs::path(dir) / ".gitignore";
  if (!fs::exists(ignore, ec))
    std::ofstream(ignore) << "# ci-run's state (database, workspaces)\n*\n";
}

}  // namespace cirun
