// Where ci-run keeps things by default, and how it names itself.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace cirun {

/// $CI_RUN_CACHE_DIR, else $XDG_CACHE_HOME/ci-run, else $HOME/.cache/ci-run.
std::string DefaultCacheDir();

/// The folders searched for named configurations (`--config NAME`): the
/// source tree's matrices/ (for a build tree), then PREFIX/share/ci-run/matrices.
std::vector<std::string> MatrixDirs();

/// The places the QEMU plugin that counts instructions
/// (qemu_plugins/instruction_count.c) is looked for, in order: the build
/// tree's qemu_plugins/ (for a build tree), then PREFIX/lib/ci-run/.
std::vector<std::string> InstructionCountPluginPaths();

/// The first of InstructionCountPluginPaths() that exists; NotFound naming
/// every place looked in when none does.
Result<std::string> FindInstructionCountPlugin();

/// The QEMU coverage plugin (qemu_plugins/coverage.c), looked for as the
/// instruction count plugin is: BUILD/qemu_plugins/coverage.so, then
/// PREFIX/lib/ci-run/coverage.so. NotFound naming the places looked in and
/// why it may be missing (built only with QEMU's qemu-plugin.h).
Result<std::string> FindCoveragePlugin();

/// How a printed command should invoke this program: "ci-run" if that name on
/// PATH is this executable, else this executable's absolute path.
std::string SelfCommand();

/// This executable's absolute path (/proc/self/exe).
std::string SelfExecutable();

/// Creates `dir` and a .gitignore in it that ignores everything, so ci-run's
/// state never shows as a change in the user's work tree. Best effort.
void EnsureStateDir(const std::string& dir);

}  // namespace cirun
