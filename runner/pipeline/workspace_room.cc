#include "runner/pipeline/workspace_room.h"

#include <algorithm>

namespace cirun {
namespace {

std::string Size(uint64_t bytes) {
  if (bytes >= (uint64_t{1} << 30)) return std::to_string(bytes >> 30) + " GiB";
  if (bytes >= (uint64_t{1} << 20)) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes >> 10) + " KiB";
}

}  // namespace

uint64_t WorkspaceRoomNeeded(uint64_t capacity) {
  return std::min<uint64_t>(capacity / 20, uint64_t{64} << 20);
}

bool KeepFailedWorkspace(uint64_t available, uint64_t capacity) {
  return available >= WorkspaceRoomNeeded(capacity);
}

std::string WorkspaceRemovedNote(uint64_t available, uint64_t capacity) {
  return "workspace removed: the disk is full (" + Size(available) + " left of " + Size(capacity) +
         ")";
}

}  // namespace cirun
