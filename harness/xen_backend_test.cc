// The xen backend's xl path through Boot, with a FakeProcessRunner standing
// in for xl: the exact commands, the .xl file, judging, and cleanup.
#include "harness/xen_backend.h"

#include <unistd.h>

#include <doctest/doctest.h>

#include "harness/boot.h"
#include "harness/fake_process_runner.h"
#include "harness/xl_config_reader.h"
#include "harness/xl_domains.h"
#include "tests/scratch_dir.h"

namespace cirun {
namespace {

using Argv = std::vector<std::string>;
using testing::ReadAll;
using testing::ScratchDir;

const XenHost kDom0{XenHost::Kind::kDom0, ""};
const XenHost kNoXen{XenHost::Kind::kNone,
                     "no Xen hypervisor on this host (/dev/xen/privcmd missing)"};

// The fake runner starts nothing, but CheckAvailable wants xl to exist.
const std::string kXl = "/bin/true";

TargetSpec XenTarget() {
  for (TargetSpec t : DefaultTargets()) {
    if (t.name != "xen") continue;
    t.xen.xl = kXl;
    return t;
  }
  FAIL("no default xen target");
  return {};
}

BootRequest Request(const ScratchDir& dir) {
  dir.Write("hello.xen", "not really an image");
  BootRequest r;
  r.image = "hello.xen";  // relative to work_dir
  r.args = {"--greeting=hi there", "--name=\"q\""};
  r.expect = {"^Hello", "^SUCCESS$"};
  r.timeout = std::chrono::milliseconds(5'000);
  r.work_dir = dir.path();
  r.instance_name = "ci-run-7-1-0";
  return r;
}

FakeProcessRunner::Script Chunks(std::vector<std::string> chunks) {
  FakeProcessRunner::Script s;
  s.chunks = std::move(chunks);
  return s;
}

const std::string kDomain = XlDomainName(static_cast<int>(getpid()), "ci-run-7-1-0");

std::string XlStart() {
  return "Parsing config from x.xl\nWaiting for domain " + kDomain + " (domid 5) to die [pid 1]\n";
}
std::string XlEnd(int reason) {
  const std::string r = std::to_string(reason);
  return "Domain 5 has shut down, reason code " + r + " 0x" + r +
         "\nAction for shutdown reason code " + r +
         " is destroy\nDomain 5 needs to be cleaned up: destroying the domain\nDone. Exiting now\n";
}

}  // namespace

TEST_CASE("xen on a dom0: xl create -F -c of a generated file, in work_dir") {
  ScratchDir dir;
  FakeProcessRunner fake;
  XenBackend backend(XenTarget(), kDom0, fake);
  CHECK(backend.UsesXl());
  CHECK(backend.Note() == "");
  BootRequest request = Request(dir);
  Result<ProcessSpec> spec = backend.Command(request);
  REQUIRE_MESSAGE(spec.ok(), spec.status().ToString());
  const std::string file = dir.path() + "/" + kDomain + ".xl";
  CHECK(spec->argv == Argv{kXl, "create", "-F", "-c", file});
  CHECK(spec->cwd == dir.path());
  CHECK(spec->timeout == request.timeout);
  REQUIRE(backend.Prepare(request).ok());
  Result<std::vector<XlSetting>> read = ReadXlConfig(ReadAll(file));
  REQUIRE_MESSAGE(read.ok(), read.status().ToString());
  CHECK(FindXlSetting(*read, "name")->text == kDomain);
  CHECK(FindXlSetting(*read, "kernel")->text == dir.path() + "/hello.xen");
  CHECK(FindXlSetting(*read, "cmdline")->text == "\"--greeting=hi there\" \"--name=\\\"q\\\"\"");
  CHECK(FindXlSetting(*read, "memory")->text == "64");
  CHECK(FindXlSetting(*read, "on_crash")->text == "destroy");
}

TEST_CASE("xen on a dom0: a clean boot passes, xl's lines are not judged, destroy afterwards") {
  ScratchDir dir;
  FakeProcessRunner fake;
  fake.Push(Chunks({XlStart(), "Hello from xen\n", "SUCCESS\nEXIT: 0\n", XlEnd(0)}));
  XenBackend backend(XenTarget(), kDom0, fake);
  BootRequest request = Request(dir);
  request.fail = {"Exiting"};  // would match xl's "Done. Exiting now" if it were judged
  BootResult r = Boot(request, backend, fake, nullptr);
  CHECK_MESSAGE(r.outcome == BootOutcome::kPassed, r.cause);
  CHECK(r.guest_exit == 0);
  CHECK(r.note == "");
  CHECK(r.console.find("Done. Exiting now") != std::string::npos);  // kept, not judged
  std::vector<ProcessSpec> runs = fake.runs();
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].argv[1] == "create");
  CHECK(runs[1].argv == Argv{kXl, "destroy", kDomain});
  CHECK(runs[1].timeout == std::chrono::seconds(30));
}

