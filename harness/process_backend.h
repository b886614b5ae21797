// ProcessBackend: the `unix` target. The image is a host executable.
#pragma once

#include "harness/boot_backend.h"

namespace cirun {

class ProcessBackend : public BootBackend {
 public:
  explicit ProcessBackend(TargetSpec target) : target_(std::move(target)) {}

  const TargetSpec& target() const override { return target_; }
  /// Always OK: a hosted image needs nothing from the host (Boot checks the image).
  Status CheckAvailable() const override { return Status::Ok(); }
  /// argv = [image, guest args...], each argument its own element (GuestArgs:
  /// a raw command line is split with the MirageOS rules; InvalidArgument if it
  /// does not split). A relative image without '/' gets "./" (never a PATH
  /// lookup). cwd = work_dir, timeout = request.timeout.
  Result<ProcessSpec> Command(const BootRequest& request) const override;
  /// Exit code as is; killed by SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE, SIGTRAP
  /// or SIGSYS -> kCrash; by any other signal -> kHostError (not the guest's
  /// doing, e.g. the OOM killer); spawn failure -> kHostError.
  GuestExit DecodeExit(const ProcessExit& exit, std::string_view console) const override;

 private:
  TargetSpec target_;
};

}  // namespace cirun
