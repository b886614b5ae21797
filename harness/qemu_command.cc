#include "harness/qemu_command.h"

#include <fcntl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <optional>

#include "harness/line_splitter.h"
#include "harness/solo5_exit_line.h"

namespace cirun {
namespace {

bool KvmUsable() {
  int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  close(fd);
  return true;
}

void AppendExitDevice(QemuExitConvention convention, std::vector<std::string>& argv) {
  if (convention == QemuExitConvention::kIsaDebugExit) {
    argv.insert(argv.end(), {"-device", "isa-debug-exit,iobase=0x501,iosize=2"});
  } else {
    argv.insert(argv.end(), {"-semihosting-config", "enable=on,target=native"});
  }
}

// shift=0: one instruction per virtual nanosecond; sleep=off: an idle guest's
// clock jumps ahead instead of waiting in real time. The plugin's line is
// QEMU log output of the `plugin` class, printed only with -d plugin.
void AppendInstructionCounting(const std::string& plugin, std::vector<std::string>& argv) {
  argv.insert(argv.end(), {"-icount", "shift=0,sleep=off"});
  if (!plugin.empty()) argv.insert(argv.end(), {"-plugin", plugin, "-d", "plugin"});
}

GuestExit Code(int code) {
  return GuestExit{GuestExit::Kind::kCode, code, ""};
}
GuestExit HostError(std::string note) {
  return GuestExit{GuestExit::Kind::kHostError, 0, std::move(note)};
}

// What a Solo5 guest's last words say, for a clean QEMU exit (status 83):
// solo5_exit(N) -> code N; solo5_abort() -> kCrash naming the line.
std::optional<GuestExit> FromSolo5ExitLine(std::string_view console, int status) {
  std::optional<Solo5ExitLine> line = FindSolo5ExitLine(console);
  if (!line) return std::nullopt;
  if (line->kind == Solo5ExitLine::Kind::kAbort) {
    return GuestExit{GuestExit::Kind::kCrash, 0,
                     line->line + " (QEMU status " + std::to_string(status) + ")"};
  }
  return Code(line->code);
}

GuestExit DecodeIsaDebugExit(int status, std::string_view console) {
  if (status == 83) return FromSolo5ExitLine(console, status).value_or(Code(0));
  if (status == 255) return Code(255);  // guest 255 (panic) reads back as 255: 7 bits survive
  if (status == 1) {
    std::string error = QemuErrorLine(console);
    return error.empty() ? Code(0) : HostError(error);
  }
  if (status % 2 == 1) return Code(status >> 1);
  if (status == 0) {
    return GuestExit{GuestExit::Kind::kCrash, 0,
                     "guest reset or powered off without an exit code (triple fault?)"};
  }
  return HostError("QEMU exited with status " + std::to_string(status));
}

GuestExit DecodeSemihosting(int status, std::string_view console) {
  std::string error = status == 1 ? QemuErrorLine(console) : "";
  return error.empty() ? Code(status) : HostError(error);
}

}  // namespace

std::string HostArch() {
  utsname names{};
  if (uname(&names) != 0) return "";
  return names.machine;
}

std::string ResolveQemuAccel(const std::string& accel, const std::string& arch) {
  if (accel != "auto") return accel;
  return (arch == HostArch() && KvmUsable()) ? "kvm" : "tcg";
}

std::vector<std::string> QemuArgv(const QemuOptions& options, const std::string& accel,
                                  const std::string& image, const std::string& command_line,
                                  bool count_instructions, const std::string& count_plugin,
                                  const std::string& coverage) {
  std::vector<std::string> argv = {options.binary, "-M", options.machine};
  if (!options.cpu.empty()) argv.insert(argv.end(), {"-cpu", options.cpu});
  const bool tcg = count_instructions || !coverage.empty();
  argv.insert(argv.end(),
              {"-m", options.memory, "-nodefaults", "-no-user-config", "-display", "none",
               "-serial", "stdio", "-no-reboot", "-accel", tcg ? "tcg" : accel});
  if (count_instructions) AppendInstructionCounting(count_plugin, argv);
  if (!coverage.empty()) argv.insert(argv.end(), {"-plugin", coverage});
  AppendExitDevice(options.exit_convention, argv);
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  argv.insert(argv.end(), {"-kernel", image});
  if (!command_line.empty()) argv.insert(argv.end(), {"-append", command_line});
  return argv;
}

std::string CoveragePluginArgument(const std::string& plugin, const std::string& file) {
  if (plugin.empty() || file.empty()) return "";
  return plugin + ",out=" + file;
}

GuestExit DecodeQemuExit(QemuExitConvention convention, const ProcessExit& exit,
                         std::string_view console) {
  switch (exit.kind) {
    case ProcessExit::Kind::kExited:
      return convention == QemuExitConvention::kIsaDebugExit
                 ? DecodeIsaDebugExit(exit.code, console)
                 : DecodeSemihosting(exit.code, console);
    case ProcessExit::Kind::kSignaled:
      return HostError("QEMU " + exit.Describe());
    case ProcessExit::Kind::kSpawnFailed:
      return HostError(exit.Describe());
    default:
      return GuestExit{};
  }
}

std::vector<std::string> Solo5VirtioArgv(const TargetSpec& target, bool kvm,
                                         const std::string& image, const std::string& command_line,
                                         bool count_instructions, const std::string& count_plugin,
                                         const std::string& coverage) {
  std::vector<std::string> argv = {target.qemu.binary};
  if (kvm && !count_instructions && coverage.empty()) {
    argv.insert(argv.end(), {"-cpu", "host", "-enable-kvm"});
  } else {
    argv.insert(argv.end(), {"-cpu", "Westmere"});
  }
  argv.insert(argv.end(), {"-m", target.solo5.memory_mb, "-nodefaults", "-machine", "acpi=off",
                           "-display", "none", "-serial", "stdio"});
  if (count_instructions || !coverage.empty()) argv.insert(argv.end(), {"-accel", "tcg"});
  if (count_instructions) AppendInstructionCounting(count_plugin, argv);
  if (!coverage.empty()) argv.insert(argv.end(), {"-plugin", coverage});
  int slot = 2;  // slots 0 and 1 are taken
  for (const auto& [name, path] : target.solo5.block) {
    (void)name;  // virtio devices are found by PCI order, not by name
    char addr[16];
    snprintf(addr, sizeof addr, "0x%x", slot);
    const std::string id = "drive" + std::to_string(slot++);
    argv.insert(argv.end(), {"-drive", "id=" + id + ",file=" + path + ",if=none,format=raw",
                             "-device", "virtio-blk,drive=" + id + ",addr=" + addr + ",bus=pci.0"});
  }
  for (const auto& [name, iface] : target.solo5.net) {
    (void)name;
    char addr[16];
    snprintf(addr, sizeof addr, "0x%x", slot);
    const std::string id = "n" + std::to_string(slot++);
    argv.insert(argv.end(),
                {"-device", "virtio-net,netdev=" + id + ",addr=" + addr + ",bus=pci.0", "-netdev",
                 "tap,id=" + id + ",ifname=" + iface + ",script=no,downscript=no"});
  }
  argv.insert(argv.end(), {"-device", "isa-debug-exit"});
  argv.insert(argv.end(), target.solo5.extra_args.begin(), target.solo5.extra_args.end());
  argv.insert(argv.end(), {"-kernel", image});
  if (!command_line.empty()) {
    std::string append;
    for (char c : command_line) {
      append += c;
      if (c == ',' && target.solo5.double_commas) append += ',';
    }
    argv.insert(argv.end(), {"-append", append});
  }
  return argv;
}

GuestExit DecodeSolo5VirtioExit(const ProcessExit& exit, std::string_view console) {
  if (exit.kind != ProcessExit::Kind::kExited) {
    return DecodeQemuExit(QemuExitConvention::kIsaDebugExit, exit, console);
  }
  const int s = exit.code;
  if (s == 83 || s == 0 || s == 2) {
    if (std::optional<GuestExit> said = FromSolo5ExitLine(console, s)) return *said;
    GuestExit clean{GuestExit::Kind::kCode, 0,
                    "Solo5 virtio reports no exit code (QEMU status " + std::to_string(s) +
                        " is a clean exit)"};
    clean.code_known = false;
    return clean;
  }
  if (s == 1) {
    std::string error = QemuErrorLine(console);
    if (!error.empty()) return HostError(error);
  }
  if (s % 2 == 1) return Code(s >> 1);
  return HostError("QEMU exited with status " + std::to_string(s));
}

std::string QemuErrorLine(std::string_view console) {
  for (std::string_view line : ConsoleLines(console)) {
    if (line.rfind("qemu-system-", 0) != 0) continue;
    if (line.find(": warning: ") != std::string_view::npos) continue;
    if (line.find("terminating on signal") != std::string_view::npos) continue;
    return std::string(line);
  }
  return "";
}

}  // namespace cirun
