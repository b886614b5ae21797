#include "harness/mann_whitney.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "harness/distributions.h"

namespace cirun {
namespace {

constexpr int kExactLimit = 8;  // SciPy's 'auto' threshold

struct Ranked {
  double rank_sum_x = 0;
  double tie_term = 0;  // sum over tie groups of t^3 - t
  bool ties = false;
};

Ranked RankPooled(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<std::pair<double, bool>> pooled;  // value, is_x
  for (double v : x) pooled.push_back({v, true});
  for (double v : y) pooled.push_back({v, false});
  std::sort(pooled.begin(), pooled.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  Ranked r;
  for (size_t i = 0; i < pooled.size();) {
    size_t j = i;
    while (j < pooled.size() && pooled[j].first == pooled[i].first) ++j;
    const double t = static_cast<double>(j - i);
    const double midrank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (size_t k = i; k < j; ++k)
      if (pooled[k].second) r.rank_sum_x += midrank;
    if (t > 1) {
      r.ties = true;
      r.tie_term += t * t * t - t;
    }
    i = j;
  }
  return r;
}

// P(U >= u) under the exact null distribution.
double ExactSf(double u, int m, int n) {
  const std::vector<double> pmf = MannWhitneyNullPmf(m, n);
  const int k0 = static_cast<int>(std::ceil(u - 1e-9));
  double p = 0;
  for (int k = std::max(k0, 0); k < static_cast<int>(pmf.size()); ++k) p += pmf[k];
  return std::min(p, 1.0);
}

double AsymptoticSf(double u, double n1, double n2, double tie_term) {
  const double n = n1 + n2;
  const double mu = n1 * n2 / 2;
  const double var = n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1)));
  if (var <= 0) return 1;  // every value tied: no evidence either way
  return NormalSf((u - mu - 0.5) / std::sqrt(var));
}

}  // namespace

std::vector<double> MannWhitneyNullPmf(int m, int n) {
  // P_{i,j}(k) = i/(i+j) P_{i-1,j}(k-j) + j/(i+j) P_{i,j-1}(k): the largest of
  // the i+j values is an x (beating all j y's) with probability i/(i+j).
  // Only convex combinations: no cancellation.
  const int size = m * n + 1;
  std::vector<std::vector<double>> prev(n + 1, std::vector<double>(size, 0.0));
  for (int j = 0; j <= n; ++j) prev[j][0] = 1;  // i = 0: U = 0
  for (int i = 1; i <= m; ++i) {
    std::vector<std::vector<double>> cur(n + 1, std::vector<double>(size, 0.0));
    cur[0][0] = 1;  // j = 0: U = 0
    for (int j = 1; j <= n; ++j) {
      const double px = static_cast<double>(i) / (i + j), py = 1 - px;
      for (int k = 0; k <= i * j; ++k) {
        double v = py * cur[j - 1][k];
        if (k >= j) v += px * prev[j][k - j];
        cur[j][k] = v;
      }
    }
    prev = std::move(cur);
  }
  return prev[n];
}

MannWhitneyResult MannWhitneyU(const std::vector<double>& x, const std::vector<double>& y,
                               Alternative alternative, MannWhitneyMethod method) {
  MannWhitneyResult result;
  if (x.empty() || y.empty()) return result;
  const double n1 = static_cast<double>(x.size()), n2 = static_cast<double>(y.size());
  const Ranked r = RankPooled(x, y);
  result.ties = r.ties;
  result.u1 = r.rank_sum_x - n1 * (n1 + 1) / 2;
  const double u2 = n1 * n2 - result.u1;
  const bool small = std::min(x.size(), y.size()) <= static_cast<size_t>(kExactLimit);
  result.exact = method == MannWhitneyMethod::kExact ||
                 (method == MannWhitneyMethod::kAuto && small && !r.ties);
  auto sf = [&](double u) {
    return result.exact ? ExactSf(u, static_cast<int>(x.size()), static_cast<int>(y.size()))
                        : AsymptoticSf(u, n1, n2, r.tie_term);
  };
  switch (alternative) {
    case Alternative::kGreater:
      result.p_value = sf(result.u1);
      break;
    case Alternative::kLess:
      result.p_value = sf(u2);
      break;
    case Alternative::kTwoSided:
      result.p_value = std::min(1.0, 2 * sf(std::max(result.u1, u2)));
      break;
  }
  return result;
}

}  // namespace cirun
