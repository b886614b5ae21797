// The runner's Xen wiring: the start-up sweep and the xen-host worker label.
#include "runner/pipeline/xen_sweep.h"

#include <doctest/doctest.h>

#include "harness/fake_process_runner.h"
#include "harness/xen_host.h"
#include "runner/host/host_config.h"
#include "runner/pipeline/job_placement.h"

namespace cirun {
namespace {

using Lines = std::vector<std::string>;

TargetSpec ForcedXen(const std::string& xl) {
  TargetSpec t = *DefaultHostConfig().FindTarget("xen");
  t.xen.force_xl = true;
  t.xen.xl = xl;
  return t;
}

FakeProcessRunner::Script Output(const std::string& text, int code = 0) {
  FakeProcessRunner::Script s;
  s.chunks = {text};
  s.exit.code = code;
  return s;
}

}  // namespace

TEST_CASE("SweepXenLeftovers: one xl list per xl binary, leftovers destroyed and reported") {
  FakeProcessRunner fake;
  fake.Push(
      Output("Name ID Mem VCPUs State Time(s)\nDomain-0 0 1 1 r 1\n"
             "ci-run-999999999-3-1-0 4 64 1 -b---- 0.1\nother 5 64 1 -b---- 0.1\n"));
  fake.Push(Output(""));                             // the destroy
  fake.Push(Output("cannot init xl context\n", 1));  // the second xl binary
  const TargetSpec a = ForcedXen("xl"), b = ForcedXen("/opt/xen/sbin/xl");
  const TargetSpec virtio = *DefaultHostConfig().FindTarget("virtio");
  Lines lines = SweepXenLeftovers({virtio, a, a, b}, fake);
  CHECK(lines == Lines{"destroyed leftover Xen domain ci-run-999999999-3-1-0 (its ci-run "
                       "process 999999999 is gone)",
                       "warning: cannot look for leftover Xen domains: xl list exited with "
                       "status 1: cannot init xl context"});
  std::vector<ProcessSpec> runs = fake.runs();
  REQUIRE(runs.size() == 3);
  CHECK(runs[0].argv == Lines{"xl", "list"});
  CHECK(runs[1].argv == Lines{"xl", "destroy", "ci-run-999999999-3-1-0"});
  CHECK(runs[2].argv == Lines{"/opt/xen/sbin/xl", "list"});
}

TEST_CASE("SweepXenLeftovers: targets booted under the QEMU fallback run nothing") {
  if (DetectXenHost().kind == XenHost::Kind::kDom0) return;  // a real dom0 would be swept
  FakeProcessRunner fake;
  HostConfig host = DefaultHostConfig();
  CHECK(SweepXenLeftovers(host.targets, fake).empty());
  CHECK(fake.runs().empty());
}

TEST_CASE("HostLabels: xen-host only where xl really lists domains") {
  HostConfig host;
  host.targets = {ForcedXen("/bin/true")};
  FakeProcessRunner fake;
  ToolchainProbe probe(fake);
  fake.Push(Output("Name ID Mem VCPUs State Time(s)\n"));
  CHECK(HostLabels(host, probe, fake) == Lines{"target:xen", "xen-host"});
  fake.Push(Output("cannot init xl context\n", 1));
  CHECK(HostLabels(host, probe, fake) == Lines{"target:xen"});
  if (DetectXenHost().kind != XenHost::Kind::kDom0) {
    host.targets = {*DefaultHostConfig().FindTarget("xen")};  // the QEMU fallback
    CHECK(HostLabels(host, probe, fake) == Lines{"target:xen"});
  }
}

}  // namespace cirun
