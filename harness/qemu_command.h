// QEMU command lines and exit statuses, shared by the qemu backend and the
// xen backend's QEMU (PVH) fallback.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/boot_backend.h"
#include "harness/target_spec.h"

namespace cirun {

/// The accelerator to pass: "auto" becomes "kvm" when /dev/kvm opens read-write
/// and `arch` is the host's architecture, else "tcg"; any other value is kept.
std::string ResolveQemuAccel(const std::string& accel, const std::string& arch);

/// The QEMU argv, in this order:
///   binary -M machine [-cpu cpu] -m memory -nodefaults -no-user-config
///   -display none -serial stdio -no-reboot -accel <accel>
///   [-device isa-debug-exit,iobase=0x501,iosize=2
///    | -semihosting-config enable=on,target=native]
///   extra_args... -kernel image [-append command_line]
/// `accel` is already resolved; -append only when command_line is non-empty.
std::vector<std::string> QemuArgv(const QemuOptions& options, const std::string& accel,
                                  const std::string& image, const std::string& command_line);

/// How QEMU's exit maps to the guest's:
/// - kIsaDebugExit (only 7 bits of the guest's code survive): 83 -> code 0
///   (Solo5's success); 255 -> code 255 (a panic; guest 127 is indistinguishable);
///   other odd s != 1 -> code s >> 1;
///   1 -> kHostError if `console` has a QEMU error line ("qemu-system-...: ",
///   not a warning), else code 0; 0 -> kCrash (reset or power-off without an
///   exit code: triple fault?); other even statuses -> kHostError.
/// - kSemihosting: the status is the guest's code, except 1 with a QEMU error line
///   -> kHostError.
/// Killed by a signal we did not send -> kHostError; spawn failure -> kHostError;
/// timed out / stopped / cancelled -> kNone.
GuestExit DecodeQemuExit(QemuExitConvention convention, const ProcessExit& exit,
                         std::string_view console);

/// The first line of `console` that QEMU printed about an error of its own
/// ("qemu-system-x86_64: -kernel x: ..."), or "" if none. Warnings and
/// "terminating on signal" lines do not count.
std::string QemuErrorLine(std::string_view console);

}  // namespace cirun