TEST_CASE("xen on a dom0: rejected, crashed and missing-expect boots, with the guest's last line") {
  ScratchDir dir;
  FakeProcessRunner fake;
  // Each boot runs xl create, then xl destroy (which prints nothing here).
  fake.Push(Chunks({XlStart(), "Hello\nerror: --port: bad\nEXIT: 64\n", XlEnd(3)}));
  fake.Push(Chunks({}));
  fake.Push(Chunks({XlStart(), "Hello\n", XlEnd(3)}));
  fake.Push(Chunks({}));
  fake.Push(Chunks({XlStart(), "Hello\nbye\nEXIT: 0\n", XlEnd(0)}));
  XenBackend backend(XenTarget(), kDom0, fake);
  BootResult rejected = Boot(Request(dir), backend, fake, nullptr);
  CHECK(rejected.outcome == BootOutcome::kRejected);
  CHECK(rejected.cause == "exit code 64 not in [0]; last line: \"EXIT: 64\"");
  BootResult crashed = Boot(Request(dir), backend, fake, nullptr);
  CHECK(crashed.outcome == BootOutcome::kCrashed);
  CHECK(crashed.cause ==
        "the domain shut down with Xen reason crash and no exit line; last line: \"Hello\"");
  BootResult missing = Boot(Request(dir), backend, fake, nullptr);
  CHECK(missing.outcome == BootOutcome::kFailed);
  CHECK(missing.cause == "expected /^SUCCESS$/ not seen; last line: \"EXIT: 0\"");
  REQUIRE(fake.runs().size() == 6);  // each boot: create, destroy
  for (size_t i = 1; i < 6; i += 2) CHECK(fake.runs()[i].argv[1] == "destroy");
}

