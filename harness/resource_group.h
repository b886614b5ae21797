// ResourceGroup: a cgroup holding one sandboxed run, so that its memory and
// its number of processes are limited as a whole, what hit a limit can be
// told afterwards, and everything in it can be killed.
//
// Created under ci-run's own cgroup in each hierarchy that has the controller
// and lets ci-run write: cgroup v1's `memory` and `pids` (each its own
// hierarchy), or the v2 unified tree where `memory` and `pids` are enabled for
// ci-run's cgroup's children. Root in a container usually may; an ordinary
// user on a systemd host usually may not (then the sandbox falls back to
// per-process rlimits: RLIMIT_AS and RLIMIT_NPROC, see sandbox.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace cirun {

struct ResourceGroupLimits {
  uint64_t memory_bytes = 0;  // 0: no memory limit
  int processes = 0;          // 0: no process limit
};

class ResourceGroup {
 public:
  /// Creates the group `name` (unique per live run, e.g. "ci-run-123-7") with
  /// `limits`. Returns Unavailable saying why when no hierarchy can take a
  /// group with the wanted controllers (the message is shown once per process
  /// by the sandbox).
  static Result<std::unique_ptr<ResourceGroup>> Create(const std::string& name,
                                                       const ResourceGroupLimits& limits);
  /// Kills whatever is left in the group and removes it.
  ~ResourceGroup();
  ResourceGroup(const ResourceGroup&) = delete;
  ResourceGroup& operator=(const ResourceGroup&) = delete;

  /// The cgroup.procs files a child writes "0" to, to join the group
  /// (ProcessSpec::join_cgroups).
  std::vector<std::string> ProcsFiles() const;
  bool limits_memory() const { return !memory_dir_.empty(); }
  bool limits_processes() const { return !pids_dir_.empty(); }

  /// The limit the group has hit so far, as a phrase ("used more than 4 GiB
  /// of memory", "tried to run more than 512 processes at once"), or "".
  /// Reads the kernel's counters: the OOM kills and the refused forks.
  std::string LimitHit() const;

  /// The CPU time (user + system) every process of the group used so far, or
  /// nullopt where it is not accounted (no v1 `cpuacct` group could be made
  /// and the group is not a v2 one). A sandboxed run's own wait4() sees only
  /// bubblewrap; this sees the command and all it started.
  std::optional<std::chrono::microseconds> CpuTime() const;

  /// SIGKILLs every process in the group until it is empty (at most ~2 s).
  void KillAll();

 private:
  ResourceGroup() = default;
  std::string memory_dir_;   // "" if memory is not limited here
  std::string pids_dir_;     // "" if processes are not limited here
  std::string cpuacct_dir_;  // v1 only, best effort: "" if not accounted
  bool v2_ = false;          // both dirs are one v2 cgroup
  ResourceGroupLimits limits_;
};

/// "4 GiB", "512 MiB", "1.5 GiB", "800 bytes": sizes in limit messages.
std::string ByteSizeText(uint64_t bytes);

}  // namespace cirun
