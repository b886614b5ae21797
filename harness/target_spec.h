// TargetSpec: how this host boots the images of one target (a host setting).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "harness/xl_config.h"

namespace cirun {

enum class BackendKind {
  kProcess,      // the image is a host executable; arguments are its argv
  kQemu,         // qemu-system-*, arguments in -append
  kXen,          // xl create of a generated .xl file (QEMU PVH fallback without a dom0)
  kSolo5Hvt,     // solo5-hvt tender, arguments after --
  kSolo5Spt,     // solo5-spt tender, arguments after --
  kSolo5Virtio,  // qemu-system-x86_64 as Solo5's solo5-virtio-run starts it, arguments in -append
};

/// How a guest's exit status reaches QEMU's process exit status.
enum class QemuExitConvention {
  kIsaDebugExit,  // x86: guest writes v to port 0x501, QEMU exits (v<<1)|1; 83 means success
                  // (Solo5)
  kSemihosting,   // arm64: semihosting SYS_EXIT, QEMU exits with the guest's code
};

struct QemuOptions {
  std::string binary = "qemu-system-x86_64";  // looked up in PATH
  std::string machine = "microvm";            // -M
  std::string cpu;                            // -cpu; "" : QEMU's default
  std::string memory = "64M";                 // -m
  std::string accel = "tcg";                  // "tcg", "kvm", or "auto" (kvm when /dev/kvm works)
  QemuExitConvention exit_convention = QemuExitConvention::kIsaDebugExit;
  std::vector<std::string> extra_args;  // appended before -kernel
};

struct XenOptions {
  std::string xl = "xl";             // the xl binary, looked up in PATH
  int memory_mb = 64;                // memory = ... (MB)
  bool qemu_fallback = true;         // without a Xen dom0, boot the PVH image under QEMU
  bool force_xl = false;             // use xl even where no Xen dom0 is detected (a stand-in xl in
                                     // tests; a dom0 whose privcmd device lives elsewhere)
  std::string on_crash = "destroy";  // or "coredump-destroy" (core in Xen's dump directory)
  std::vector<XlDisk> disks;         // disk = [...], in order (vdev xvda, xvdb... by default)
  std::vector<XlVif> vifs;           // vif = [...]: one NIC per bridge
};

/// A named Solo5 device and what backs it on the host, e.g. {"storage", "disk.img"}
/// (a block device) or {"service", "tap100"} (a network device).
using Solo5Devices = std::vector<std::pair<std::string, std::string>>;

struct Solo5Options {
  std::string tender;                   // "solo5-hvt" / "solo5-spt"; "" : by backend kind
  std::string memory_mb = "64";         // --mem= (hvt, spt); -m (solo5-virtio, default 128)
  Solo5Devices block;                   // --block:NAME=PATH, or a virtio-blk drive
  Solo5Devices net;                     // --net:NAME=IFACE, or a virtio-net tap netdev
  std::vector<std::string> extra_args;  // more tender options, before --
  bool double_commas = true;            // solo5-virtio: "," -> ",," in -append, as
                                        // solo5-virtio-run does (QEMU 7.2 keeps them doubled)
};

/// How a process backend hands the runtime arguments to the executable.
enum class ProcessArgv {
  kVerbatim,  // one argv element per argument
  kMirage,    // MirageOS' unix runtime (mirage-bootvar-unix) joins argv with spaces and
              // splits the result again with its own rules (parse-argv): the whole
              // command line, joined and quoted as for QEMU's -append, is one element
};

struct TargetSpec {
  std::string name;                                   // e.g. "virtio"
  ProcessArgv process_argv = ProcessArgv::kVerbatim;  // for kProcess
  BackendKind backend = BackendKind::kProcess;
  std::string arch = "x86_64";  // "x86_64" or "aarch64"
  QemuOptions qemu;             // for kQemu, and for kXen's fallback
  XenOptions xen;               // for kXen
  Solo5Options solo5;           // for kSolo5Hvt / kSolo5Spt
  bool network = false;         // boots see the host's network in the sandbox (a tap device)
};

/// "process", "qemu", "xen", "solo5-hvt", "solo5-spt", "solo5-virtio".
const char* BackendKindName(BackendKind kind);

/// ci-run's built-in targets, aligned with the command lines verified in
/// fixtures/README.md (all TCG):
/// - unix: process;
/// - virtio: qemu-system-x86_64 -M microvm -cpu qemu64 -m 64M, isa-debug-exit;
/// - virtio-arm64: qemu-system-aarch64 -M virt -cpu cortex-a57 -m 128M, semihosting;
/// - xen: `xl create` of a generated .xl file on a Xen dom0, else the PVH
///   image under QEMU with the virtio options;
/// - hvt, spt: the solo5-hvt / solo5-spt tenders, --mem=64;
/// - virtio-solo5: QEMU as Solo5's solo5-virtio-run starts it (-m 128, TCG:
///   -cpu Westmere; accel auto: -cpu host -enable-kvm when KVM is usable).
std::vector<TargetSpec> DefaultTargets();

}  // namespace cirun
