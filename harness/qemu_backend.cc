#include "harness/qemu_backend.h"

#include "harness/boot_command_line.h"
#include "harness/executable_search.h"
#include "harness/qemu_command.h"

namespace cirun {

Result<ProcessSpec> QemuProcessSpec(const QemuOptions& options, const std::string& arch,
                                    const BootRequest& request) {
  Result<std::string> command_line = GuestCommandLine(request);
  if (!command_line.ok()) return command_line.status();
  ProcessSpec spec;
  spec.argv = QemuArgv(options, ResolveQemuAccel(options.accel, arch), request.image, *command_line,
                       request.count_instructions, request.instruction_count_plugin,
                       CoveragePluginArgument(request.coverage_plugin, request.coverage_file));
  spec.cwd = request.work_dir;
  spec.timeout = request.timeout;
  spec.high_exit_codes = true;  // isa-debug-exit: (code << 1) | 1
  return spec;
}

Status QemuBackend::CheckAvailable() const {
  return FindExecutable(target_.qemu.binary).status();
}

Result<ProcessSpec> QemuBackend::Command(const BootRequest& request) const {
  return QemuProcessSpec(target_.qemu, target_.arch, request);
}

GuestExit QemuBackend::DecodeExit(const ProcessExit& exit, std::string_view console) const {
  return DecodeQemuExit(target_.qemu.exit_convention, exit, console);
}

}  // namespace cirun
