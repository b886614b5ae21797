// Sandbox: every build, boot and test command of a repository runs boxed.
//
// The box is bubblewrap (Debian's `bwrap`, unprivileged user namespaces):
// - new user, PID, IPC, UTS, cgroup and network namespaces; the command runs
//   as uid 1000 with no capabilities, in a new session, and dies with ci-run;
//   when it ends, the PID namespace ends with it, so a daemon that `setsid`s
//   away is killed too;
// - the file system is empty but for: the system read-only (/usr and the
//   usual /bin, /lib, ... links, a short list of /etc files: the dynamic
//   loader's cache, passwd, group, certificates, alternatives, findlib), the
//   toolchain and the other paths the command names read-only
//   (ProcessSpec::read_only_paths, the policy's `read_only`), the paths it
//   writes (the job's workspace), a private /tmp (a tmpfs, counted as memory),
//   /proc, a minimal /dev and, when present, /dev/kvm. No home, no service
//   configuration, no secret files, no store, no other job's workspace;
// - the environment is scrubbed: PATH, HOME=/tmp, TMPDIR, LANG, TERM and the
//   variables the command sets itself (a toolchain's), nothing of ci-run's;
// - no network unless the command asks for it (ProcessSpec::network, from a
//   target with `network: true`), and then /dev/net/tun too;
// - limits: memory and the number of processes for the whole run through a
//   cgroup (resource_group.h) where ci-run may create one, else per process
//   with RLIMIT_AS and RLIMIT_NPROC; CPU time per process (RLIMIT_CPU); the
//   largest file (RLIMIT_FSIZE); disk written to the writable paths (checked
//   every second); console output (ProcessSpec::output_cap). A hit limit ends
//   the run with ProcessExit::limit set ("used more than 4 GiB of memory").
//
// Why bubblewrap: it is in Debian, needs no daemon and no root (setuid-free
// on kernels with user namespaces), starts in a few milliseconds, and gives
// exactly the mounts we list. Why cgroups plus rlimits: rlimits alone cannot
// count the processes of a root-run service (root is exempt from
// RLIMIT_NPROC) nor a run's total memory; cgroups are not writable everywhere.
//
// Xen's `xl` is not sandboxed: it must reach /dev/xen as root, and the guest
// it starts runs in the hypervisor, not on this host.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "harness/process_runner.h"

namespace cirun {

/// Every limit of a sandboxed run. Defaults fit a 2-core, 24 GiB worker with
/// two job slots (host config `sandbox:`).
struct SandboxLimits {
  uint64_t memory_bytes = 6ull << 30;          // the run's memory, /tmp included
  int processes = 1024;                        // processes and threads at once
  std::chrono::seconds cpu_time{2 * 60 * 60};  // per process
  uint64_t file_bytes = 4ull << 30;            // the largest file it may write
  uint64_t disk_bytes = 16ull << 30;           // written into its writable paths
};

struct SandboxPolicy {
  bool enabled = true;  // false: commands run as ci-run's own user, unboxed
  std::string disabled_by = "the host config (sandbox: {enabled: false})";  // for messages
  SandboxLimits limits;
  std::vector<std::string> read_only;  // extra host paths visible read-only (host config)
  /// Host paths never visible, even below a visible directory: the service
  /// configuration, secret files, the store.
  std::vector<std::string> hidden;
  /// XDG_CACHE_HOME inside the box (dune's shared cache), writable; "" : a
  /// directory in the private /tmp, lost when the run ends.
  std::string cache_home;
  std::string bwrap = "bwrap";  // the bubblewrap binary
};

/// Whether bubblewrap can build a box on this host: Ok, or Unavailable with
/// the reason and what to do ("bwrap: not found (apt-get install
/// bubblewrap)", "bwrap: No permissions to create new namespace ...").
/// Probed once per process and binary; thread-safe.
Status SandboxAvailable(const std::string& bwrap = "bwrap");

/// The bwrap command line that runs `spec` under `policy` (pure: no I/O
/// beyond looking at which system paths exist and are links). The command
/// itself follows "--".
std::vector<std::string> SandboxArgv(const SandboxPolicy& policy, const ProcessSpec& spec);

/// A ProcessRunner that runs every spec in the box, through `inner`. One
/// instance per policy (a job's, a command's); thread-safe.
///
/// Exits are translated back: bwrap reports a command killed by signal N as
/// status 128+N, which becomes kSignaled for N in 1..64 (a command that
/// really exits with such a status is taken as signalled too), unless the
/// spec says its high statuses are its own (QEMU: high_exit_codes); bwrap's own
/// set-up failure ("bwrap: ..." and status 1 before the command ran) becomes
/// kSpawnFailed. A limit seen by the cgroup or the disk watchdog sets
/// ProcessExit::limit.
class SandboxedProcessRunner : public ProcessRunner {
 public:
  SandboxedProcessRunner(SandboxPolicy policy, ProcessRunner& inner)
      : policy_(std::move(policy)), inner_(inner) {}
  ProcessExit Run(const ProcessSpec& spec, const OutputCallback& on_output,
                  const CancelToken* cancel) override;
  const SandboxPolicy& policy() const { return policy_; }

 private:
  SandboxPolicy policy_;
  ProcessRunner& inner_;
};

/// Bytes used by the files under `paths` (st_blocks, hard links once; does not
/// follow symbolic links). For the disk limit.
uint64_t DiskUsage(const std::vector<std::string>& paths);

}  // namespace cirun
