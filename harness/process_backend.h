// ProcessBackend: the `unix` target. The image is a host executable.
#pragma once

#include "harness/boot_backend.h"
#include "harness/executable_search.h"

namespace cirun {

class ProcessBackend : public BootBackend {
 public:
  /// `user_mode_emulator`: the QEMU user-mode emulator that runs the image
  /// when instructions are counted (a name found in PATH, or a path).
  explicit ProcessBackend(TargetSpec target,
                          std::string user_mode_emulator = HostUserModeEmulator())
      : target_(std::move(target)),
        user_mode_emulator_(std::move(user_mode_emulator)),
        emulator_found_(FindExecutable(user_mode_emulator_).ok()) {}

  /// "qemu-" and the host's architecture (qemu-x86_64 on x86_64, qemu-aarch64
  /// on arm64): Debian's package qemu-user.
  static std::string HostUserModeEmulator();

  const TargetSpec& target() const override { return target_; }
  /// Always OK: a hosted image needs nothing from the host (Boot checks the image).
  Status CheckAvailable() const override { return Status::Ok(); }
  /// argv = [image, guest args...], each argument its own element (GuestArgs:
  /// a raw command line is split with the MirageOS rules; InvalidArgument if it
  /// does not split). A relative image without '/' gets "./" (never a PATH
  /// lookup). cwd = work_dir, timeout = request.timeout.
  /// With request.count_instructions the image runs under the user-mode
  /// emulator, loading the instruction count plugin when one is given:
  ///   emulator [-plugin PLUGIN -d plugin] image args...
  /// The plugin prints `METRIC instructions=N count` on stderr as the image
  /// exits; exit codes and fault signals reach ci-run as without it.
  Result<ProcessSpec> Command(const BootRequest& request) const override;
  /// True when the user-mode emulator was an executable in PATH (or at its
  /// path) when the backend was made.
  bool CountsInstructions() const override { return emulator_found_; }
  /// False: QEMU's user mode has no -icount; the image reads the host's
  /// clock, so only the plugin's `instructions` metric is exact.
  bool GuestClockCountsInstructions() const override { return false; }
  /// Exit code as is; killed by SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE, SIGTRAP
  /// or SIGSYS -> kCrash; by any other signal -> kHostError (not the guest's
  /// doing, e.g. the OOM killer); spawn failure -> kHostError.
  GuestExit DecodeExit(const ProcessExit& exit, std::string_view console) const override;

 private:
  TargetSpec target_;
  std::string user_mode_emulator_;
  bool emulator_found_;  // looked up once: CountsInstructions is asked per boot
};

}  // namespace cirun
