// The exact argv of every backend, and how each decodes exits.
#include <signal.h>

#include <algorithm>

#include <doctest/doctest.h>

#include "harness/boot_backend.h"
#include "harness/process_backend.h"
#include "harness/qemu_backend.h"
#include "harness/qemu_command.h"
#include "harness/solo5_backend.h"
#include "harness/xen_backend.h"
#include "harness/xen_host.h"

namespace cirun {
namespace {

using Argv = std::vector<std::string>;

TargetSpec Target(const std::string& name) {
  for (const TargetSpec& t : DefaultTargets()) {
    if (t.name == name) return t;
  }
  FAIL("no default target " << name);
  return {};
}

BootRequest Request() {
  BootRequest request;
  request.image = "/img/hello.virtio";
  request.args = {"--greeting=hi there", "-v"};
  request.timeout = std::chrono::milliseconds(7'000);
  request.work_dir = "/work/dir";
  return request;
}

Argv ArgvOf(const BootBackend& backend, const BootRequest& request) {
  Result<ProcessSpec> spec = backend.Command(request);
  REQUIRE_MESSAGE(spec.ok(), spec.status().ToString());
  CHECK(spec->cwd == request.work_dir);
  CHECK(spec->timeout == request.timeout);
  return spec->argv;
}

ProcessExit Exited(int code) {
  ProcessExit e;
  e.kind = ProcessExit::Kind::kExited;
  e.code = code;
  return e;
}

ProcessExit Signaled(int signal) {
  ProcessExit e;
  e.kind = ProcessExit::Kind::kSignaled;
  e.signal = signal;
  return e;
}

}  // namespace

TEST_CASE("DefaultTargets: names and backends") {
  std::vector<std::string> names;
  for (const TargetSpec& t : DefaultTargets()) {
    names.push_back(t.name + "=" + BackendKindName(t.backend));
  }
  CHECK(names == std::vector<std::string>{"unix=process", "virtio=qemu", "virtio-arm64=qemu",
                                          "xen=xen", "hvt=solo5-hvt", "spt=solo5-spt",
                                          "virtio-solo5=solo5-virtio"});
}

TEST_CASE("process backend: argv is the image and one element per argument") {
  ProcessBackend backend(Target("unix"));
  CHECK(ArgvOf(backend, Request()) == Argv{"/img/hello.virtio", "--greeting=hi there", "-v"});
  BootRequest relative = Request();
  relative.image = "hello.unix";
  CHECK(ArgvOf(backend, relative) == Argv{"./hello.unix", "--greeting=hi there", "-v"});
  BootRequest raw = Request();
  raw.raw_command_line = "a \"b c\"";
  CHECK(ArgvOf(backend, raw) == Argv{"/img/hello.virtio", "a", "b c"});
}

TEST_CASE("process backend, argv: mirage: the joined command line as one element") {
  // mirage-bootvar-unix joins argv with spaces and splits it again with
  // parse-argv, so each argument must arrive quoted as in QEMU's -append.
  TargetSpec target = Target("unix");
  target.process_argv = ProcessArgv::kMirage;
  ProcessBackend backend(target);
  CHECK(ArgvOf(backend, Request()) == Argv{"/img/hello.virtio", "\"--greeting=hi there\" -v"});
  BootRequest raw = Request();
  raw.raw_command_line = "a \"b c\"";
  CHECK(ArgvOf(backend, raw) == Argv{"/img/hello.virtio", "a \"b c\""});
  BootRequest none = Request();
  none.args = {};
  CHECK(ArgvOf(backend, none) == Argv{"/img/hello.virtio"});
}

// clang-format off
TEST_CASE("virtio: qemu-system-x86_64 microvm with isa-debug-exit, pinned") {
  QemuBackend backend(Target("virtio"));
  CHECK(ArgvOf(backend, Request()) == Argv{
      "qemu-system-x86_64", "-M", "microvm", "-cpu", "qemu64", "-m", "64M",
      "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio", "-no-reboot",
      "-accel", "tcg", "-device", "isa-debug-exit,iobase=0x501,iosize=2",
      "-kernel", "/img/hello.virtio", "-append", "\"--greeting=hi there\" -v"});
}

TEST_CASE("virtio-arm64: qemu-system-aarch64 virt cortex-a57 with semihosting, pinned") {
  QemuBackend backend(Target("virtio-arm64"));
  BootRequest request = Request();
  request.args = {};
  CHECK(ArgvOf(backend, request) == Argv{
      "qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57", "-m", "128M",
      "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio", "-no-reboot",
      "-accel", "tcg", "-semihosting-config", "enable=on,target=native",
      "-kernel", "/img/hello.virtio"});
}
// clang-format on

TEST_CASE("qemu: extra args go before -kernel - the raw command line is verbatim") {
  TargetSpec target = Target("virtio");
  target.qemu.machine = "pc";
  target.qemu.extra_args = {"-smp", "2"};
  QemuBackend backend(target);
  BootRequest request = Request();
  request.raw_command_line = "x\"unterminated";
  Argv argv = ArgvOf(backend, request);
  CHECK(Argv(argv.end() - 8, argv.end()) == Argv{"-device", "isa-debug-exit,iobase=0x501,iosize=2",
                                                 "-smp", "2", "-kernel", "/img/hello.virtio",
                                                 "-append", "x\"unterminated"});
  CHECK(argv[2] == "pc");
  request.raw_command_line = std::string("a\0b", 3);
  CHECK(backend.Command(request).status().code() == Status::Code::kInvalidArgument);
}

TEST_CASE("qemu: counting instructions means TCG with -icount, other backends do not count") {
  TargetSpec target = Target("virtio");
  target.qemu.accel = "kvm";
  QemuBackend backend(target);
  CHECK(backend.CountsInstructions());
  BootRequest request = Request();
  CHECK(ArgvOf(backend, request)[15] == "kvm");
  request.count_instructions = true;
  Argv argv = ArgvOf(backend, request);
  CHECK(Argv(argv.begin() + 14, argv.begin() + 19) ==
        Argv{"-accel", "tcg", "-icount", "shift=0,sleep=off", "-device"});
  XenBackend fallback(Target("xen"), DetectXenHost("/nonexistent-root"), RealProcessRunner());
  CHECK(fallback.CountsInstructions());
  CHECK(ArgvOf(fallback, request)[16] == "-icount");
  CHECK_FALSE(ProcessBackend(Target("unix"), "/nonexistent/qemu-x86_64").CountsInstructions());
}

TEST_CASE("process backend: counting instructions runs the image under QEMU's user mode") {
  CHECK(ProcessBackend::HostUserModeEmulator().rfind("qemu-", 0) == 0);
  CHECK(ProcessBackend::HostUserModeEmulator().size() > 5);
  ProcessBackend counting(Target("unix"), "/bin/sh");  // any executable stands for it
  CHECK(counting.CountsInstructions());
  CHECK_FALSE(counting.GuestClockCountsInstructions());
  BootRequest request = Request();
  request.instruction_count_plugin = "/p/instruction_count.so";
  // not counting: the image itself, plugin or not
  CHECK(ArgvOf(counting, request) == Argv{"/img/hello.virtio", "--greeting=hi there", "-v"});
  request.count_instructions = true;
  CHECK(ArgvOf(counting, request) == Argv{"/bin/sh", "-plugin", "/p/instruction_count.so", "-d",
                                          "plugin", "/img/hello.virtio", "--greeting=hi there",
                                          "-v"});
  request.instruction_count_plugin = "";
  request.image = "hello.unix";
  CHECK(ArgvOf(counting, request) == Argv{"/bin/sh", "./hello.unix", "--greeting=hi there", "-v"});
  // QEMU's system backends count with their guest's clock
  CHECK(QemuBackend(Target("virtio")).GuestClockCountsInstructions());
}

TEST_CASE("qemu: the instruction count plugin is loaded only when counting, right after -icount") {
  QemuBackend backend(Target("virtio"));
  BootRequest request = Request();
  request.instruction_count_plugin = "/p/instruction_count.so";
  Argv plain = ArgvOf(backend, request);
  CHECK(std::find(plain.begin(), plain.end(), "-plugin") == plain.end());
  request.count_instructions = true;
  Argv argv = ArgvOf(backend, request);
  CHECK(Argv(argv.begin() + 16, argv.begin() + 22) ==
        Argv{"-icount", "shift=0,sleep=off", "-plugin", "/p/instruction_count.so", "-d", "plugin"});
  CHECK(argv[22] == "-device");
  // without a plugin: -icount alone (the guest's own clock still counts)
  request.instruction_count_plugin = "";
  argv = ArgvOf(backend, request);
  CHECK(std::find(argv.begin(), argv.end(), "-plugin") == argv.end());
  CHECK(argv[16] == "-icount");
  // the xen backend's QEMU fallback loads it too
  request.instruction_count_plugin = "/p/instruction_count.so";
  XenBackend fallback(Target("xen"), DetectXenHost("/nonexistent-root"), RealProcessRunner());
  argv = ArgvOf(fallback, request);
  CHECK(std::find(argv.begin(), argv.end(), "/p/instruction_count.so") != argv.end());
}

TEST_CASE("qemu: accel auto picks tcg for a foreign architecture") {
  CHECK(ResolveQemuAccel("auto", "no-such-arch") == "tcg");
  CHECK(ResolveQemuAccel("kvm", "no-such-arch") == "kvm");
  CHECK(ResolveQemuAccel("tcg", "x86_64") == "tcg");
}

// clang-format off
TEST_CASE("xen without Xen: the PVH image under QEMU, with a note") {
  XenBackend backend(Target("xen"), DetectXenHost("/nonexistent-root"), RealProcessRunner());
  BootRequest request = Request();
  request.image = "/img/hello.xen";
  CHECK(ArgvOf(backend, request) == Argv{
      "qemu-system-x86_64", "-M", "microvm", "-cpu", "qemu64", "-m", "64M",
      "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio", "-no-reboot",
      "-accel", "tcg", "-device", "isa-debug-exit,iobase=0x501,iosize=2",
      "-kernel", "/img/hello.xen", "-append", "\"--greeting=hi there\" -v"});
  // clang-format on
  CHECK(backend.Note() == "xen image booted under QEMU (PVH): no Xen hypervisor on this host");
  CHECK(backend.CheckAvailable().ok());
}

TEST_CASE("xen: without fallback, no dom0 means unavailable, on a dom0, xl create") {
  TargetSpec no_fallback = Target("xen");
  no_fallback.xen.qemu_fallback = false;
  XenBackend without(no_fallback, DetectXenHost("/nonexistent-root"), RealProcessRunner());
  CHECK(without.CheckAvailable().code() == Status::Code::kUnavailable);
  CHECK(without.CheckAvailable().message() ==
        "no Xen hypervisor on this host (/dev/xen/privcmd missing)");
  XenBackend on_xen(Target("xen"), XenHost{XenHost::Kind::kDom0, ""}, RealProcessRunner());
  BootRequest request = Request();
  request.instance_name = "ci-run-3-1-0";
  Result<ProcessSpec> spec = on_xen.Command(request);
  REQUIRE(spec.ok());
  CHECK(Argv(spec->argv.begin(), spec->argv.end() - 1) == Argv{"xl", "create", "-F", "-c"});
  CHECK(spec->argv.back() == "/work/dir/" + on_xen.DomainName(request) + ".xl");
}

TEST_CASE("solo5: tender, memory, extra args, --, image, then the command line as one element") {
  TargetSpec hvt = Target("hvt");
  hvt.solo5.extra_args = {"--net:service=tap0"};
  Solo5Backend backend(hvt);
  CHECK(ArgvOf(backend, Request()) == Argv{"solo5-hvt", "--mem=64", "--net:service=tap0", "--",
                                           "/img/hello.virtio", "\"--greeting=hi there\" -v"});
  BootRequest bare = Request();
  bare.args = {};
  CHECK(ArgvOf(Solo5Backend(Target("spt")), bare) ==
        Argv{"solo5-spt", "--mem=64", "--", "/img/hello.virtio"});
  TargetSpec unnamed = Target("spt");
  unnamed.solo5.tender = "";
  CHECK(Solo5Backend(unnamed).Tender() == "solo5-spt");
}

TEST_CASE("CheckAvailable names the missing binary") {
  TargetSpec target = Target("virtio");
  target.qemu.binary = "qemu-system-nonexistent";
  Status status = QemuBackend(target).CheckAvailable();
  CHECK(status.code() == Status::Code::kUnavailable);
  CHECK(status.message() == "qemu-system-nonexistent not found in PATH");
  TargetSpec hvt = Target("hvt");
  hvt.solo5.tender = "solo5-hvt-nonexistent";
  CHECK(Solo5Backend(hvt).CheckAvailable().message() == "solo5-hvt-nonexistent not found in PATH");
  CHECK(QemuBackend(Target("virtio")).CheckAvailable().ok());
}

TEST_CASE("isa-debug-exit decoding") {
  auto decode = [](int status, std::string_view console = "") {
    return DecodeQemuExit(QemuExitConvention::kIsaDebugExit, Exited(status), console);
  };
  CHECK(decode(83).kind == GuestExit::Kind::kCode);
  CHECK(decode(83).code == 0);
  CHECK(decode(129).code == 64);
  CHECK(decode(7).code == 3);
  CHECK(decode(127).code == 63);
  CHECK(decode(255).kind == GuestExit::Kind::kCode);
  CHECK(decode(255).code == 255);
  CHECK(decode(1).kind == GuestExit::Kind::kCode);
  CHECK(decode(1).code == 0);
  GuestExit qemu_error = decode(1, "qemu-system-x86_64: -kernel x: No such file\n");
  CHECK(qemu_error.kind == GuestExit::Kind::kHostError);
  CHECK(qemu_error.note == "qemu-system-x86_64: -kernel x: No such file");
  CHECK(decode(1, "qemu-system-x86_64: warning: host doesn't support x\n").kind ==
        GuestExit::Kind::kCode);
  CHECK(decode(0).kind == GuestExit::Kind::kCrash);
  CHECK(decode(0).note == "guest reset or powered off without an exit code (triple fault?)");
  CHECK(decode(2).kind == GuestExit::Kind::kHostError);
  CHECK(decode(2).note == "QEMU exited with status 2");
}

TEST_CASE("semihosting decoding, signals and non-exits") {
  auto semi = [](const ProcessExit& e, std::string_view console = "") {
    return DecodeQemuExit(QemuExitConvention::kSemihosting, e, console);
  };
  CHECK(semi(Exited(0)).code == 0);
  CHECK(semi(Exited(64)).code == 64);
  CHECK(semi(Exited(1)).kind == GuestExit::Kind::kCode);
  CHECK(semi(Exited(1), "qemu-system-aarch64: bad option\n").kind == GuestExit::Kind::kHostError);
  CHECK(semi(Signaled(SIGKILL)).kind == GuestExit::Kind::kHostError);
  CHECK(semi(Signaled(SIGKILL)).note == "QEMU killed by signal 9 (SIGKILL)");
  ProcessExit timed_out;
  timed_out.kind = ProcessExit::Kind::kTimedOut;
  CHECK(semi(timed_out).kind == GuestExit::Kind::kNone);
}

TEST_CASE("process and solo5 exit decoding") {
  ProcessBackend process(Target("unix"));
  CHECK(process.DecodeExit(Exited(3), "").code == 3);
  CHECK(process.DecodeExit(Signaled(SIGABRT), "").kind == GuestExit::Kind::kCrash);
  CHECK(process.DecodeExit(Signaled(SIGABRT), "").note == "killed by signal 6 (SIGABRT)");
  CHECK(process.DecodeExit(Signaled(SIGKILL), "").kind == GuestExit::Kind::kHostError);
  Solo5Backend solo5(Target("hvt"));
  CHECK(solo5.DecodeExit(Exited(255), "").kind == GuestExit::Kind::kCrash);
  CHECK(solo5.DecodeExit(Exited(64), "").code == 64);
  CHECK(solo5.DecodeExit(Exited(64), "").kind == GuestExit::Kind::kCode);
}

TEST_CASE("MakeBootBackend picks the backend by kind") {
  for (const TargetSpec& target : DefaultTargets()) {
    std::unique_ptr<BootBackend> backend = MakeBootBackend(target, RealProcessRunner());
    REQUIRE(backend != nullptr);
    CHECK(backend->target().name == target.name);
  }
  std::unique_ptr<BootBackend> xen = MakeBootBackend(Target("xen"), RealProcessRunner());
  CHECK(xen->Note() == (DetectXenHost().kind != XenHost::Kind::kNone
                            ? xen->Note()
                            : "xen image booted under QEMU (PVH): no Xen hypervisor on this host"));
}

// clang-format off
TEST_CASE("solo5 hvt/spt: block and net devices from the target, before --") {
  TargetSpec hvt = Target("hvt");
  hvt.solo5.memory_mb = "512";
  hvt.solo5.block = {{"storage", "/var/disk.img"}, {"data", "d.img"}};
  hvt.solo5.net = {{"service", "tap100"}};
  hvt.solo5.extra_args = {"--dumpcore"};
  CHECK(ArgvOf(Solo5Backend(hvt), Request()) == Argv{
      "solo5-hvt", "--mem=512", "--block:storage=/var/disk.img", "--block:data=d.img",
      "--net:service=tap100", "--dumpcore", "--", "/img/hello.virtio", "\"--greeting=hi there\" -v"});
}

TEST_CASE("solo5-virtio: the command line of Solo5's solo5-virtio-run, pinned") {
  TargetSpec t = Target("virtio-solo5");
  CHECK(t.qemu.accel == "tcg");
  CHECK(t.solo5.memory_mb == "128");
  BootRequest request = Request();
  request.args = {"--ipv4=10.0.0.2/24", "--names=a,b"};
  // without KVM (-cpu Westmere), as the script's "qemu" hypervisor
  CHECK(Solo5VirtioArgv(t, false, "/img/u.virtio", "--ipv4=10.0.0.2/24 --names=a,b") == Argv{
      "qemu-system-x86_64", "-cpu", "Westmere", "-m", "128", "-nodefaults", "-machine", "acpi=off",
      "-display", "none", "-serial", "stdio", "-device", "isa-debug-exit",
      "-kernel", "/img/u.virtio", "-append", "--ipv4=10.0.0.2/24 --names=a,,b"});
  // with KVM, devices in PCI slots from 2 (block first), no -append without arguments
  t.solo5.block = {{"storage", "/d/disk.img"}};
  t.solo5.net = {{"service", "tap100"}, {"admin", "tap101"}};
  CHECK(Solo5VirtioArgv(t, true, "/img/u.virtio", "") == Argv{
      "qemu-system-x86_64", "-cpu", "host", "-enable-kvm", "-m", "128", "-nodefaults",
      "-machine", "acpi=off", "-display", "none", "-serial", "stdio",
      "-drive", "id=drive2,file=/d/disk.img,if=none,format=raw",
      "-device", "virtio-blk,drive=drive2,addr=0x2,bus=pci.0",
      "-device", "virtio-net,netdev=n3,addr=0x3,bus=pci.0",
      "-netdev", "tap,id=n3,ifname=tap100,script=no,downscript=no",
      "-device", "virtio-net,netdev=n4,addr=0x4,bus=pci.0",
      "-netdev", "tap,id=n4,ifname=tap101,script=no,downscript=no",
      "-device", "isa-debug-exit", "-kernel", "/img/u.virtio"});
  // commas kept as they are on request (QEMU passes -append verbatim)
  t.solo5.double_commas = false;
  CHECK(Solo5VirtioArgv(t, false, "k", "a,b").back() == "a,b");
  // the backend: accel tcg -> Westmere, the joined command line as one element
  t = Target("virtio-solo5");
  t.qemu.accel = "tcg";
  CHECK(ArgvOf(Solo5VirtioBackend(t), request) == Argv{
      "qemu-system-x86_64", "-cpu", "Westmere", "-m", "128", "-nodefaults", "-machine", "acpi=off",
      "-display", "none", "-serial", "stdio", "-device", "isa-debug-exit",
      "-kernel", "/img/hello.virtio", "-append", "--ipv4=10.0.0.2/24 --names=a,,b"});
  t.qemu.accel = "kvm";
  CHECK(ArgvOf(Solo5VirtioBackend(t), request)[2] == "host");
  CHECK(Solo5VirtioBackend(t).Note() ==
        "Solo5 virtio: the guest's exit code is read from its console, not QEMU's status");
}

TEST_CASE("solo5-virtio: counting instructions is TCG, -icount and the plugin, never KVM") {
  TargetSpec t = Target("virtio-solo5");
  t.qemu.accel = "kvm";
  Solo5VirtioBackend backend(t);
  CHECK(backend.CountsInstructions());
  BootRequest request = Request();
  request.args = {};
  request.count_instructions = true;
  request.instruction_count_plugin = "/p/instruction_count.so";
  CHECK(ArgvOf(backend, request) == Argv{
      "qemu-system-x86_64", "-cpu", "Westmere", "-m", "128", "-nodefaults", "-machine", "acpi=off",
      "-display", "none", "-serial", "stdio",
      "-accel", "tcg", "-icount", "shift=0,sleep=off",
      "-plugin", "/p/instruction_count.so", "-d", "plugin",
      "-device", "isa-debug-exit", "-kernel", "/img/hello.virtio"});
  // no plugin: the guest's clock still counts, nothing prints the total
  CHECK(Solo5VirtioArgv(t, true, "k", "", true) == Argv{
      "qemu-system-x86_64", "-cpu", "Westmere", "-m", "128", "-nodefaults", "-machine", "acpi=off",
      "-display", "none", "-serial", "stdio",
      "-accel", "tcg", "-icount", "shift=0,sleep=off",
      "-device", "isa-debug-exit", "-kernel", "k"});
  // not counting: the plugin is not loaded even when named
  request.count_instructions = false;
  CHECK(ArgvOf(backend, request)[2] == "host");
  Argv argv = ArgvOf(backend, request);
  CHECK(std::find(argv.begin(), argv.end(), "-plugin") == argv.end());
}
// clang-format on

TEST_CASE("solo5-virtio exit decoding: 0, 2 and 83 are a clean exit of unknown code") {
  for (int status : {83, 0, 2}) {
    GuestExit g = DecodeSolo5VirtioExit(Exited(status), "");
    CHECK(g.kind == GuestExit::Kind::kCode);
    CHECK_FALSE(g.code_known);
  }
  CHECK(DecodeSolo5VirtioExit(Exited(83), "").note ==
        "Solo5 virtio reports no exit code (QEMU status 83 is a clean exit)");
  GuestExit reported = DecodeSolo5VirtioExit(Exited(129), "");  // a guest that writes 64
  CHECK(reported.code == 64);
  CHECK(reported.code_known);
  CHECK(DecodeSolo5VirtioExit(Exited(1), "qemu-system-x86_64: -cpu host: bad\n").kind ==
        GuestExit::Kind::kHostError);
  CHECK(DecodeSolo5VirtioExit(Exited(4), "").note == "QEMU exited with status 4");
  CHECK(DecodeSolo5VirtioExit(Signaled(SIGKILL), "").kind == GuestExit::Kind::kHostError);
}

TEST_CASE("solo5 hvt/spt exit decoding: abort, tender errors, spt faults") {
  Solo5Backend hvt(Target("hvt"));
  Solo5Backend spt(Target("spt"));
  CHECK(hvt.DecodeExit(Exited(255), "Solo5: ABORT: x").note == "Solo5 abort (exit 255)");
  GuestExit tender =
      hvt.DecodeExit(Exited(1),
                     "solo5-hvt: WARNING: Tender is configured with HVT_DROP_PRIVILEGES=0\n"
                     "solo5-hvt: Could not open /dev/kvm: Permission denied\n");
  CHECK(tender.kind == GuestExit::Kind::kHostError);
  CHECK(tender.note == "solo5-hvt: Could not open /dev/kvm: Permission denied");
  GuestExit guest_one = hvt.DecodeExit(Exited(1), "Solo5: solo5_exit(1) called\n");
  CHECK(guest_one.kind == GuestExit::Kind::kCode);
  CHECK(guest_one.code == 1);
  CHECK(spt.DecodeExit(Signaled(SIGSEGV), "").kind == GuestExit::Kind::kCrash);
  CHECK(spt.DecodeExit(Signaled(SIGSEGV), "").note ==
        "guest fault under spt: killed by signal 11 (SIGSEGV)");
  CHECK(spt.DecodeExit(Signaled(SIGSYS), "").kind == GuestExit::Kind::kCrash);
  CHECK(spt.DecodeExit(Signaled(SIGHUP), "").kind == GuestExit::Kind::kHostError);
  CHECK(hvt.DecodeExit(Signaled(SIGSEGV), "").kind == GuestExit::Kind::kHostError);
  CHECK(Solo5TenderErrorLine("x\n/opt/bin/solo5-spt: y\nsolo5-spt: Invalid option\n",
                             "/opt/bin/solo5-spt") == "solo5-spt: Invalid option");
}

TEST_CASE("qemu: the coverage plugin writes to the boot's file, under TCG, on every QEMU backend") {
  QemuBackend backend(Target("virtio"));
  CHECK(backend.CollectsCoverage());
  BootRequest request = Request();
  request.coverage_plugin = "/p/coverage.so";
  Argv plain = ArgvOf(backend, request);  // no file: no plugin
  CHECK(std::find(plain.begin(), plain.end(), "-plugin") == plain.end());
  request.coverage_file = "/w/vm-1.coverage";
  Argv argv = ArgvOf(backend, request);
  auto plugin = std::find(argv.begin(), argv.end(), "-plugin");
  REQUIRE(plugin != argv.end());
  CHECK(*(plugin + 1) == "/p/coverage.so,out=/w/vm-1.coverage");
  auto accel = std::find(argv.begin(), argv.end(), "-accel");
  REQUIRE(accel != argv.end());
  CHECK(*(accel + 1) == "tcg");  // plugins need TCG, whatever accel says
  XenBackend fallback(Target("xen"), DetectXenHost("/nonexistent-root"), RealProcessRunner());
  CHECK(fallback.CollectsCoverage());
  argv = ArgvOf(fallback, request);
  CHECK(std::find(argv.begin(), argv.end(), "/p/coverage.so,out=/w/vm-1.coverage") != argv.end());
  CHECK_FALSE(ProcessBackend(Target("unix")).CollectsCoverage());
  CHECK(CoveragePluginArgument("", "/f").empty());
}

// clang-format off
TEST_CASE("solo5-virtio: coverage is TCG and the plugin, never KVM") {
  TargetSpec t = Target("virtio-solo5");
  t.qemu.accel = "kvm";
  Solo5VirtioBackend backend(t);
  CHECK(backend.CollectsCoverage());
  BootRequest request = Request();
  request.args = {};
  request.coverage_plugin = "/p/coverage.so";
  request.coverage_file = "/w/c";
  CHECK(ArgvOf(backend, request) == Argv{
      "qemu-system-x86_64", "-cpu", "Westmere", "-m", "128", "-nodefaults", "-machine", "acpi=off",
      "-display", "none", "-serial", "stdio",
      "-accel", "tcg", "-plugin", "/p/coverage.so,out=/w/c",
      "-device", "isa-debug-exit", "-kernel", "/img/hello.virtio"});
}
// clang-format on

}  // namespace cirun
