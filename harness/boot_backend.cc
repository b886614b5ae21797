#include "harness/boot_backend.h"

#include "harness/process_backend.h"
#include "harness/qemu_backend.h"
#include "harness/solo5_backend.h"
#include "harness/xen_backend.h"
#include "harness/xen_host.h"

namespace cirun {

std::unique_ptr<BootBackend> MakeBootBackend(const TargetSpec& target, ProcessRunner& runner) {
  switch (target.backend) {
    case BackendKind::kProcess:
      return std::make_unique<ProcessBackend>(target);
    case BackendKind::kQemu:
      return std::make_unique<QemuBackend>(target);
    case BackendKind::kXen:
      return std::make_unique<XenBackend>(target, DetectXenHost(), runner);
    case BackendKind::kSolo5Hvt:
    case BackendKind::kSolo5Spt:
      return std::make_unique<Solo5Backend>(target);
    case BackendKind::kSolo5Virtio:
      return std::make_unique<Solo5VirtioBackend>(target);
  }
  return std::make_unique<ProcessBackend>(target);
}

}  // namespace cirun
