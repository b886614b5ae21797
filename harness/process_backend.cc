#include "harness/process_backend.h"

#include <csignal>

#include "harness/boot_command_line.h"
#include "harness/qemu_command.h"

namespace cirun {
namespace {

bool IsFaultSignal(int signal) {
  switch (signal) {
    case SIGSEGV:
    case SIGABRT:
    case SIGBUS:
    case SIGILL:
    case SIGFPE:
    case SIGTRAP:
    case SIGSYS:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string ProcessBackend::HostUserModeEmulator() {
  return "qemu-" + HostArch();
}

Result<ProcessSpec> ProcessBackend::Command(const BootRequest& request) const {
  ProcessSpec spec;
  if (request.count_instructions) {
    spec.argv.push_back(user_mode_emulator_);
    if (!request.instruction_count_plugin.empty())
      spec.argv.insert(spec.argv.end(),
                       {"-plugin", request.instruction_count_plugin, "-d", "plugin"});
  }
  const bool has_slash = request.image.find('/') != std::string::npos;
  spec.argv.push_back(has_slash ? request.image : "./" + request.image);
  if (target_.process_argv == ProcessArgv::kMirage) {
    Result<std::string> line = GuestCommandLine(request);
    if (!line.ok()) return line.status();
    if (!line->empty()) spec.argv.push_back(*line);
  } else {
    Result<std::vector<std::string>> args = GuestArgs(request);
    if (!args.ok()) return args.status();
    spec.argv.insert(spec.argv.end(), args->begin(), args->end());
  }
  spec.cwd = request.work_dir;
  spec.timeout = request.timeout;
  return spec;
}

GuestExit ProcessBackend::DecodeExit(const ProcessExit& exit, std::string_view) const {
  switch (exit.kind) {
    case ProcessExit::Kind::kExited:
      return GuestExit{GuestExit::Kind::kCode, exit.code, ""};
    case ProcessExit::Kind::kSignaled:
      return GuestExit{
          IsFaultSignal(exit.signal) ? GuestExit::Kind::kCrash : GuestExit::Kind::kHostError, 0,
          exit.Describe()};
    case ProcessExit::Kind::kSpawnFailed:
      return GuestExit{GuestExit::Kind::kHostError, 0, exit.Describe()};
    default:
      return GuestExit{};
  }
}

}  // namespace cirun
