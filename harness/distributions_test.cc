#include "harness/distributions.h"

#include <doctest/doctest.h>

#include <cmath>

namespace cirun {

TEST_CASE("NormalSf and NormalQuantile match the standard normal tables") {
  CHECK(NormalSf(0) == doctest::Approx(0.5).epsilon(1e-15));
  CHECK(NormalSf(1.959963984540054) == doctest::Approx(0.025).epsilon(1e-12));
  CHECK(NormalSf(2.0) == doctest::Approx(0.022750131948179195).epsilon(1e-12));
  CHECK(NormalSf(-2.0) == doctest::Approx(0.9772498680518208).epsilon(1e-12));
  CHECK(NormalQuantile(0.975) == doctest::Approx(1.959963984540054).epsilon(1e-12));
  CHECK(NormalQuantile(0.995) == doctest::Approx(2.5758293035489004).epsilon(1e-12));
  CHECK(NormalQuantile(0.5) == doctest::Approx(0).epsilon(1e-12));
  CHECK(NormalQuantile(1e-6) == doctest::Approx(-4.753424308822899).epsilon(1e-10));
}

TEST_CASE("StudentTSf matches Student's t tables") {
  // Critical values t(0.975, df) and t(0.995, 5) from the standard tables.
  CHECK(StudentTSf(12.706204736174707, 1) == doctest::Approx(0.025).epsilon(1e-9));
  CHECK(StudentTSf(2.2281388519649385, 10) == doctest::Approx(0.025).epsilon(1e-9));
  CHECK(StudentTSf(4.032142983557536, 5) == doctest::Approx(0.005).epsilon(1e-9));
  // df = 1 is the Cauchy distribution: P(T > 1) = 1/4.
  CHECK(StudentTSf(1.0, 1) == doctest::Approx(0.25).epsilon(1e-12));
  CHECK(StudentTSf(0.0, 7) == doctest::Approx(0.5).epsilon(1e-12));
  CHECK(StudentTSf(-2.2281388519649385, 10) == doctest::Approx(0.975).epsilon(1e-9));
}

TEST_CASE("RegularizedIncompleteBeta: closed forms") {
  // I_x(1, 1) = x; I_x(2, 1) = x^2; I_x(a, b) = 1 - I_{1-x}(b, a).
  CHECK(RegularizedIncompleteBeta(0.3, 1, 1) == doctest::Approx(0.3).epsilon(1e-13));
  CHECK(RegularizedIncompleteBeta(0.3, 2, 1) == doctest::Approx(0.09).epsilon(1e-13));
  CHECK(RegularizedIncompleteBeta(0.8, 2.5, 4) ==
        doctest::Approx(1 - RegularizedIncompleteBeta(0.2, 4, 2.5)).epsilon(1e-13));
  CHECK(RegularizedIncompleteBeta(0, 2, 3) == 0);
  CHECK(RegularizedIncompleteBeta(1, 2, 3) == 1);
}

}  // namespace cirun
