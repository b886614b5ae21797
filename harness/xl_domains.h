// Xen domains ci-run owns: their names, and destroying them.
//
// Every domain ci-run creates is named "ci-run-<pid>-<instance>", where <pid>
// is the ci-run process that created it and <instance> is the boot's
// instance_name (unique among that process's concurrent boots). The pid makes
// names unique across ci-run processes on one Xen host, and tells a leftover
// (its ci-run process is gone: it crashed or was SIGKILLed while `xl create`
// ran) from a domain a live ci-run still judges. All ci-run processes that
// share a Xen host must share a pid namespace (the dom0's).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "harness/process_runner.h"

namespace cirun {

/// "ci-run-<owner_pid>-<instance>", with <instance> stripped of a leading
/// "ci-run-", every character outside [A-Za-z0-9_.-] replaced by '-', and, when
/// the name would pass 64 characters, cut and ended with 8 hex digits of a hash
/// of the whole instance name (so distinct instances keep distinct names).
std::string XlDomainName(int owner_pid, const std::string& instance_name);

/// The owner pid of a name made by XlDomainName, or nullopt for any other name.
std::optional<int> XlDomainOwner(const std::string& name);

/// The domain names in `xl list` output (the first column; the header line and
/// Domain-0 skipped).
std::vector<std::string> ParseXlList(const std::string& output);

/// The domain names `xl list` shows (30 s deadline, never cancelled).
/// Unavailable "xl list <how it ended>: <xl's last line>" if it fails.
Result<std::vector<std::string>> ListXlDomains(const std::string& xl, ProcessRunner& runner);

/// True if a ci-run process with this pid is alive (kill(pid, 0) succeeds and
/// /proc/<pid>/comm is "ci-run"). A pid reused by another program is dead.
bool CiRunProcessAlive(int pid);

/// `xl destroy NAME` (30 s deadline, never cancelled), tried up to 3 times 1 s
/// apart. OK once xl exits 0, or says the domain does not exist ("is an
/// invalid domain identifier": it was gone already). Unavailable with xl's
/// last line otherwise.
Status DestroyXlDomain(const std::string& xl, const std::string& name, ProcessRunner& runner);

/// What a sweep did.
struct XlSweep {
  std::vector<std::string> destroyed;  // leftover domains destroyed
  std::vector<std::string> failed;     // "NAME: why" for leftovers xl could not destroy
};

/// Runs `xl list` and destroys every ci-run domain whose owner is not alive
/// (`alive`, CiRunProcessAlive by default) or is this very process (a leftover
/// of an earlier process with the same pid: call this before booting
/// anything). Domains of live ci-run processes and foreign domains are left
/// alone. Unavailable if `xl list` fails (xl's last line).
Result<XlSweep> SweepLeftoverXlDomains(const std::string& xl, ProcessRunner& runner,
                                       const std::function<bool(int pid)>& alive = nullptr);

}  // namespace cirun
