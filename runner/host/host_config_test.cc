#include "runner/host/host_config.h"

#include <doctest/doctest.h>

namespace cirun {

TEST_CASE("The default host config has the fixture toolchains and targets") {
  HostConfig host = DefaultHostConfig();
  REQUIRE(host.FindToolchain("gcc"));
  CHECK(host.FindToolchain("gcc")->env.at("CC") == "gcc");
  REQUIRE(host.FindTarget("virtio"));
  CHECK(host.FindTarget("virtio")->backend == BackendKind::kQemu);
  CHECK(host.FindTarget("unix")->backend == BackendKind::kProcess);
  CHECK(host.FindTarget("no-such") == nullptr);
}

TEST_CASE("A host config file adds toolchains and overrides targets by name") {
  HostConfig host = DefaultHostConfig();
  const char* text =
      "toolchains:\n"
      "  ocaml-5.2: {kind: opam, switch: '5.2.0', language: ocaml, version: [ocamlfind, ocamlopt, "
      "-version]}\n"
      "targets:\n"
      "  virtio: {machine: pc, memory: 128M}\n";
  REQUIRE(ApplyHostConfig(text, "host.yml", false, &host).ok());
  const ToolchainSpec* ocaml = host.FindToolchain("ocaml-5.2");
  REQUIRE(ocaml);
  CHECK(ocaml->kind == ToolchainSpec::Kind::kOpam);
  CHECK(ocaml->opam_switch == "5.2.0");
  CHECK(host.FindTarget("virtio")->qemu.machine == "pc");
  CHECK(host.FindTarget("virtio")->qemu.memory == "128M");
  CHECK(host.FindTarget("virtio")->backend == BackendKind::kQemu);
}

TEST_CASE("Host config errors carry file:line:col") {
  HostConfig host = DefaultHostConfig();
  const char* text =
      "targets:\n"
      "  virtio: {backend: vmware}\n"
      "  arm: {machin: virt}\n";
  Status s = ApplyHostConfig(text, "host.yml", false, &host);
  REQUIRE(!s.ok());
  CHECK(s.message().find("host.yml:2:21: \"backend\": expected process, qemu, xen") !=
        std::string::npos);
  CHECK(s.message().find("host.yml:3:9: unknown key \"machin\"") != std::string::npos);
  // The keys a target takes come from one table: the message lists them and
  // names the closest.
  CHECK(s.message().find("in target \"arm\" (expected backend, arch, binary, machine, cpu, "
                         "memory, accel, exit, extra-args, xl, qemu-fallback, force-xl, on-crash, "
                         "disks, bridges, tender, block, net, double-commas, argv, network) (did "
                         "you mean \"machine\"?)") != std::string::npos);
}

TEST_CASE("xen targets: force-xl, on-crash, disks and bridges") {
  HostConfig host = DefaultHostConfig();
  const char* text =
      "targets:\n"
      "  xen:\n"
      "    force-xl: true\n"
      "    on-crash: coredump-destroy\n"
      "    memory: 96\n"
      "    xl: /usr/sbin/xl\n"
      "    disks: [/srv/a.img, {path: /srv/b.qcow2, format: qcow2, vdev: xvdc, access: ro}]\n"
      "    bridges: [xenbr0, br1]\n";
  Status applied = ApplyHostConfig(text, "host.yml", false, &host);
  REQUIRE_MESSAGE(applied.ok(), applied.ToString());
  const XenOptions& xen = host.FindTarget("xen")->xen;
  CHECK(xen.force_xl);
  CHECK(xen.qemu_fallback);  // the built-in default is kept
  CHECK(xen.on_crash == "coredump-destroy");
  CHECK(xen.memory_mb == 96);
  CHECK(xen.xl == "/usr/sbin/xl");
  REQUIRE(xen.disks.size() == 2);
  CHECK(xen.disks[0].target == "/srv/a.img");
  CHECK(xen.disks[0].format == "raw");
  CHECK(!xen.disks[0].read_only);
  CHECK(xen.disks[1].target == "/srv/b.qcow2");
  CHECK(xen.disks[1].format == "qcow2");
  CHECK(xen.disks[1].vdev == "xvdc");
  CHECK(xen.disks[1].read_only);
  REQUIRE(xen.vifs.size() == 2);
  CHECK(xen.vifs[1].bridge == "br1");
}

TEST_CASE("xen target errors: each bad disk, bridge and on-crash at its position") {
  HostConfig host = DefaultHostConfig();
  const char* text =
      "targets:\n"
      "  xen:\n"
      "    on-crash: restart\n"
      "    disks: [rel.img, {path: /a.img, format: vmdk}, {path: /b.img, size: 3}]\n"
      "    bridges: [xenbr0, \"br 0\"]\n"
      "    force-xl: maybe\n";
  Status s = ApplyHostConfig(text, "host.yml", false, &host);
  REQUIRE(!s.ok());
  CHECK(s.message() ==
        "host.yml:3:15: \"on-crash\": expected destroy or coredump-destroy, got \"restart\"\n"
        "host.yml:4:13: \"disks\": disk target \"rel.img\" is not an absolute path\n"
        "host.yml:4:22: \"disks\": disk format \"vmdk\" is not raw, qcow, qcow2, vhd or qed\n"
        "host.yml:4:67: unknown key \"size\" in a disk (expected path, vdev, format, access)\n"
        "host.yml:5:23: \"bridges\": bridge name \"br 0\" is not 1-15 characters of letters, "
        "digits, _ . -\n"
        "host.yml:6:15: \"force-xl\": expected true or false, got \"maybe\"");
}

TEST_CASE("An opam toolchain wraps builds in opam exec, a prefix one sets PATH") {
  ToolchainSpec opam{
      "ocaml-5.2", ToolchainSpec::Kind::kOpam, "ocaml", {"ocamlopt", "-version"}, {}, "", "5.2.0"};
  ProcessSpec p = ToolchainProcess(opam, "dune build", "/ws");
  CHECK(p.argv ==
        std::vector<std::string>{"opam", "exec", "--switch=5.2.0", "--", "sh", "-c", "dune build"});
  CHECK(p.cwd == "/ws");
  ToolchainSpec prefix{"gcc-13",
                       ToolchainSpec::Kind::kPrefix,
                       "c",
                       {"gcc", "--version"},
                       {{"CC", "gcc"}},
                       "/opt/gcc",
                       ""};
  ProcessSpec q = ToolchainProcess(prefix, "make", "/ws");
  CHECK(q.env_set.at("PATH").starts_with("/opt/gcc/bin:"));
  CHECK(q.env_set.at("CC") == "gcc");
}

}  // namespace cirun

