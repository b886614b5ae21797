// Who is blamed when a Solo5 tender will not start: lines captured from
// solo5-spt / solo5-hvt 0.8.1 (exit 1 each) run on images of other targets,
// on a MirageOS unix binary, on a text file, and without access to /dev/kvm.
#include <doctest/doctest.h>

#include "harness/boot_verdict.h"
#include "harness/solo5_backend.h"

namespace cirun {
namespace {

ProcessExit Exited(int code) {
  ProcessExit e;
  e.kind = ProcessExit::Kind::kExited;
  e.code = code;
  return e;
}

TargetSpec Target(const std::string& name) {
  for (const TargetSpec& t : DefaultTargets()) {
    if (t.name == name) return t;
  }
  FAIL("no default target " << name);
  return {};
}

BootVerdict Verdict(const GuestExit& guest, const std::string& last_line) {
  BootEvidence e;
  e.process = Exited(1);
  e.guest = guest;
  e.last_line = last_line;
  return DecideBootOutcome(e);
}

}  // namespace

TEST_CASE("solo5 tenders: an image they refuse is the build's fault (failed)") {
  Solo5Backend spt(Target("spt"));
  Solo5Backend hvt(Target("hvt"));
  const std::string wrong_target =
      "solo5-spt: hello.virtio: Executable is not for the solo5-spt target";
  GuestExit g = spt.DecodeExit(Exited(1), wrong_target + "\n");
  CHECK(g.kind == GuestExit::Kind::kBadImage);
  CHECK(g.note == wrong_target);
  BootVerdict v = Verdict(g, wrong_target);
  CHECK(v.outcome == BootOutcome::kFailed);
  CHECK(v.cause == wrong_target);
  for (const char* line :
       {"solo5-hvt: test_hello.spt: Executable is not for the solo5-hvt target",
        "solo5-hvt: /root/mirage-ref/hello.unix: Invalid or unsupported executable",
        "solo5-hvt: text.txt: Invalid or unsupported executable",
        "solo5-hvt: u.hvt: No Solo5 ABI information found in executable",
        "solo5-hvt: u.hvt: Executable requests unsupported ABI version 3",
        "solo5-hvt: u.hvt: No Solo5 manifest found in executable",
        "solo5-hvt: u.hvt: Solo5 manifest is invalid",
        "solo5-hvt: u.hvt: Error: phdr[1] requests WRITE and EXEC permissions"}) {
    CAPTURE(line);
    CHECK(hvt.DecodeExit(Exited(1), std::string(line) + "\n").kind == GuestExit::Kind::kBadImage);
  }
}

TEST_CASE("solo5 tenders: a host that cannot run them stays infra") {
  Solo5Backend hvt(Target("hvt"));
  const std::string kvm = "solo5-hvt: Could not open: /dev/kvm: Permission denied";
  GuestExit g = hvt.DecodeExit(Exited(1), kvm + "\n");
  CHECK(g.kind == GuestExit::Kind::kHostError);
  BootVerdict v = Verdict(g, kvm);
  CHECK(v.outcome == BootOutcome::kInfra);
  CHECK(v.cause == "backend failed: " + kvm);
  // An image the tender cannot open (gone, no permission) is the host's side too.
  CHECK(
      hvt.DecodeExit(Exited(1), "solo5-hvt: /i/u.hvt: Could not open: Permission denied\n").kind ==
      GuestExit::Kind::kHostError);
  CHECK_FALSE(Solo5ImageRefusal(""));
  CHECK_FALSE(Solo5ImageRefusal("solo5-spt: Malformed argument to --mem"));
  CHECK(Solo5ImageRefusal("solo5-spt: u.spt: Invalid or unsupported executable"));
}

TEST_CASE("solo5 tenders: a command line they refuse as too long is rejected, not infra") {
  // solo5-spt 0.8.1 run with a 8192-byte command line: exit 1, this line.
  const std::string too_long = "solo5-spt: Guest command line too long (max=8191 characters)";
  Solo5Backend spt(Target("spt"));
  GuestExit g = spt.DecodeExit(Exited(1), too_long + "\n");
  CHECK(g.kind == GuestExit::Kind::kRefusedCommandLine);
  CHECK(g.note == too_long);
  BootVerdict v = Verdict(g, too_long);
  CHECK(v.outcome == BootOutcome::kRejected);
  CHECK(v.cause == "the platform refused the command line: \"" + too_long + "\"");
  Solo5Backend hvt(Target("hvt"));
  CHECK(hvt.DecodeExit(Exited(1), "solo5-hvt: Guest command line too long (max=8191 characters)\n")
            .kind == GuestExit::Kind::kRefusedCommandLine);
  CHECK(Solo5CommandLineRefusal(too_long));
  CHECK_FALSE(Solo5CommandLineRefusal("solo5-spt: Malformed argument to --mem"));
}

TEST_CASE("solo5 hvt: unavailable, saying why, when the KVM device cannot be opened") {
  TargetSpec hvt = Target("hvt");
  hvt.solo5.tender = "/bin/true";  // a tender that exists
  Solo5Backend missing(hvt, "/nonexistent/kvm");
  Status s = missing.CheckAvailable();
  CHECK(s.code() == Status::Code::kUnavailable);
  CHECK(s.message() ==
        "solo5-hvt needs KVM, and /nonexistent/kvm cannot be opened: No such file or directory");
  CHECK(Solo5Backend(hvt, "/dev/null").CheckAvailable().ok());  // opens read-write
  // spt needs no KVM.
  TargetSpec spt = Target("spt");
  spt.solo5.tender = "/bin/true";
  CHECK(Solo5Backend(spt, "/nonexistent/kvm").CheckAvailable().ok());
}

}  // namespace cirun
