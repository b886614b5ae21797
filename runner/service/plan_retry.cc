#include "runner/service/plan_retry.h"

#include <algorithm>

namespace cirun {

std::chrono::milliseconds PlanRetryDelay(int failures) {
  const int doublings = std::clamp(failures - 1, 0, 3);
  return std::min(std::chrono::milliseconds(5'000 << doublings), std::chrono::milliseconds(30'000));
}

}  // namespace cirun
