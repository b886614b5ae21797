#include "runner/service/plan_retry.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

using std::chrono::milliseconds;

TEST_CASE("PlanRetryDelay: 5 s, doubling, at most 30 s") {
  CHECK(PlanRetryDelay(1) == milliseconds(5'000));
  CHECK(PlanRetryDelay(2) == milliseconds(10'000));
  CHECK(PlanRetryDelay(3) == milliseconds(20'000));
  CHECK(PlanRetryDelay(4) == milliseconds(30'000));
  CHECK(PlanRetryDelay(1000) == milliseconds(30'000));
  CHECK(PlanRetryDelay(0) == milliseconds(5'000));
}

}  // namespace
}  // namespace cirun
