// QemuBackend: `virtio` and `virtio-arm64` targets, booted by qemu-system-*.
#pragma once

#include "harness/boot_backend.h"

namespace cirun {

class QemuBackend : public BootBackend {
 public:
  explicit QemuBackend(TargetSpec target) : target_(std::move(target)) {}

  const TargetSpec& target() const override { return target_; }
  /// Unavailable "<binary> not found in PATH" unless target.qemu.binary is found.
  Status CheckAvailable() const override;
  /// QemuArgv (qemu_command.h) with the accelerator resolved, the image and
  /// GuestCommandLine(request) (InvalidArgument for a NUL byte). cwd = work_dir,
  /// timeout = request.timeout. For multiboot images (virtio) the image path
  /// must not contain a space: QEMU's multiboot loader passes "<path> <append>"
  /// and the guest skips everything up to the first space.
  Result<ProcessSpec> Command(const BootRequest& request) const override;
  /// DecodeQemuExit with target.qemu.exit_convention.
  GuestExit DecodeExit(const ProcessExit& exit, std::string_view console) const override;
  /// True: QEMU counts instructions under TCG (-icount), and with
  /// request.instruction_count_plugin also prints their number.
  bool CountsInstructions() const override { return true; }
  bool CollectsCoverage() const override { return true; }

 private:
  TargetSpec target_;
};

/// The QEMU boot of `request` with `options` (used by QemuBackend and the xen
/// backend's QEMU fallback).
Result<ProcessSpec> QemuProcessSpec(const QemuOptions& options, const std::string& arch,
                                    const BootRequest& request);

}  // namespace cirun
