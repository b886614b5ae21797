#include "harness/ratio_interval.h"

#include <doctest/doctest.h>

#include <cmath>

namespace cirun {

TEST_CASE("MosesLowerRank from the exact null distribution") {
  // m = n = 5: P(U <= 2) = 0.016 <= 0.025 < P(U <= 3) = 0.028, so k = 3.
  CHECK(MosesLowerRank(5, 5, 0.95) == 3);
  // m = n = 10: P(U <= 23) = 0.0216 <= 0.025 < P(U <= 24) = 0.0262 (R: qwilcox(0.025,10,10) = 24).
  CHECK(MosesLowerRank(10, 10, 0.95) == 24);
  // Too small for 95%: P(U = 0) = 1/6 for m = n = 2.
  CHECK(MosesLowerRank(2, 2, 0.95) == 0);
  // Beyond 50 values per sample: the normal approximation,
  // floor(3600/2 - 1.959964 * sqrt(3600 * 121 / 12)) = floor(1800 - 373.37) = 1426.
  CHECK(MosesLowerRank(60, 60, 0.95) == 1426);
}

TEST_CASE("RatioConfidenceInterval: a doubled sample") {
  // head = 2 * base: the pairwise ratios are 2 * j / i for i, j in 1..5.
  const std::vector<double> base = {1, 2, 3, 4, 5};
  const std::vector<double> head = {2, 4, 6, 8, 10};
  auto r = RatioConfidenceInterval(base, head, 0.95);
  REQUIRE(r.has_value());
  CHECK(r->estimate == doctest::Approx(2.0));
  // k = 3: the third smallest ratio j/i is 1/3, the third largest is 3.
  CHECK(r->low == doctest::Approx(2.0 / 3));
  CHECK(r->high == doctest::Approx(6.0));
  CHECK(r->full_coverage);
}

TEST_CASE("RatioConfidenceInterval: identical samples are centred on 1") {
  const std::vector<double> v = {100, 101, 99, 102, 98, 100, 103, 97, 100, 101};
  auto r = RatioConfidenceInterval(v, v, 0.95);
  REQUIRE(r.has_value());
  CHECK(r->estimate == doctest::Approx(1.0));
  CHECK(r->low < 1.0);
  CHECK(r->high > 1.0);
  CHECK(std::log(r->low) == doctest::Approx(-std::log(r->high)));
}

TEST_CASE("RatioConfidenceInterval: small samples, non-positive values") {
  auto r = RatioConfidenceInterval({1, 2}, {3, 4}, 0.95);
  REQUIRE(r.has_value());
  CHECK_FALSE(r->full_coverage);
  CHECK(r->low == doctest::Approx(1.5));   // 3/2
  CHECK(r->high == doctest::Approx(4.0));  // 4/1
  CHECK_FALSE(RatioConfidenceInterval({1, 0}, {3, 4}).has_value());
  CHECK_FALSE(RatioConfidenceInterval({}, {3, 4}).has_value());
}

}  // namespace cirun
