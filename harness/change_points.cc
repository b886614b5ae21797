#include "harness/change_points.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "harness/distributions.h"

namespace cirun {
namespace {

double Mean(const std::vector<double>& v, size_t lo, size_t hi) {
  double s = 0;
  for (size_t i = lo; i < hi; ++i) s += v[i];
  return s / static_cast<double>(hi - lo);
}

double MeanAbsWithin(const std::vector<double>& v, size_t lo, size_t hi) {
  const size_t n = hi - lo;
  if (n < 2) return 0;
  double s = 0;
  for (size_t i = lo; i < hi; ++i)
    for (size_t k = i + 1; k < hi; ++k) s += std::fabs(v[i] - v[k]);
  return s / (static_cast<double>(n) * static_cast<double>(n - 1) / 2);
}

double EnergyStatistic(const std::vector<double>& v, size_t lo, size_t tau, size_t hi) {
  const double m = static_cast<double>(tau - lo), n = static_cast<double>(hi - tau);
  double between = 0;
  for (size_t i = lo; i < tau; ++i)
    for (size_t j = tau; j < hi; ++j) between += std::fabs(v[i] - v[j]);
  between /= m * n;
  const double e = 2 * between - MeanAbsWithin(v, lo, tau) - MeanAbsWithin(v, tau, hi);
  return m * n / (m + n) * e;
}

// E-divisive's recursion: the best split of [lo, hi), then of each side.
void Candidates(const std::vector<double>& v, size_t lo, size_t hi, std::vector<size_t>* out) {
  if (hi - lo < 2) return;
  size_t best = lo + 1;
  double best_q = -1;
  for (size_t tau = lo + 1; tau < hi; ++tau) {
    const double q = EnergyStatistic(v, lo, tau, hi);
    if (q > best_q + 1e-15) {
      best_q = q;
      best = tau;
    }
  }
  out->push_back(best);
  Candidates(v, lo, best, out);
  Candidates(v, best, hi, out);
}

ChangePoint Test(const std::vector<double>& v, size_t lo, size_t index, size_t hi) {
  ChangePoint cp;
  cp.index = index;
  cp.p_value = PooledTTestPValue(v, lo, index, hi);
  cp.mean_before = Mean(v, lo, index);
  cp.mean_after = Mean(v, index, hi);
  return cp;
}

}  // namespace

double PooledTTestPValue(const std::vector<double>& v, size_t lo, size_t split, size_t hi) {
  const size_t n1 = split - lo, n2 = hi - split;
  if (n1 == 0 || n2 == 0 || n1 + n2 < 3) return 1;
  const double m1 = Mean(v, lo, split), m2 = Mean(v, split, hi);
  double ss = 0;
  for (size_t i = lo; i < split; ++i) ss += (v[i] - m1) * (v[i] - m1);
  for (size_t i = split; i < hi; ++i) ss += (v[i] - m2) * (v[i] - m2);
  const double df = static_cast<double>(n1 + n2 - 2);
  const double se = std::sqrt(ss / df * (1.0 / n1 + 1.0 / n2));
  const double diff = std::fabs(m2 - m1);
  if (se == 0) return diff == 0 ? 1 : 0;
  return 2 * StudentTSf(diff / se, df);
}

std::vector<ChangePoint> FindChangePoints(const std::vector<double>& values,
                                          const ChangePointOptions& options) {
  std::vector<size_t> cps;
  Candidates(values, 0, values.size(), &cps);
  std::sort(cps.begin(), cps.end());
  // Hunter's weak change point elimination: test each candidate between its
  // neighbours; drop the weakest failing one; repeat until all pass.
  while (true) {
    std::vector<ChangePoint> tested;
    for (size_t i = 0; i < cps.size(); ++i) {
      const size_t lo = i == 0 ? 0 : cps[i - 1];
      const size_t hi = i + 1 == cps.size() ? values.size() : cps[i + 1];
      tested.push_back(Test(values, lo, cps[i], hi));
    }
    std::optional<size_t> weakest;
    for (size_t i = 0; i < tested.size(); ++i) {
      const ChangePoint& t = tested[i];
      const double magnitude = std::fabs(t.mean_after - t.mean_before);
      if (t.p_value < options.max_p_value && magnitude >= options.min_magnitude) continue;
      if (!weakest || t.p_value > tested[*weakest].p_value ||
          (t.p_value == tested[*weakest].p_value &&
           magnitude < std::fabs(tested[*weakest].mean_after - tested[*weakest].mean_before)))
        weakest = i;
    }
    if (!weakest) return tested;
    cps.erase(cps.begin() + static_cast<std::ptrdiff_t>(*weakest));
  }
}

}  // namespace cirun
