#include "harness/xen_backend.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "harness/boot_command_line.h"
#include "harness/executable_search.h"
#include "harness/qemu_backend.h"
#include "harness/qemu_command.h"
#include "harness/xl_domains.h"
#include "harness/xl_output.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;

constexpr char kFallbackNote[] = "xen image booted under QEMU (PVH): ";

}  // namespace

XenBackend::XenBackend(TargetSpec target, XenHost host, ProcessRunner& runner)
    : target_(std::move(target)),
      host_(std::move(host)),
      runner_(runner),
      owner_pid_(static_cast<int>(getpid())) {}

Status XenBackend::CheckAvailable() const {
  if (UsesXl()) return FindExecutable(target_.xen.xl).status();
  if (!target_.xen.qemu_fallback) return Status::Unavailable(host_.reason);
  return FindExecutable(target_.qemu.binary).status();
}

std::string XenBackend::DomainName(const BootRequest& request) const {
  return XlDomainName(owner_pid_, request.instance_name);
}

std::string XenBackend::ConfigPath(const BootRequest& request) const {
  std::error_code ec;
  fs::path dir =
      request.work_dir.empty() ? fs::temp_directory_path(ec) : fs::path(request.work_dir);
  if (dir.empty()) dir = "/tmp";
  return (dir / (DomainName(request) + ".xl")).string();
}

Result<XlConfig> XenBackend::ConfigFor(const BootRequest& request) const {
  if (request.instance_name.empty())
    return Status::InvalidArgument("xen backend: the boot request has no instance_name");
  Result<std::string> cmdline = GuestCommandLine(request);
  if (!cmdline.ok()) return cmdline.status();
  fs::path image(request.image);
  if (image.is_relative() && !request.work_dir.empty()) image = request.work_dir / image;
  std::error_code ec;
  fs::path absolute = fs::absolute(image, ec);
  XlConfig config;
  config.name = DomainName(request);
  config.kernel = (ec ? image : absolute).lexically_normal().string();
  config.memory_mb = target_.xen.memory_mb;
  config.cmdline = *cmdline;
  config.on_crash = target_.xen.on_crash;
  config.disks = target_.xen.disks;
  config.vifs = target_.xen.vifs;
  return config;
}

Result<ProcessSpec> XenBackend::Command(const BootRequest& request) const {
  if (!UsesXl()) return QemuProcessSpec(target_.qemu, target_.arch, request);
  Result<XlConfig> config = ConfigFor(request);
  if (!config.ok()) return config.status();
  Result<std::string> text = RenderXlConfig(*config);
  if (!text.ok()) return text.status().WithContext("xl config");
  ProcessSpec spec;
  spec.argv = {target_.xen.xl, "create", "-F", "-c", ConfigPath(request)};
  spec.unsandboxed = true;  // xl needs /dev/xen as root; the guest runs in the hypervisor
  spec.cwd = request.work_dir;
  spec.timeout = request.timeout;
  return spec;
}

Status XenBackend::Prepare(const BootRequest& request) const {
  if (!UsesXl()) return Status::Ok();
  Result<XlConfig> config = ConfigFor(request);
  if (!config.ok()) return config.status();
  Result<std::string> text = RenderXlConfig(*config);
  if (!text.ok()) return text.status().WithContext("xl config");
  const std::string path = ConfigPath(request);
  std::ofstream out(path, std::ios::trunc);
  out << *text;
  out.close();
  if (!out) return Status::IoError("cannot write " + path);
  return Status::Ok();
}

Status XenBackend::Cleanup(const BootRequest& request) const {
  if (!UsesXl()) return Status::Ok();
  const std::string path = ConfigPath(request);
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::Ok();  // xl create never ran
  Status destroyed = DestroyXlDomain(target_.xen.xl, DomainName(request), runner_);
  if (request.work_dir.empty()) fs::remove(path, ec);
  return destroyed;
}

bool XenBackend::IsBackendLine(std::string_view line) const {
  return UsesXl() && IsXlOwnLine(line);
}

GuestExit XenBackend::DecodeExit(const ProcessExit& exit, std::string_view console) const {
  if (UsesXl()) return DecodeXlExit(exit, console);
  return DecodeQemuExit(target_.qemu.exit_convention, exit, console);
}

std::string XenBackend::Note() const {
  if (host_.kind == XenHost::Kind::kDom0) return "";
  if (UsesXl()) return "booted with xl (force-xl) although " + host_.reason;
  if (host_.kind == XenHost::Kind::kNone)
    return std::string(kFallbackNote) + "no Xen hypervisor on this host";
  return kFallbackNote + host_.reason;
}

}  // namespace cirun
