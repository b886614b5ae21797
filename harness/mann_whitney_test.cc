// Known values from SciPy's test suite for scipy.stats.mannwhitneyu, which
// checks them against R's wilcox.test (options(digits = 16)).
#include "harness/mann_whitney.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

namespace cirun {
namespace {

const std::vector<double> kX = {210.052110, 110.190630, 307.918612};
const std::vector<double> kY = {436.08811482466416, 416.37397329768191, 179.96975939463582,
                                197.8118754228619,  34.038757281225756, 138.54220550921517,
                                128.7769351470246,  265.92721427951852, 275.6617533155341,
                                592.34083395416258, 448.73177590617018, 300.61495185038905,
                                187.97508449019588};

double P(const std::vector<double>& x, const std::vector<double>& y, Alternative a,
         MannWhitneyMethod m) {
  return MannWhitneyU(x, y, a, m).p_value;
}

}  // namespace

TEST_CASE("MannWhitneyU: SciPy's basic case, asymptotic and exact") {
  using A = Alternative;
  using M = MannWhitneyMethod;
  CHECK(MannWhitneyU(kX, kY).u1 == 16);
  CHECK(P(kX, kY, A::kTwoSided, M::kAsymptotic) == doctest::Approx(0.6865041817876).epsilon(1e-9));
  CHECK(P(kX, kY, A::kLess, M::kAsymptotic) == doctest::Approx(0.3432520908938).epsilon(1e-9));
  CHECK(P(kX, kY, A::kGreater, M::kAsymptotic) == doctest::Approx(0.7047591913255).epsilon(1e-9));
  CHECK(P(kX, kY, A::kTwoSided, M::kExact) == doctest::Approx(0.7035714285714).epsilon(1e-9));
  CHECK(P(kX, kY, A::kLess, M::kExact) == doctest::Approx(0.3517857142857).epsilon(1e-9));
  CHECK(P(kX, kY, A::kGreater, M::kExact) == doctest::Approx(0.6946428571429).epsilon(1e-9));
  // kAuto: one sample has 3 values and there are no ties -> exact.
  CHECK(MannWhitneyU(kX, kY).exact);
  CHECK(MannWhitneyU(kX, kY).p_value == doctest::Approx(0.7035714285714).epsilon(1e-9));
}

TEST_CASE("MannWhitneyU: continuity correction, swapped samples") {
  using A = Alternative;
  using M = MannWhitneyMethod;
  CHECK(MannWhitneyU(kY, kX).u1 == 23);
  CHECK(P(kY, kX, A::kTwoSided, M::kAsymptotic) == doctest::Approx(0.6865041817876).epsilon(1e-9));
  CHECK(P(kY, kX, A::kLess, M::kAsymptotic) == doctest::Approx(0.7047591913255).epsilon(1e-9));
  CHECK(P(kY, kX, A::kGreater, M::kAsymptotic) == doctest::Approx(0.3432520908938).epsilon(1e-9));
}

TEST_CASE("MannWhitneyU: gh-9184 (R: wilcox.test x 10 values, y 5 values)") {
  const std::vector<double> x = {0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46};
  const std::vector<double> y = {1.15, 0.88, 0.90, 0.74, 1.21};
  using A = Alternative;
  using M = MannWhitneyMethod;
  CHECK(MannWhitneyU(x, y).u1 == 35);
  CHECK(P(x, y, A::kLess, M::kAsymptotic) == doctest::Approx(0.900775348204).epsilon(1e-9));
  CHECK(P(x, y, A::kGreater, M::kAsymptotic) == doctest::Approx(0.1223118025635).epsilon(1e-9));
  CHECK(P(x, y, A::kTwoSided, M::kAsymptotic) == doctest::Approx(0.244623605127).epsilon(1e-9));
  CHECK(P(x, y, A::kLess, M::kExact) == doctest::Approx(0.8967698967699).epsilon(1e-9));
  CHECK(P(x, y, A::kGreater, M::kExact) == doctest::Approx(0.1272061272061).epsilon(1e-9));
  CHECK(P(x, y, A::kTwoSided, M::kExact) == doctest::Approx(0.2544122544123).epsilon(1e-9));
}

TEST_CASE("MannWhitneyU: tie correction (R: wilcox.test(exact = FALSE))") {
  const std::vector<double> x = {1, 2, 3, 4};
  const double d = 0.01;
  const std::vector<std::vector<double>> ys = {{1 - d, 2 - d, 3 - d, 4 - d, 5 - d},
                                               {1, 2 - d, 3, 4 - d, 5},
                                               {1, 2, 3 - d, 4, 5},
                                               {1, 2, 3, 4, 5},
                                               {1, 2, 3 + d, 4, 5},
                                               {1, 2 + d, 3, 4 + d, 5},
                                               {1 + d, 2 + d, 3 + d, 4 + d, 5 + d}};
  const double u[] = {10, 9, 8.5, 8, 7.5, 7, 6};
  const double p[] = {1,
                      0.9017048037317,
                      0.804080657472,
                      0.7086240584439,
                      0.6197963884941,
                      0.5368784563079,
                      0.3912672792826};
  for (size_t i = 0; i < ys.size(); ++i) {
    CAPTURE(i);
    MannWhitneyResult r =
        MannWhitneyU(x, ys[i], Alternative::kTwoSided, MannWhitneyMethod::kAsymptotic);
    CHECK(r.u1 == u[i]);
    CHECK(r.p_value == doctest::Approx(p[i]).epsilon(1e-9));
  }
}

TEST_CASE("MannWhitneyU: ties, with an infinite value ranked last (gh-11355)") {
  const double inf = std::numeric_limits<double>::infinity();
  MannWhitneyResult r = MannWhitneyU({1, 2, 3, 4}, {3, 6, 7, 8, inf, 3, 2, 1, 4, 4, 5});
  CHECK(r.ties);
  CHECK_FALSE(r.exact);  // auto: ties force the normal approximation
  CHECK(r.u1 == 10);
  CHECK(r.p_value == doctest::Approx(0.1297704873477).epsilon(1e-9));
  r = MannWhitneyU({1, inf, inf, 4}, {3, 6, 7, 8, inf, inf, 2, 1, 4, 4, 5});
  CHECK(r.u1 == 24.5);
  CHECK(r.p_value == doctest::Approx(0.7912517950119).epsilon(1e-9));
}

TEST_CASE("MannWhitneyU: U at its mean never gives p > 1 (gh-2118)") {
  using A = Alternative;
  using M = MannWhitneyMethod;
  CHECK(P({1, 2, 3}, {1.5, 2.5}, A::kGreater, M::kAsymptotic) ==
        doctest::Approx(0.6135850036578).epsilon(1e-9));
  CHECK(P({1, 2, 3}, {1.5, 2.5}, A::kTwoSided, M::kAsymptotic) == 1.0);
  CHECK(P({1, 2, 3}, {2}, A::kLess, M::kAsymptotic) ==
        doctest::Approx(0.681324055883).epsilon(1e-9));
  CHECK(P({1, 2}, {1, 2}, A::kGreater, M::kAsymptotic) ==
        doctest::Approx(0.667497228949).epsilon(1e-9));
  CHECK(P({1, 2, 3}, {1.5, 2.5}, A::kTwoSided, M::kExact) == 1.0);
}

TEST_CASE("MannWhitneyU: every value tied gives p = 1") {
  MannWhitneyResult r =
      MannWhitneyU({7, 7, 7, 7, 7, 7, 7, 7, 7, 7}, {7, 7, 7, 7, 7, 7, 7, 7, 7, 7});
  CHECK(r.u1 == 50);
  CHECK(r.p_value == 1.0);
}

TEST_CASE("MannWhitneyU: completely separated samples of 10") {
  std::vector<double> a, b;
  for (int i = 0; i < 10; ++i) {
    a.push_back(100 + i);
    b.push_back(125 + i);
  }
  // Normal approximation: z = (100 - 50 - 0.5) / sqrt(175) = 3.7418...
  MannWhitneyResult r = MannWhitneyU(a, b);
  CHECK_FALSE(r.exact);
  CHECK(r.u1 == 0);
  CHECK(r.p_value == doctest::Approx(1.8267e-4).epsilon(1e-3));
  // Exact: 2 / C(20, 10).
  CHECK(MannWhitneyU(a, b, Alternative::kTwoSided, MannWhitneyMethod::kExact).p_value ==
        doctest::Approx(2.0 / 184756).epsilon(1e-12));
}

TEST_CASE("MannWhitneyNullPmf: Mann & Whitney's (1947) table of P(U <= u)") {
  // Rows of the table (n = 4 and n = 6), as SciPy's tests quote them.
  const std::vector<std::vector<double>> n4 = {
      {0.2, 0.4, 0.6},
      {0.067, 0.133, 0.267, 0.4, 0.6},
      {0.028, 0.057, 0.114, 0.2, .314, 0.429, 0.571},
      {0.014, 0.029, 0.057, 0.1, 0.171, 0.243, 0.343, 0.443, 0.557}};
  for (int m = 1; m <= 4; ++m) {
    std::vector<double> pmf = MannWhitneyNullPmf(m, 4);
    double cdf = 0;
    for (size_t u = 0; u < n4[m - 1].size(); ++u) {
      cdf += pmf[u];
      CAPTURE(m);
      CAPTURE(u);
      CHECK(std::fabs(cdf - n4[m - 1][u]) < 6e-4);
    }
  }
  const std::vector<double> m6n6 = {0.001, 0.002, 0.004, 0.008, 0.013, 0.021, 0.032,
                                    0.047, 0.066, 0.09,  0.12,  0.155, 0.197, 0.242,
                                    0.294, 0.350, 0.409, 0.469, 0.531};
  std::vector<double> pmf = MannWhitneyNullPmf(6, 6);
  double cdf = 0;
  for (size_t u = 0; u < m6n6.size(); ++u) {
    cdf += pmf[u];
    CHECK(std::fabs(cdf - m6n6[u]) < 6e-4);
  }
  // Symmetric about m*n/2 and sums to 1.
  double total = 0;
  for (size_t k = 0; k < pmf.size(); ++k) {
    total += pmf[k];
    CHECK(pmf[k] == doctest::Approx(pmf[pmf.size() - 1 - k]).epsilon(1e-12));
  }
  CHECK(total == doctest::Approx(1).epsilon(1e-12));
}

}  // namespace cirun
