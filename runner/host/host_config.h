// HostConfig: what this host offers to pipelines: toolchains and targets.
//
// Built-in defaults cover this project's fixtures and a stock Debian host
// (gcc, clang, Debian's OCaml; unix, virtio, virtio-arm64, xen, hvt, spt). A
// YAML file (--host-config, or the service config) adds entries or replaces
// built-in ones by name:
//
//   toolchains:
//     ocaml-5.2: {kind: opam, switch: "5.2.0", language: ocaml,
//                 version: [ocamlfind, ocamlopt, -version]}
//     gcc-13:    {kind: prefix, prefix: /opt/gcc-13, version: [gcc, --version], env: {CC: gcc}}
//   targets:
//     virtio:    {backend: qemu, binary: qemu-system-x86_64, machine: pc, memory: 128M}
//     xen:       {backend: xen, memory: 64, qemu-fallback: false, on-crash: destroy,
//                 disks: [/srv/a.img, {path: /srv/b.qcow2, format: qcow2, vdev: xvdb,
//                 access: ro}], bridges: [xenbr0], force-xl: false, xl: /usr/sbin/xl}
//     spt-net:   {backend: solo5-spt, nets: {service: tap100}, network: true}
//   sandbox:                       # every build, boot and test command (harness/sandbox.h)
//     enabled: true                # false: run them as ci-run's user, unboxed (trusted code only)
//     memory: 6GiB                 # a run's memory, its /tmp included (cgroup, else RLIMIT_AS)
//     processes: 1024              # processes and threads at once (cgroup, else RLIMIT_NPROC)
//     cpu-time: 2h                 # CPU time of each process (RLIMIT_CPU)
//     file-size: 4GiB              # the largest file a run may write (RLIMIT_FSIZE)
//     disk: 16GiB                  # what the workspace may hold (checked every second)
//     read-only: [/opt/sdk]        # extra host paths visible, read-only
//     bwrap: /usr/bin/bwrap        # the bubblewrap binary
//
// A target's `network: true` lets its boots use the host's network (a tap
// device); nothing else in a sandbox has a network.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "harness/sandbox.h"
#include "harness/target_spec.h"
#include "runner/host/toolchain.h"

namespace cirun {

struct HostConfig {
  std::vector<ToolchainSpec> toolchains;
  std::vector<TargetSpec> targets;
  SandboxPolicy sandbox;  // the `sandbox:` section (limits, extra paths, on or off)

  /// The toolchain / target with that name, or nullptr.
  const ToolchainSpec* FindToolchain(const std::string& name) const;
  const TargetSpec* FindTarget(const std::string& name) const;
  /// Adds `t`, replacing any entry of the same name.
  void Put(ToolchainSpec t);
  void Put(TargetSpec t);
};

/// The built-in toolchains (gcc, clang, ocaml-4.13 = Debian's ocamlfind
/// ocamlopt) and targets (DefaultTargets()).
HostConfig DefaultHostConfig();

/// "512MiB", "4GiB", "4G", "100M", "1024" (bytes): a size in the host config.
/// InvalidArgument for anything else, or zero.
Result<uint64_t> ParseByteSize(const std::string& text);

/// Applies the `toolchains:`, `targets:` and `sandbox:` sections of the YAML `text` (from
/// `file_name`) over `*config`. Other top-level keys are left to the caller
/// when `allow_other_keys` (the service config), else they are errors.
/// Returns InvalidArgument listing every problem as "file:line:col: message".
Status ApplyHostConfig(const std::string& text, const std::string& file_name, bool allow_other_keys,
                       HostConfig* config);

/// DefaultHostConfig(), plus the toolchains registered in `cache_dir`
/// (`ci-run toolchain add`), plus the file at `path` if not empty.
Result<HostConfig> LoadHostConfig(const std::string& path, const std::string& cache_dir);

}  // namespace cirun
