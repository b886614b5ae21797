#include "harness/bisection.h"

#include <cmath>

namespace cirun {

BisectStep NextBisectStep(const std::vector<BisectSide>& sides) {
  BisectStep step;
  if (sides.size() < 2 || sides.front() != BisectSide::kBefore ||
      sides.back() != BisectSide::kAfter) {
    step.first = 0;
    step.last = sides.empty() ? 0 : sides.size() - 1;
    return step;
  }
  size_t hi = 1;
  while (sides[hi] != BisectSide::kAfter) ++hi;
  size_t lo = hi - 1;
  while (sides[lo] != BisectSide::kBefore) --lo;
  if (hi == lo + 1) {
    step.kind = BisectStep::Kind::kFound;
    step.index = hi;
    step.first = step.last = hi;
    return step;
  }
  const double middle = (static_cast<double>(lo) + static_cast<double>(hi)) / 2;
  bool any = false;
  size_t best = 0;
  for (size_t i = lo + 1; i < hi; ++i) {
    if (sides[i] != BisectSide::kUnknown) continue;
    if (!any || std::fabs(static_cast<double>(i) - middle) <
                    std::fabs(static_cast<double>(best) - middle)) {
      best = i;
      any = true;
    }
  }
  if (!any) {
    step.first = lo + 1;
    step.last = hi;
    return step;
  }
  step.kind = BisectStep::Kind::kMeasure;
  step.index = best;
  return step;
}

double PositionBetween(double before, double value, double after) {
  if (after == before) return 0.5;
  return (value - before) / (after - before);
}

BisectSide ClassifyBetween(double before, double value, double after) {
  return PositionBetween(before, value, after) < 0.5 ? BisectSide::kBefore : BisectSide::kAfter;
}

}  // namespace cirun
