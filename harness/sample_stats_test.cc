#include "harness/sample_stats.h"

#include <doctest/doctest.h>

namespace cirun {

TEST_CASE("Quantile interpolates linearly between order statistics (numpy's default)") {
  const std::vector<double> v = {7, 1, 3, 5};  // sorted: 1 3 5 7
  CHECK(Quantile(v, 0) == 1);
  CHECK(Quantile(v, 1) == 7);
  CHECK(Quantile(v, 0.5) == 4);
  CHECK(Quantile(v, 0.25) == 2.5);  // position 0.75 between 1 and 3
  CHECK(Quantile(v, 0.75) == 5.5);
  CHECK(Quantile({}, 0.5) == 0);
}

TEST_CASE("Summarize: median, quartiles, range and median absolute deviation") {
  SampleSummary s = Summarize({10, 12, 11, 30, 9});
  CHECK(s.n == 5);
  CHECK(s.median == 11);
  CHECK(s.q1 == 10);
  CHECK(s.q3 == 12);
  CHECK(s.min == 9);
  CHECK(s.max == 30);
  CHECK(s.mad == 1);  // deviations 1 1 0 19 2 -> median 1
  CHECK(s.RelativeSpread() == doctest::Approx(1.0 / 11));
  CHECK(Summarize({}).n == 0);
}

}  // namespace cirun
