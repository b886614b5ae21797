#include "harness/boot_slots.h"

#include <chrono>

namespace cirun {

bool BootSlots::Acquire(const CancelToken* cancel) {
  std::unique_lock lock(mu_);
  while (free_ == 0) {
    if (cancel && cancel->cancelled()) return false;
    // Cancel() is a plain atomic store (signal-safe): poll it.
    freed_.wait_for(lock, std::chrono::milliseconds(50));
  }
  if (cancel && cancel->cancelled()) return false;
  --free_;
  return true;
}

void BootSlots::Release() {
  {
    std::lock_guard lock(mu_);
    ++free_;
  }
  freed_.notify_one();
}

}  // namespace cirun