namespace cirun {

TEST_CASE("Solo5 targets: devices, memory in MB, the solo5-virtio backend") {
  HostConfig host = DefaultHostConfig();
  const char* text =
      "targets:\n"
      "  hvt: {memory: 256, block: {storage: /d/disk.img}, net: {service: tap100, admin: tap101}}\n"
      "  virtio: {backend: solo5-virtio, memory: \"512\", accel: tcg, double-commas: false}\n";
  Status s = ApplyHostConfig(text, "host.yml", false, &host);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  const TargetSpec* hvt = host.FindTarget("hvt");
  CHECK(hvt->solo5.memory_mb == "256");
  CHECK(hvt->solo5.block == Solo5Devices{{"storage", "/d/disk.img"}});
  CHECK(hvt->solo5.net == Solo5Devices{{"service", "tap100"}, {"admin", "tap101"}});
  const TargetSpec* virtio = host.FindTarget("virtio");
  CHECK(virtio->backend == BackendKind::kSolo5Virtio);
  CHECK(virtio->solo5.memory_mb == "512");
  CHECK(virtio->qemu.accel == "tcg");
  CHECK_FALSE(virtio->solo5.double_commas);
  CHECK(host.FindTarget("virtio-solo5")->backend == BackendKind::kSolo5Virtio);

  HostConfig bad = DefaultHostConfig();
  Status errors = ApplyHostConfig(
      "targets:\n  hvt: {memory: 64M, net: {my-net: tap0}}\n  x: {backend: solo5}\n", "h.yml",
      false, &bad);
  CHECK(errors.message() ==
        "h.yml:2:17: \"memory\": expected megabytes (a number) for a Solo5 target\n"
        "h.yml:2:28: \"net\": device name \"my-net\" must be letters and digits (a Solo5 "
        "manifest name)\n"
        "h.yml:3:16: \"backend\": expected process, qemu, xen, solo5-hvt, solo5-spt or "
        "solo5-virtio, got \"solo5\"");
}

}  // namespace cirun

