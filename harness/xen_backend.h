// XenBackend: the `xen` target.
//
// On a Xen dom0 this will run `xl create -c` of a generated .xl file; that path
// is not implemented yet (CheckAvailable says so). Without a Xen hypervisor the
// PVH image is booted under QEMU with target.qemu (QEMU 7.2 loads PVH ELF
// kernels with -M microvm and -M pc alike), and every result carries the note
// "xen image booted under QEMU (PVH): no Xen hypervisor on this host".
#pragma once

#include "harness/boot_backend.h"

namespace cirun {

/// True if this host runs on Xen (/dev/xen/privcmd or /proc/xen/privcmd exists).
bool HostHasXen();

class XenBackend : public BootBackend {
 public:
  /// `host_has_xen`: HostHasXen(), or a fixed value in tests.
  XenBackend(TargetSpec target, bool host_has_xen)
      : target_(std::move(target)), host_has_xen_(host_has_xen) {}

  const TargetSpec& target() const override { return target_; }
  /// On a Xen host: Unavailable "xl backend not implemented yet". Without Xen:
  /// Unavailable "no Xen hypervisor on this host (/dev/xen/privcmd missing)" if
  /// xen.qemu_fallback is false, else the QEMU binary must be in PATH.
  Status CheckAvailable() const override;
  /// The QEMU fallback boot (as QemuBackend with target.qemu); FailedPrecondition
  /// when the fallback is not in use.
  Result<ProcessSpec> Command(const BootRequest& request) const override;
  /// DecodeQemuExit with target.qemu.exit_convention.
  GuestExit DecodeExit(const ProcessExit& exit, std::string_view console) const override;
  /// The fallback note when booting under QEMU, else "".
  std::string Note() const override;

 private:
  bool UsesQemuFallback() const { return !host_has_xen_ && target_.xen.qemu_fallback; }

  TargetSpec target_;
  bool host_has_xen_;
};

}  // namespace cirun
