#include "harness/change_points.h"

#include <doctest/doctest.h>

#include <cmath>

namespace cirun {
namespace {

std::vector<double> Logs(const std::vector<double>& v) {
  std::vector<double> out;
  for (double x : v) out.push_back(std::log(x));
  return out;
}

}  // namespace

TEST_CASE("PooledTTestPValue: Student's t with pooled variance") {
  // A = {1, 2, 3}, B = {4, 5, 6}: t = 3 / sqrt(1 * (1/3 + 1/3)) = 3.674, df = 4;
  // two-sided p = 0.02131 (t tables; scipy.stats.ttest_ind gives 0.021311641128756723).
  CHECK(PooledTTestPValue({1, 2, 3, 4, 5, 6}, 0, 3, 6) ==
        doctest::Approx(0.021311641128756723).epsilon(1e-9));
  CHECK(PooledTTestPValue({1, 1, 2, 2}, 0, 2, 4) == 0);  // constant parts that differ
  CHECK(PooledTTestPValue({5, 5, 5}, 0, 1, 3) == 1);
  CHECK(PooledTTestPValue({1, 2}, 0, 1, 2) == 1);  // too few values
}

TEST_CASE("FindChangePoints: one step of +25% in a noisy series of medians") {
  // Medians of a benchmark along 14 commits; the 12th commit adds 25%.
  const std::vector<double> medians = {283, 279, 286, 281, 284, 280, 282,
                                       285, 278, 283, 281, 352, 349, 355};
  ChangePointOptions options;
  options.min_magnitude = std::log(1.05);
  std::vector<ChangePoint> cps = FindChangePoints(Logs(medians), options);
  REQUIRE(cps.size() == 1);
  CHECK(cps[0].index == 11);
  CHECK(cps[0].p_value < 1e-6);
  CHECK(std::exp(cps[0].mean_after - cps[0].mean_before) == doctest::Approx(1.25).epsilon(0.01));
}

TEST_CASE("FindChangePoints: a step at the very end (one point after it)") {
  const std::vector<double> medians = {100, 101, 99, 100, 102, 98, 100, 125};
  ChangePointOptions options;
  options.min_magnitude = std::log(1.05);
  std::vector<ChangePoint> cps = FindChangePoints(Logs(medians), options);
  REQUIRE(cps.size() == 1);
  CHECK(cps[0].index == 7);
}

TEST_CASE("FindChangePoints: two steps, each found") {
  const std::vector<double> medians = {100, 101, 99, 100, 130, 131, 129, 130, 100, 99, 101, 100};
  ChangePointOptions options;
  options.min_magnitude = std::log(1.05);
  std::vector<ChangePoint> cps = FindChangePoints(Logs(medians), options);
  REQUIRE(cps.size() == 2);
  CHECK(cps[0].index == 4);
  CHECK(cps[1].index == 8);
}

TEST_CASE("FindChangePoints: noise alone, and changes below the minimum magnitude") {
  ChangePointOptions options;
  options.min_magnitude = std::log(1.05);
  CHECK(FindChangePoints(Logs({100, 103, 98, 101, 99, 104, 97, 100, 102, 99}), options).empty());
  // image_bytes: constant, then 8 bytes more: significant but tiny.
  CHECK(FindChangePoints(Logs({19276, 19276, 19276, 19284, 19284, 19284}), options).empty());
  options.min_magnitude = 0;
  CHECK(FindChangePoints(Logs({19276, 19276, 19276, 19284, 19284, 19284}), options).size() == 1);
  CHECK(FindChangePoints({}, options).empty());
  CHECK(FindChangePoints({1, 2}, options).empty());
}

}  // namespace cirun
