// XenBackend: the `xen` target.
//
// On a Xen dom0 (or with xen.force_xl) every boot is one domain:
//   Command  xl create -F -c DIR/NAME.xl   (foreground, console attached; cwd = work_dir)
//   Prepare  writes DIR/NAME.xl (RenderXlConfig; DIR is work_dir, else the temp directory)
//   console  judged like every backend; xl's own lines are not judged (IsXlOwnLine)
//   exit     DecodeXlExit: the guest's "EXIT: n" line, else Xen's shutdown reason
//   Cleanup  xl destroy NAME, always (passed, failed, hung, cancelled): a domain
//            outlives a killed xl; then the .xl file is removed if it was a temp file
// NAME is XlDomainName(getpid(), request.instance_name). The .xl file asks
// on_poweroff = on_reboot = "destroy" (a reboot ends the boot: no restart loop)
// and on_crash = xen.on_crash ("destroy" by default: a crashed domain frees its
// memory at once even if ci-run dies before Cleanup; its console already told
// what happened. "coredump-destroy" keeps a core in Xen's dump directory).
//
// Without a Xen dom0 the PVH image is booted under QEMU with target.qemu (QEMU
// 7.2 loads PVH ELF kernels with -M microvm and -M pc alike) when
// xen.qemu_fallback allows it, and every result carries a note saying so.
#pragma once

#include "harness/boot_backend.h"
#include "harness/xen_host.h"
#include "harness/xl_config.h"

namespace cirun {

class XenBackend : public BootBackend {
 public:
  /// `host`: DetectXenHost(), or a fixed value in tests. `runner` runs `xl
  /// destroy` in Cleanup; it must outlive the backend.
  XenBackend(TargetSpec target, XenHost host, ProcessRunner& runner);

  const TargetSpec& target() const override { return target_; }
  /// True when boots go through xl: a dom0 was detected, or xen.force_xl.
  bool UsesXl() const { return host_.kind == XenHost::Kind::kDom0 || target_.xen.force_xl; }

  /// xl path: Unavailable "<xl> not found in PATH" unless xen.xl is found.
  /// Fallback: the QEMU binary must be found. Neither (no dom0 and
  /// qemu_fallback false): Unavailable with the host's reason, e.g. "no Xen
  /// hypervisor on this host (/dev/xen/privcmd missing)".
  Status CheckAvailable() const override;
  /// xl path: [xl, create, -F, -c, ConfigPath], cwd = work_dir, timeout =
  /// request.timeout; InvalidArgument if the request has no instance_name or
  /// the .xl file cannot be rendered (ConfigFor). Fallback: as QemuBackend.
  Result<ProcessSpec> Command(const BootRequest& request) const override;
  /// xl path: writes ConfigPath(request) (IoError if it cannot). Fallback: nothing.
  Status Prepare(const BootRequest& request) const override;
  /// xl path, once Prepare wrote the file: `xl destroy NAME` (DestroyXlDomain),
  /// then removes the file if it is in the temp directory. Fallback: nothing.
  Status Cleanup(const BootRequest& request) const override;
  /// xl path: IsXlOwnLine. Fallback: false.
  bool IsBackendLine(std::string_view line) const override;
  /// xl path: DecodeXlExit. Fallback: DecodeQemuExit with target.qemu.exit_convention.
  GuestExit DecodeExit(const ProcessExit& exit, std::string_view console) const override;
  /// Fallback: "xen image booted under QEMU (PVH): no Xen hypervisor on this
  /// host" (or the host's reason when it is a Xen guest). xl path on a dom0:
  /// "". xl path forced without a dom0: "booted with xl (force-xl) although
  /// <reason>".
  std::string Note() const override;
  /// Fallback: true (QEMU, -icount). xl path: false.
  bool CountsInstructions() const override { return !UsesXl(); }
  bool CollectsCoverage() const override { return !UsesXl(); }

  /// The domain name of `request`'s boot.
  std::string DomainName(const BootRequest& request) const;
  /// The .xl file of `request`'s boot: work_dir (or the temp directory) / NAME.xl.
  std::string ConfigPath(const BootRequest& request) const;
  /// The configuration of `request`'s boot: its domain name, the absolute
  /// image path, xen.memory_mb, the guest command line (GuestCommandLine),
  /// destroy on poweroff and reboot, xen.on_crash, xen.disks and xen.vifs.
  /// InvalidArgument (no instance_name, a NUL byte) before rendering.
  Result<XlConfig> ConfigFor(const BootRequest& request) const;

 private:
  TargetSpec target_;
  XenHost host_;
  ProcessRunner& runner_;
  int owner_pid_;
};

}  // namespace cirun
