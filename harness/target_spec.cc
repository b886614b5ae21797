#include "harness/target_spec.h"

namespace cirun {
namespace {

TargetSpec Unix() {
  TargetSpec t;
  t.name = "unix";
  t.backend = BackendKind::kProcess;
  return t;
}

QemuOptions X86Qemu() {
  QemuOptions q;
  q.binary = "qemu-system-x86_64";
  q.machine = "microvm";
  q.cpu = "qemu64";  // as fixtures/README.md's verified command lines
  q.memory = "64M";
  q.accel = "tcg";
  q.exit_convention = QemuExitConvention::kIsaDebugExit;
  return q;
}

TargetSpec Virtio() {
  TargetSpec t;
  t.name = "virtio";
  t.backend = BackendKind::kQemu;
  t.qemu = X86Qemu();
  return t;
}

TargetSpec VirtioArm64() {
  TargetSpec t;
  t.name = "virtio-arm64";
  t.backend = BackendKind::kQemu;
  t.arch = "aarch64";
  t.qemu.binary = "qemu-system-aarch64";
  t.qemu.machine = "virt";
  t.qemu.cpu = "cortex-a57";  // -M virt defaults to a 32-bit CPU
  t.qemu.memory = "128M";
  t.qemu.accel = "tcg";
  t.qemu.exit_convention = QemuExitConvention::kSemihosting;
  return t;
}

TargetSpec Xen() {
  TargetSpec t;
  t.name = "xen";
  t.backend = BackendKind::kXen;
  t.qemu = X86Qemu();  // the PVH fallback
  t.xen.qemu_fallback = true;
  return t;
}

TargetSpec Solo5(const char* name, BackendKind kind, const char* tender) {
  TargetSpec t;
  t.name = name;
  t.backend = kind;
  t.solo5.tender = tender;
  return t;
}

// Solo5's solo5-virtio-run, 128 MB. TCG (-cpu Westmere, the script's "qemu"
// hypervisor) like every built-in target; `accel: auto` is the script's "best"
// (KVM when /dev/kvm is usable).
TargetSpec VirtioSolo5() {
  TargetSpec t;
  t.name = "virtio-solo5";
  t.backend = BackendKind::kSolo5Virtio;
  t.qemu = X86Qemu();
  t.qemu.accel = "tcg";
  t.solo5.memory_mb = "128";
  return t;
}

}  // namespace

const char* BackendKindName(BackendKind kind) {
  switch (kind) {
    case BackendKind::kProcess:
      return "process";
    case BackendKind::kQemu:
      return "qemu";
    case BackendKind::kXen:
      return "xen";
    case BackendKind::kSolo5Hvt:
      return "solo5-hvt";
    case BackendKind::kSolo5Spt:
      return "solo5-spt";
    case BackendKind::kSolo5Virtio:
      return "solo5-virtio";
  }
  return "unknown";
}

std::vector<TargetSpec> DefaultTargets() {
  return {Unix(),
          Virtio(),
          VirtioArm64(),
          Xen(),
          Solo5("hvt", BackendKind::kSolo5Hvt, "solo5-hvt"),
          Solo5("spt", BackendKind::kSolo5Spt, "solo5-spt"),
          VirtioSolo5()};
}

}  // namespace cirun
