#include "harness/bisection.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

using S = BisectSide;
using K = BisectStep::Kind;

}  // namespace

TEST_CASE("NextBisectStep: measures the middle, then names the first changed commit") {
  std::vector<S> sides = {S::kBefore, S::kUnknown, S::kUnknown, S::kUnknown, S::kAfter};
  BisectStep step = NextBisectStep(sides);
  CHECK(step.kind == K::kMeasure);
  CHECK(step.index == 2);
  sides[2] = S::kBefore;
  step = NextBisectStep(sides);
  CHECK(step.kind == K::kMeasure);
  CHECK(step.index == 3);
  sides[3] = S::kAfter;
  step = NextBisectStep(sides);
  CHECK(step.kind == K::kFound);
  CHECK(step.index == 3);
}

TEST_CASE("NextBisectStep: adjacent ends need no measurement") {
  BisectStep step = NextBisectStep({S::kBefore, S::kAfter});
  CHECK(step.kind == K::kFound);
  CHECK(step.index == 1);
}

TEST_CASE("NextBisectStep: skips unmeasurable commits, else reports the range") {
  std::vector<S> sides = {S::kBefore, S::kUnknown, S::kUnmeasurable, S::kUnknown, S::kAfter};
  BisectStep step = NextBisectStep(sides);
  CHECK(step.kind == K::kMeasure);
  CHECK((step.index == 1 || step.index == 3));
  sides = {S::kBefore, S::kUnmeasurable, S::kUnmeasurable, S::kAfter};
  step = NextBisectStep(sides);
  CHECK(step.kind == K::kAmbiguous);
  CHECK(step.first == 1);
  CHECK(step.last == 3);
}

TEST_CASE("NextBisectStep: a range without known ends is ambiguous") {
  BisectStep step = NextBisectStep({S::kUnknown, S::kUnknown, S::kAfter});
  CHECK(step.kind == K::kAmbiguous);
  CHECK(step.first == 0);
  CHECK(step.last == 2);
}

TEST_CASE("ClassifyBetween: the nearer side wins") {
  CHECK(ClassifyBetween(100, 104, 125) == S::kBefore);
  CHECK(ClassifyBetween(100, 121, 125) == S::kAfter);
  CHECK(ClassifyBetween(125, 104, 100) == S::kAfter);  // a speed-up: after is lower
  CHECK(PositionBetween(100, 112.5, 125) == doctest::Approx(0.5));
  CHECK(PositionBetween(100, 100, 100) == 0.5);
}

}  // namespace cirun
