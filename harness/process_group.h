// Process groups: signalling a whole group and waiting until it is gone.
#pragma once

#include <sys/types.h>

#include <chrono>

namespace cirun {

/// Sends `signal` to every process in group `pgid` (kill(-pgid)). Returns false
/// if the group no longer exists (ESRCH) or on any other error.
bool SignalGroup(pid_t pgid, int signal);

/// True if a process of group `pgid` is still alive (a zombie does not count:
/// it has no memory, no descriptors and runs no code).
bool GroupHasLiveMembers(pid_t pgid);

/// Polls until GroupHasLiveMembers(pgid) is false or `limit` passes. Returns
/// true if the group is gone.
bool WaitUntilGroupGone(pid_t pgid, std::chrono::milliseconds limit);

}  // namespace cirun