TEST_CASE("xen on a dom0: a hung boot is destroyed, so is a cancelled one") {
  ScratchDir dir;
  FakeProcessRunner fake;
  FakeProcessRunner::Script hung = Chunks({XlStart(), "Hello\n"});
  hung.exit.kind = ProcessExit::Kind::kTimedOut;
  hung.exit.timeout = std::chrono::milliseconds(5'000);
  fake.Push(hung);
  XenBackend backend(XenTarget(), kDom0, fake);
  BootResult r = Boot(Request(dir), backend, fake, nullptr);
  CHECK(r.outcome == BootOutcome::kHung);
  CHECK(r.cause == "timed out after 5s; last line: \"Hello\"");
  REQUIRE(fake.runs().size() == 2);
  CHECK(fake.runs()[1].argv == Argv{kXl, "destroy", kDomain});

  CancelToken cancel;
  cancel.Cancel();
  BootResult cancelled = Boot(Request(dir), backend, fake, &cancel);
  CHECK(cancelled.outcome == BootOutcome::kInfra);
  REQUIRE(fake.runs().size() == 4);
  CHECK(fake.runs()[3].argv == Argv{kXl, "destroy", kDomain});
}

TEST_CASE("xen on a dom0: a failed destroy is in the note, nothing to destroy before xl ran") {
  ScratchDir dir;
  FakeProcessRunner fake;
  fake.Push(Chunks({XlStart(), "Hello\nSUCCESS\nEXIT: 0\n", XlEnd(0)}));
  for (int i = 0; i < 3; ++i) {
    FakeProcessRunner::Script busy = Chunks({"libxl: error: busy\n"});
    busy.exit.code = 1;
    fake.Push(busy);
  }
  XenBackend backend(XenTarget(), kDom0, fake);
  BootResult r = Boot(Request(dir), backend, fake, nullptr);
  CHECK(r.outcome == BootOutcome::kPassed);
  CHECK(r.note ==
        "cleanup failed: xl destroy " + kDomain + " exited with status 1: libxl: error: busy");

  FakeProcessRunner unused;
  XenBackend fresh(XenTarget(), kDom0, unused);
  BootRequest no_args = Request(dir);
  no_args.instance_name = "ci-run-9-1-0";
  no_args.args = {"caf\xc3\xa9"};
  BootResult infra = Boot(no_args, fresh, unused, nullptr);
  CHECK(infra.outcome == BootOutcome::kInfra);
  CHECK(infra.cause ==
        "xl config: cmdline: byte 0xc3 at offset 3 is not ASCII (xl cannot carry it)");
  CHECK(unused.runs().empty());  // neither xl create nor xl destroy
}

TEST_CASE("xen: the .xl file goes to the temp directory without a work_dir, and is removed") {
  ScratchDir dir;
  FakeProcessRunner fake;
  fake.Push(Chunks({XlStart(), "Hello\nSUCCESS\nEXIT: 0\n", XlEnd(0)}));
  XenBackend backend(XenTarget(), kDom0, fake);
  BootRequest request = Request(dir);
  request.image = dir.path() + "/hello.xen";
  request.work_dir = "";
  const std::string file = backend.ConfigPath(request);
  CHECK(file == (std::filesystem::temp_directory_path() / (kDomain + ".xl")).string());
  BootResult r = Boot(request, backend, fake, nullptr);
  CHECK_MESSAGE(r.outcome == BootOutcome::kPassed, r.cause);
  CHECK(!std::filesystem::exists(file));
  CHECK(fake.runs()[0].argv.back() == file);
}

TEST_CASE("xen: target options reach the file, no instance name is an error") {
  ScratchDir dir;
  FakeProcessRunner fake;
  TargetSpec target = XenTarget();
  target.xen.memory_mb = 128;
  target.xen.on_crash = "coredump-destroy";
  target.xen.disks = {{"/srv/a.img", "", "raw", false}};
  target.xen.vifs = {{"xenbr0"}};
  target.xen.xl = "/usr/sbin/xl";
  XenBackend backend(target, kDom0, fake);
  Result<XlConfig> config = backend.ConfigFor(Request(dir));
  REQUIRE(config.ok());
  CHECK(config->memory_mb == 128);
  CHECK(config->on_crash == "coredump-destroy");
  CHECK(config->disks.size() == 1);
  CHECK(config->vifs[0].bridge == "xenbr0");
  CHECK(backend.Command(Request(dir))->argv[0] == "/usr/sbin/xl");
  BootRequest anonymous = Request(dir);
  anonymous.instance_name = "";
  CHECK(backend.Command(anonymous).status().message() ==
        "xen backend: the boot request has no instance_name");
}

TEST_CASE("xen without a dom0: force-xl uses xl and says so, otherwise QEMU or unavailable") {
  FakeProcessRunner fake;
  TargetSpec forced = XenTarget();
  forced.xen.force_xl = true;
  XenBackend with_xl(forced, kNoXen, fake);
  CHECK(with_xl.UsesXl());
  CHECK(with_xl.Note() ==
        "booted with xl (force-xl) although no Xen hypervisor on this host (/dev/xen/privcmd "
        "missing)");
  forced.xen.xl = "xl-not-installed";
  CHECK(XenBackend(forced, kNoXen, fake).CheckAvailable().message() ==
        "xl-not-installed not found in PATH");

  XenBackend fallback(XenTarget(), kNoXen, fake);
  CHECK(!fallback.UsesXl());
  CHECK(!fallback.IsBackendLine("Done. Exiting now"));
  CHECK(fallback.Note() == "xen image booted under QEMU (PVH): no Xen hypervisor on this host");
  XenBackend domu(XenTarget(), {XenHost::Kind::kGuest, "this host is a Xen guest (domU), not dom0"},
                  fake);
  CHECK(domu.Note() ==
        "xen image booted under QEMU (PVH): this host is a Xen guest (domU), not dom0");
  TargetSpec strict = XenTarget();
  strict.xen.qemu_fallback = false;
  CHECK(XenBackend(strict, kNoXen, fake).CheckAvailable().message() ==
        "no Xen hypervisor on this host (/dev/xen/privcmd missing)");
}

}  // namespace cirun
