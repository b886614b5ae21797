// Whether a failed job's workspace may be kept for a look at it. A kept
// workspace must not leave the disk full: after a build that filled it,
// keeping the workspace would fail every later job's checkout until someone
// cleaned up by hand. So a failed job's workspace is kept only while the
// work directory's file system has room left.
#pragma once

#include <cstdint>
#include <string>

namespace cirun {

/// Room the work directory's file system must still have for a failed job's
/// workspace to be kept: 5% of its capacity, at most 64 MiB.
uint64_t WorkspaceRoomNeeded(uint64_t capacity);

/// True if a failed job's workspace may stay, with `available` bytes free of
/// `capacity` (statvfs of the work directory, as std::filesystem::space
/// gives them).
bool KeepFailedWorkspace(uint64_t available, uint64_t capacity);

/// The line a job's log gets when its workspace was removed for lack of
/// room, e.g. "workspace removed: the disk is full (12 KiB left of 8 MiB)".
std::string WorkspaceRemovedNote(uint64_t available, uint64_t capacity);

}  // namespace cirun
