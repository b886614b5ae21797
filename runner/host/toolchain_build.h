// ToolchainBuild: the machinery every `ci-run toolchain add` shares: the
// toolchain's lock, its build directory with one `<phase>.done` marker per
// finished phase (so a new attempt resumes after the last one), the build
// log, and progress on the terminal. What the phases are is the caller's
// (toolchain_install.cc for OCaml, mirage_toolchain_install.cc for MirageOS).
#pragma once

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "base/status.h"
#include "harness/process_runner.h"

namespace cirun {

/// "4.2s" below a minute, else "3m07s".
std::string ElapsedText(std::chrono::steady_clock::duration d);

/// The SHA-256 of a file's bytes, in lowercase hex. InvalidArgument if unreadable.
Result<std::string> Sha256OfFile(const std::string& path);

/// The SHA-256 of `text`, in lowercase hex.
std::string Sha256OfText(const std::string& text);

/// The whole text of a file ("" if it cannot be read).
std::string ReadTextFile(const std::filesystem::path& path);

/// Writes `text` to `path` through a temporary file and a rename: readers see
/// the old file or the whole new one, never a part.
Status WriteFileAtomically(const std::filesystem::path& path, const std::string& text);

/// An exclusive flock() on a file, held for the object's lifetime. Acquire
/// says on `out` that it waits when another process holds it.
class ToolchainLock {
 public:
  static Result<std::unique_ptr<ToolchainLock>> Acquire(const std::filesystem::path& path,
                                                        FILE* out);
  ~ToolchainLock();
  ToolchainLock(const ToolchainLock&) = delete;
  ToolchainLock& operator=(const ToolchainLock&) = delete;

 private:
  explicit ToolchainLock(int fd) : fd_(fd) {}
  int fd_;
};

/// Before a build of toolchain directory `dir` from sources identified by
/// `sha`: true (and says so on `out`) if dir/toolchain.yml is registered
/// from the same sources; false if nothing is registered; InvalidArgument if
/// it is registered from other sources (remove it first).
Result<bool> AlreadyRegistered(const std::filesystem::path& dir, const std::string& name,
                               const std::string& sha, FILE* out);

/// Prepares dir/build for a build from sources `sha`: keeps it (and says it
/// resumes) when an earlier attempt was from the same sources, else empties
/// dir/build and dir/prefix and records `sha` in dir/build/source.sha256.
Status StartOrResumeBuild(const std::filesystem::path& dir, const std::string& sha, FILE* out);

/// Registers the toolchain: dir/source.sha256, then dir/toolchain.yml, each
/// written atomically (before this nothing points at dir/prefix).
Status RegisterToolchain(const std::filesystem::path& dir, const std::string& sha,
                         const std::string& registration_yaml);

/// Runs the phases of one toolchain build in `build_dir`, logging every
/// command and its output to build_dir/build.log.
class ToolchainBuild {
 public:
  /// `phases` is the number printed as "[n/phases]". `live`: redraw one
  /// status line while a command runs; else print a line every 30 s.
  ToolchainBuild(std::filesystem::path build_dir, int phases, ProcessRunner& runner,
                 const CancelToken* cancel, FILE* out, bool live);

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path log_path() const { return dir_ / "build.log"; }
  FILE* out() const { return out_; }

  /// True once MarkDone(phase) ran in this or an earlier attempt.
  bool Done(const std::string& phase) const;
  void MarkDone(const std::string& phase);
  /// Forgets every marker (after a successful registration).
  void ForgetPhases() const;

  /// Prints "[n/N] phase: what" with n counting up from 1.
  void Header(const std::string& phase, const std::string& what);

  /// Runs `spec` with its output in the log (and appended to `output` if not
  /// null), showing progress. The build environment loses variables that
  /// would pick up another OCaml or make (OCAMLLIB, OCAMLPATH, MAKEFLAGS...)
  /// unless `spec.env_set` sets them. OK if it exited 0; Cancelled when
  /// cancelled (without starting it if the cancellation came first); FailedPrecondition "PHASE
  /// failed: `argv0` exited with status 2" otherwise. Prints "done in 4.2s" when `report_done`.
  Status Run(const std::string& phase, ProcessSpec spec, std::string* output,
             bool report_done = true);

  /// Appends a line to the log.
  void Log(const std::string& line);

  /// Prints the last `lines` lines of the log to `out`.
  void PrintLogTail(size_t lines) const;

 private:
  std::filesystem::path dir_;
  int phases_;
  int next_ = 1;
  ProcessRunner& runner_;
  const CancelToken* cancel_;
  FILE* out_;
  bool live_;
};

}  // namespace cirun
