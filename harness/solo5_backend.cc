#include "harness/solo5_backend.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "harness/boot_command_line.h"
#include "harness/executable_search.h"
#include "harness/line_splitter.h"
#include "harness/qemu_command.h"
#include "harness/solo5_exit_line.h"

namespace cirun {
namespace {

bool IsFaultSignal(int signal) {
  switch (signal) {
    case SIGSEGV:
    case SIGBUS:
    case SIGILL:
    case SIGFPE:
    case SIGSYS:
    case SIGABRT:
    case SIGTRAP:
      return true;
    default:
      return false;
  }
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Exit 255: an abort (SOLO5_EXIT_ABORT), unless the guest said it returned 255.
GuestExit Decode255(std::string_view console) {
  std::optional<Solo5ExitLine> line = FindSolo5ExitLine(console);
  if (line && line->kind == Solo5ExitLine::Kind::kExit && line->code == 255)
    return GuestExit{GuestExit::Kind::kCode, 255, ""};
  if (line && line->kind == Solo5ExitLine::Kind::kAbort)
    return GuestExit{GuestExit::Kind::kCrash, 255, line->line + " (exit 255)"};
  return GuestExit{GuestExit::Kind::kCrash, 255, "Solo5 abort (exit 255)"};
}

// What tenders/common/elf.c and tenders/{spt,hvt}/*_main.c print, after
// "<tender>: <image>: ", when the image is at fault.
constexpr std::string_view kImageRefusals[] = {
    "Invalid or unsupported executable",     "No Solo5 ABI information found in executable",
    "Executable is not for the solo5-",      "Executable requests unsupported ABI version",
    "No Solo5 manifest found in executable", "Solo5 manifest is invalid",
    "requests WRITE and EXEC permissions",
};

}  // namespace

bool Solo5ImageRefusal(std::string_view tender_line) {
  for (std::string_view refusal : kImageRefusals) {
    if (tender_line.find(refusal) != std::string_view::npos) return true;
  }
  return false;
}

bool Solo5CommandLineRefusal(std::string_view tender_line) {
  // tenders/{spt/spt_core.c,hvt/hvt_boot_info.c}: errx(1, "Guest command line too long (max=%d
  // characters)", SPT_CMDLINE_SIZE - 1) for a line of 8192 bytes or more.
  return tender_line.find("Guest command line too long") != std::string_view::npos;
}

std::string Solo5Backend::Tender() const {
  if (!target_.solo5.tender.empty()) return target_.solo5.tender;
  return target_.backend == BackendKind::kSolo5Spt ? "solo5-spt" : "solo5-hvt";
}

Status Solo5Backend::CheckAvailable() const {
  CIRUN_RETURN_IF_ERROR(FindExecutable(Tender()).status());
  if (target_.backend != BackendKind::kSolo5Hvt) return Status::Ok();
  // hvt runs the guest under KVM: without a usable /dev/kvm the tender cannot start.
  const int fd = open(kvm_device_.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return Status::Unavailable("solo5-hvt needs KVM, and " + kvm_device_ +
                               " cannot be opened: " + std::strerror(errno));
  }
  close(fd);
  return Status::Ok();
}

Result<ProcessSpec> Solo5Backend::Command(const BootRequest& request) const {
  Result<std::string> command_line = GuestCommandLine(request);
  if (!command_line.ok()) return command_line.status();
  ProcessSpec spec;
  spec.argv = {Tender(), "--mem=" + target_.solo5.memory_mb};
  for (const auto& [name, path] : target_.solo5.block)
    spec.argv.push_back("--block:" + name + "=" + path);
  for (const auto& [name, iface] : target_.solo5.net)
    spec.argv.push_back("--net:" + name + "=" + iface);
  spec.argv.insert(spec.argv.end(), target_.solo5.extra_args.begin(),
                   target_.solo5.extra_args.end());
  spec.argv.insert(spec.argv.end(), {"--", request.image});
  if (!command_line->empty()) spec.argv.push_back(*command_line);
  spec.cwd = request.work_dir;
  spec.timeout = request.timeout;
  return spec;
}

GuestExit Solo5Backend::DecodeExit(const ProcessExit& exit, std::string_view console) const {
  switch (exit.kind) {
    case ProcessExit::Kind::kExited:
      if (exit.code == 255) return Decode255(console);
      if (exit.code == 1) {
        std::string error = Solo5TenderErrorLine(console, Tender());
        if (Solo5ImageRefusal(error)) return GuestExit{GuestExit::Kind::kBadImage, 1, error};
        if (Solo5CommandLineRefusal(error))
          return GuestExit{GuestExit::Kind::kRefusedCommandLine, 1, error};
        if (!error.empty()) return GuestExit{GuestExit::Kind::kHostError, 0, error};
      }
      return GuestExit{GuestExit::Kind::kCode, exit.code, ""};
    case ProcessExit::Kind::kSignaled:
      if (target_.backend == BackendKind::kSolo5Spt && IsFaultSignal(exit.signal)) {
        return GuestExit{GuestExit::Kind::kCrash, 0, "guest fault under spt: " + exit.Describe()};
      }
      return GuestExit{GuestExit::Kind::kHostError, 0, Tender() + " " + exit.Describe()};
    case ProcessExit::Kind::kSpawnFailed:
      return GuestExit{GuestExit::Kind::kHostError, 0, exit.Describe()};
    default:
      return GuestExit{};
  }
}

std::string Solo5TenderErrorLine(std::string_view console, const std::string& tender) {
  const std::string prefix = BaseName(tender) + ": ";
  for (std::string_view line : ConsoleLines(console)) {
    if (line.rfind(prefix, 0) == 0 && line.find("WARNING") == std::string_view::npos)
      return std::string(line);
  }
  return "";
}

Status Solo5VirtioBackend::CheckAvailable() const {
  return FindExecutable(target_.qemu.binary).status();
}

Result<ProcessSpec> Solo5VirtioBackend::Command(const BootRequest& request) const {
  Result<std::string> command_line = GuestCommandLine(request);
  if (!command_line.ok()) return command_line.status();
  ProcessSpec spec;
  const bool kvm = ResolveQemuAccel(target_.qemu.accel, target_.arch) == "kvm";
  spec.argv =
      Solo5VirtioArgv(target_, kvm, request.image, *command_line, request.count_instructions,
                      request.instruction_count_plugin,
                      CoveragePluginArgument(request.coverage_plugin, request.coverage_file));
  spec.cwd = request.work_dir;
  spec.high_exit_codes = true;  // QEMU's isa-debug-exit: (code << 1) | 1
  spec.timeout = request.timeout;
  return spec;
}

GuestExit Solo5VirtioBackend::DecodeExit(const ProcessExit& exit, std::string_view console) const {
  return DecodeSolo5VirtioExit(exit, console);
}

std::string Solo5VirtioBackend::Note() const {
  return "Solo5 virtio: the guest's exit code is read from its console, not QEMU's status";
}

}  // namespace cirun
