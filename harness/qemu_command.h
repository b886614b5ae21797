// QEMU command lines and exit statuses, shared by the qemu backend and the
// xen backend's QEMU (PVH) fallback.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/boot_backend.h"
#include "harness/target_spec.h"

namespace cirun {

/// The host's architecture as uname(2) names it ("x86_64", "aarch64"); "" if
/// uname fails.
std::string HostArch();

/// The accelerator to pass: "auto" becomes "kvm" when /dev/kvm opens read-write
/// and `arch` is the host's architecture, else "tcg"; any other value is kept.
std::string ResolveQemuAccel(const std::string& accel, const std::string& arch);

/// The QEMU argv, in this order:
///   binary -M machine [-cpu cpu] -m memory -nodefaults -no-user-config
///   -display none -serial stdio -no-reboot -accel <accel>
///   [-icount shift=0,sleep=off [-plugin <count_plugin> -d plugin]]
///   [-plugin <coverage>]
///   [-device isa-debug-exit,iobase=0x501,iosize=2
///    | -semihosting-config enable=on,target=native]
///   extra_args... -kernel image [-append command_line]
/// `accel` is already resolved; -append only when command_line is non-empty.
/// `count_instructions` replaces the accelerator by tcg and adds -icount: the
/// guest's clocks (TSC, the arm generic timer) then advance one nanosecond
/// per executed instruction, the same on every run and under any load.
/// A non-empty `count_plugin` (with count_instructions) is loaded with
/// -plugin; `-d plugin` lets its output through, to QEMU's stderr.
/// A non-empty `coverage` (CoveragePluginArgument) is loaded with -plugin
/// and, as plugins need it, replaces the accelerator by tcg.
std::vector<std::string> QemuArgv(const QemuOptions& options, const std::string& accel,
                                  const std::string& image, const std::string& command_line,
                                  bool count_instructions = false,
                                  const std::string& count_plugin = "",
                                  const std::string& coverage = "");

/// The -plugin argument that loads the coverage plugin writing to `file`:
/// "PLUGIN,out=FILE"; "" when either is empty.
std::string CoveragePluginArgument(const std::string& plugin, const std::string& file);

/// How QEMU's exit maps to the guest's:
/// - kIsaDebugExit (only 7 bits of the guest's code survive): 83 -> what a
///   Solo5 guest's last line says (FindSolo5ExitLine: solo5_exit(N) -> code N,
///   solo5_abort() -> kCrash naming the line), else code 0 (Solo5's success); 255 -> code 255 (a
///   panic; guest 127 is indistinguishable); other odd s != 1 -> code s >> 1; 1 -> kHostError if
///   `console` has a QEMU error line ("qemu-system-...: ", not a warning), else code 0; 0 -> kCrash
///   (reset or power-off without an exit code: triple fault?); other even statuses -> kHostError.
/// - kSemihosting: the status is the guest's code, except 1 with a QEMU error line
///   -> kHostError.
/// Killed by a signal we did not send -> kHostError; spawn failure -> kHostError;
/// timed out / stopped / cancelled -> kNone.
GuestExit DecodeQemuExit(QemuExitConvention convention, const ProcessExit& exit,
                         std::string_view console);

/// The QEMU argv that Solo5's scripts/virtio-run/solo5-virtio-run.sh builds:
///   binary (-cpu host -enable-kvm | -cpu Westmere) -m MEM -nodefaults
///   -machine acpi=off -display none -serial stdio
///   [-accel tcg -icount shift=0,sleep=off [-plugin <count_plugin> -d plugin]]
///   [-accel tcg] [-plugin <coverage>]
///   [-drive id=driveN,file=PATH,if=none,format=raw
///    -device virtio-blk,drive=driveN,addr=0xN,bus=pci.0]...    (block devices)
///   [-device virtio-net,netdev=nN,addr=0xN,bus=pci.0
///    -netdev tap,id=nN,ifname=IFACE,script=no,downscript=no]... (network devices)
///   -device isa-debug-exit extra_args... -kernel image [-append command_line]
/// PCI slots count from 2, block devices first. `kvm` picks the first -cpu
/// form. In command_line every "," becomes ",," when `double_commas` (the
/// script's sed), and -append is left out when it is empty.
/// `count_instructions` and `count_plugin` as for QemuArgv: counting takes
/// the -cpu Westmere form under TCG, whatever `kvm` says; so does a
/// non-empty `coverage`, as for QemuArgv.
std::vector<std::string> Solo5VirtioArgv(const TargetSpec& target, bool kvm,
                                         const std::string& image, const std::string& command_line,
                                         bool count_instructions = false,
                                         const std::string& count_plugin = "",
                                         const std::string& coverage = "");

/// How QEMU's exit maps to the guest's for a Solo5 virtio image. Solo5
/// writes 41 to isa-debug-exit whatever the guest's status, so QEMU's 83 (and
/// 0 or 2, as Solo5's own tests accept) are a clean exit whose code is the
/// console's: "Solo5: solo5_exit(N) called" -> code N (code_known), "Solo5:
/// solo5_abort() called" -> kCrash naming the line; with neither, the code is
/// unknown (code_known = false: expect patterns decide). Other odd statuses are a guest
/// code (s >> 1) written by a guest that reports one (ci-run's fixtures); 1
/// with a QEMU error line, other even statuses, signals and spawn failures are
/// kHostError; timeouts and cancellations kNone.
GuestExit DecodeSolo5VirtioExit(const ProcessExit& exit, std::string_view console);

/// The first line of `console` that QEMU printed about an error of its own
/// ("qemu-system-x86_64: -kernel x: ..."), or "" if none. Warnings and
/// "terminating on signal" lines do not count.
std::string QemuErrorLine(std::string_view console);

}  // namespace cirun
