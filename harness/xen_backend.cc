#include "harness/xen_backend.h"

#include <unistd.h>

#include "harness/executable_search.h"
#include "harness/qemu_backend.h"
#include "harness/qemu_command.h"

namespace cirun {

bool HostHasXen() {
  return access("/dev/xen/privcmd", F_OK) == 0 || access("/proc/xen/privcmd", F_OK) == 0;
}

Status XenBackend::CheckAvailable() const {
  if (host_has_xen_) return Status::Unavailable("xl backend not implemented yet");
  if (!target_.xen.qemu_fallback) {
    return Status::Unavailable("no Xen hypervisor on this host (/dev/xen/privcmd missing)");
  }
  return FindExecutable(target_.qemu.binary).status();
}

Result<ProcessSpec> XenBackend::Command(const BootRequest& request) const {
  if (!UsesQemuFallback()) {
    return Status::FailedPrecondition("xen backend: only the QEMU (PVH) fallback is implemented");
  }
  return QemuProcessSpec(target_.qemu, target_.arch, request);
}

GuestExit XenBackend::DecodeExit(const ProcessExit& exit, std::string_view console) const {
  return DecodeQemuExit(target_.qemu.exit_convention, exit, console);
}

std::string XenBackend::Note() const {
  if (!UsesQemuFallback()) return "";
  return "xen image booted under QEMU (PVH): no Xen hypervisor on this host";
}

}  // namespace cirun