namespace cirun {
namespace {

TEST_CASE("sandbox: limits, extra paths and a target's network, and errors at their positions") {
  HostConfig host = DefaultHostConfig();
  CHECK(host.sandbox.enabled);
  CHECK(host.sandbox.limits.memory_bytes == 6ull << 30);
  const char* text =
      "sandbox:\n"
      "  memory: 512MiB\n"
      "  processes: 64\n"
      "  cpu-time: 30m\n"
      "  file-size: 1G\n"
      "  disk: 2GiB\n"
      "  read-only: [/opt/sdk]\n"
      "targets:\n"
      "  spt-net: {backend: solo5-spt, network: true}\n";
  REQUIRE(ApplyHostConfig(text, "host.yml", false, &host).ok());
  CHECK(host.sandbox.limits.memory_bytes == 512ull << 20);
  CHECK(host.sandbox.limits.processes == 64);
  CHECK(host.sandbox.limits.cpu_time == std::chrono::minutes(30));
  CHECK(host.sandbox.limits.file_bytes == 1ull << 30);
  CHECK(host.sandbox.limits.disk_bytes == 2ull << 30);
  CHECK(host.sandbox.read_only == std::vector<std::string>{"/opt/sdk"});
  CHECK(host.FindTarget("spt-net")->network);
  CHECK_FALSE(host.FindTarget("virtio")->network);

  HostConfig bad = DefaultHostConfig();
  Status s =
      ApplyHostConfig("sandbox:\n  memory: lots\n  processes: 0\n  cpu-time: 10ms\n  swap: 1G\n",
                      "host.yml", false, &bad);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("host.yml:2:11: \"memory\": expected a size") != std::string::npos);
  CHECK(s.message().find("host.yml:3:14: \"processes\": expected at least 1") != std::string::npos);
  CHECK(s.message().find("host.yml:4:13: \"cpu-time\"") != std::string::npos);
  CHECK(s.message().find("host.yml:5:3: unknown sandbox key \"swap\"") != std::string::npos);
}

TEST_CASE("ParseByteSize") {
  CHECK(*ParseByteSize("1024") == 1024);
  CHECK(*ParseByteSize("4K") == 4096);
  CHECK(*ParseByteSize("3MiB") == 3ull << 20);
  CHECK(*ParseByteSize("6GiB") == 6ull << 30);
  CHECK_FALSE(ParseByteSize("").ok());
  CHECK_FALSE(ParseByteSize("0G").ok());
  CHECK_FALSE(ParseByteSize("12 GB").ok());
  CHECK_FALSE(ParseByteSize("-1G").ok());
  // Too large for 64 bits: refused, not wrapped around to a small size.
  CHECK(*ParseByteSize("999999T") == 999999ull << 40);
  CHECK_FALSE(ParseByteSize("999999999999T").ok());
  CHECK_FALSE(ParseByteSize("16777216T").ok());
}

}  // namespace
}  // namespace cirun
