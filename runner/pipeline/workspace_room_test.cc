#include "runner/pipeline/workspace_room.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;

TEST_CASE("KeepFailedWorkspace: kept while 5% of a small disk is free") {
  CHECK(KeepFailedWorkspace(1 * kMiB, 8 * kMiB));
  CHECK(KeepFailedWorkspace(8 * kMiB / 20, 8 * kMiB));
  CHECK_FALSE(KeepFailedWorkspace(8 * kMiB / 20 - 1, 8 * kMiB));
  CHECK_FALSE(KeepFailedWorkspace(0, 8 * kMiB));
}

TEST_CASE("KeepFailedWorkspace: a large disk needs 64 MiB free, not 5%") {
  const uint64_t tib = kMiB << 20;
  CHECK(WorkspaceRoomNeeded(tib) == 64 * kMiB);
  CHECK(KeepFailedWorkspace(64 * kMiB, tib));
  CHECK_FALSE(KeepFailedWorkspace(63 * kMiB, tib));
}

TEST_CASE("WorkspaceRemovedNote says how much room was left") {
  CHECK(WorkspaceRemovedNote(12 << 10, 8 * kMiB) ==
        "workspace removed: the disk is full (12 KiB left of 8 MiB)");
  CHECK(WorkspaceRemovedNote(0, 3 * (kMiB << 10)) ==
        "workspace removed: the disk is full (0 KiB left of 3 GiB)");
}

}  // namespace
}  // namespace cirun
