// DetectXenHost on scratch root directories shaped like each kind of host.
#include "harness/xen_host.h"

#include <doctest/doctest.h>

#include "harness/fake_process_runner.h"
#include "tests/scratch_dir.h"

namespace cirun {

using testing::ScratchDir;

TEST_CASE("DetectXenHost: no Xen, a domU, a dom0, a dom0 without xenfs") {
  ScratchDir none;
  CHECK(DetectXenHost(none.path()).kind == XenHost::Kind::kNone);
  CHECK(DetectXenHost(none.path()).reason ==
        "no Xen hypervisor on this host (/dev/xen/privcmd missing)");

  ScratchDir domu;
  domu.Write("dev/xen/privcmd", "");
  domu.Write("proc/xen/capabilities", "");
  CHECK(DetectXenHost(domu.path()).kind == XenHost::Kind::kGuest);
  CHECK(DetectXenHost(domu.path()).reason ==
        "this host is a Xen guest (domU), not dom0: /proc/xen/capabilities lacks control_d");

  ScratchDir dom0;
  dom0.Write("dev/xen/privcmd", "");
  dom0.Write("proc/xen/capabilities", "control_d\n");
  CHECK(DetectXenHost(dom0.path()).kind == XenHost::Kind::kDom0);
  CHECK(DetectXenHost(dom0.path()).reason == "");

  ScratchDir no_xenfs;  // privcmd, but /proc/xen not mounted: xl may still work
  no_xenfs.Write("dev/xen/privcmd", "");
  CHECK(DetectXenHost(no_xenfs.path()).kind == XenHost::Kind::kDom0);

  ScratchDir no_privcmd;
  no_privcmd.Write("proc/xen/capabilities", "control_d\n");
  CHECK(DetectXenHost(no_privcmd.path()).kind == XenHost::Kind::kGuest);
  CHECK(DetectXenHost(no_privcmd.path()).reason ==
        "Xen detected, but /dev/xen/privcmd is missing (is the xen-privcmd driver loaded?)");
}

TEST_CASE("ProbeXenHost: force-xl skips detection, then xl must be found and list") {
  XenOptions options;
  options.force_xl = true;
  options.xl = "/bin/true";
  FakeProcessRunner fake;
  fake.Push({});
  CHECK(ProbeXenHost(options, fake).ok());
  REQUIRE(fake.runs().size() == 1);
  CHECK(fake.runs()[0].argv == std::vector<std::string>{"/bin/true", "list"});

  FakeProcessRunner failing;
  FakeProcessRunner::Script s;
  s.chunks = {"cannot init xl context\n"};
  s.exit.code = 1;
  failing.Push(s);
  CHECK(ProbeXenHost(options, failing).message() ==
        "xl list exited with status 1: cannot init xl context");

  options.xl = "xl-that-does-not-exist";
  CHECK(ProbeXenHost(options, fake).message() == "xl-that-does-not-exist not found in PATH");
  if (DetectXenHost().kind != XenHost::Kind::kDom0) {
    options.force_xl = false;
    CHECK(ProbeXenHost(options, fake).code() == Status::Code::kUnavailable);
    CHECK(ProbeXenHost(options, fake).message() == DetectXenHost().reason);
  }
}

}  // namespace cirun
