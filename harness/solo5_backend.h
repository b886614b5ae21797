// The Solo5 targets: `hvt` and `spt` boot through the solo5-hvt / solo5-spt
// tenders; Solo5 `virtio` images boot under QEMU as Solo5's own
// solo5-virtio-run script starts it.
#pragma once

#include <string>
#include <string_view>

#include "harness/boot_backend.h"

namespace cirun {

class Solo5Backend : public BootBackend {
 public:
  /// `kvm_device` is what hvt needs to open (a test gives another path).
  explicit Solo5Backend(TargetSpec target, std::string kvm_device = "/dev/kvm")
      : target_(std::move(target)), kvm_device_(std::move(kvm_device)) {}

  const TargetSpec& target() const override { return target_; }
  /// Unavailable "<tender> not found in PATH" unless the tender is found;
  /// for hvt also Unavailable "solo5-hvt needs KVM, and /dev/kvm cannot be
  /// opened: <reason>" unless the KVM device opens read-write. (A KVM that
  /// opens but cannot run a guest, as under some nested hypervisors, shows
  /// at boot: the tender's "KVM: internal error" line makes the boot infra.)
  Status CheckAvailable() const override;
  /// argv = [tender, --mem=MB, --block:NAME=PATH..., --net:NAME=IFACE...,
  /// extra_args..., --, image, CMDLINE]. The tenders join everything after the
  /// image with single spaces into the guest's command line, so
  /// GuestCommandLine(request) goes as ONE element (omitted when empty) and
  /// reaches the guest byte for byte. InvalidArgument for a NUL.
  Result<ProcessSpec> Command(const BootRequest& request) const override;
  /// Solo5's exit statuses: the guest's solo5_exit() code as is; 255 is
  /// SOLO5_EXIT_ABORT -> kCrash, its cause the "Solo5: solo5_abort() called"
  /// line when printed (but 255 with "Solo5: solo5_exit(255) called" is code
  /// 255); 1 together with the tender's own error line -> kBadImage when the
  /// line refuses the image (Solo5ImageRefusal), kRefusedCommandLine when it
  /// refuses the guest's command line (Solo5CommandLineRefusal: longer than
  /// 8191 bytes), else kHostError ("solo5-hvt: Could not open: /dev/kvm:
  /// Permission denied"); 1 without one is code 1
  /// (the MirageOS runtime's "Solo5 error"). Killed by a signal: under spt the
  /// guest runs in the tender's process, so a fault signal (SEGV, BUS, ILL,
  /// FPE, SYS from seccomp, ABRT, TRAP) is the guest's crash; any other signal,
  /// and any signal under hvt, -> kHostError. Spawn failures -> kHostError.
  GuestExit DecodeExit(const ProcessExit& exit, std::string_view console) const override;

  /// The tender binary: solo5.tender, or solo5-hvt / solo5-spt by backend kind.
  std::string Tender() const;

 private:
  TargetSpec target_;
  std::string kvm_device_;
};

/// The first console line the tender printed about an error of its own
/// ("solo5-hvt: ..." from warnx/errx, with the tender's file name), or "".
std::string Solo5TenderErrorLine(std::string_view console, const std::string& tender);

/// True if `tender_line` (from Solo5TenderErrorLine) is the tender refusing
/// the image itself rather than the host failing: what solo5-spt/solo5-hvt
/// 0.8 print for a file that is no Solo5 executable ("<image>: Invalid or
/// unsupported executable"), one built for another target ("Executable is not
/// for the solo5-spt target"), another ABI version, a missing or invalid
/// manifest, or a segment both writable and executable.
bool Solo5ImageRefusal(std::string_view tender_line);

/// True if `tender_line` (from Solo5TenderErrorLine) is the tender refusing
/// the guest's command line: solo5-spt and solo5-hvt 0.8 take at most 8191
/// bytes ("Guest command line too long (max=8191 characters)", exit 1). The
/// guest never ran; the platform refused its input cleanly (rejected, not infra).
bool Solo5CommandLineRefusal(std::string_view tender_line);

class Solo5VirtioBackend : public BootBackend {
 public:
  explicit Solo5VirtioBackend(TargetSpec target) : target_(std::move(target)) {}

  const TargetSpec& target() const override { return target_; }
  /// Unavailable unless the QEMU binary is found.
  Status CheckAvailable() const override;
  /// Solo5VirtioArgv (qemu_command.h) with -cpu host -enable-kvm when the
  /// target's accel resolves to kvm ("auto": /dev/kvm usable), else -cpu
  /// Westmere; the command line as one -append element, commas doubled.
  /// request.count_instructions: TCG with -icount (and the plugin), never KVM.
  Result<ProcessSpec> Command(const BootRequest& request) const override;
  /// DecodeSolo5VirtioExit: 0, 2 and 83 are a clean exit whose code is the
  /// console's "Solo5: solo5_exit(N) called" (unknown without that line).
  GuestExit DecodeExit(const ProcessExit& exit, std::string_view console) const override;
  /// "Solo5 virtio: the guest's exit code is read from its console, not
  /// QEMU's status".
  std::string Note() const override;
  /// True: QEMU under TCG with -icount, as QemuBackend.
  bool CountsInstructions() const override { return true; }
  bool CollectsCoverage() const override { return true; }

 private:
  TargetSpec target_;
};

}  // namespace cirun
