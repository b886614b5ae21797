// BootSlots: a limit on how many boots run at once, shared by fuzz campaigns
// that run side by side (the jobs of one pipeline).
#pragma once

#include <condition_variable>
#include <mutex>

#include "harness/process_runner.h"

namespace cirun {

class BootSlots {
 public:
  /// At most `slots` (at least 1) holders at once.
  explicit BootSlots(int slots) : free_(slots < 1 ? 1 : slots) {}

  /// Waits for a free slot and takes it; returns false (holding nothing) if
  /// `cancel` fires first. `cancel` may be null. Thread-safe.
  bool Acquire(const CancelToken* cancel);
  /// Gives back a slot taken by Acquire. Thread-safe.
  void Release();

 private:
  std::mutex mu_;
  std::condition_variable freed_;
  int free_;  // GUARDED_BY(mu_)
};

}  // namespace cirun
