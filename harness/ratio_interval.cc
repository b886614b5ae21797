#include "harness/ratio_interval.h"

#include <algorithm>
#include <cmath>

#include "harness/distributions.h"
#include "harness/mann_whitney.h"

namespace cirun {

int MosesLowerRank(int m, int n, double confidence) {
  const double tail = (1 - confidence) / 2;
  if (m <= 50 && n <= 50) {
    const std::vector<double> pmf = MannWhitneyNullPmf(m, n);
    double cdf = 0;  // P(U <= k - 1) for the candidate k
    int k = 0;
    for (int candidate = 1; candidate <= m * n; ++candidate) {
      cdf += pmf[candidate - 1];
      if (cdf > tail + 1e-12) break;
      k = candidate;
    }
    return k;
  }
  const double mn = static_cast<double>(m) * n;
  const double sd = std::sqrt(mn * (m + n + 1) / 12.0);
  const double k = std::floor(mn / 2 - NormalQuantile(1 - tail) * sd);
  return std::max(0, static_cast<int>(k));
}

std::optional<RatioInterval> RatioConfidenceInterval(const std::vector<double>& base,
                                                     const std::vector<double>& head,
                                                     double confidence) {
  if (base.empty() || head.empty()) return std::nullopt;
  auto positive = [](double v) { return v > 0 && std::isfinite(v); };
  if (!std::all_of(base.begin(), base.end(), positive) ||
      !std::all_of(head.begin(), head.end(), positive))
    return std::nullopt;
  std::vector<double> diffs;
  diffs.reserve(base.size() * head.size());
  for (double h : head)
    for (double b : base) diffs.push_back(std::log(h) - std::log(b));
  std::sort(diffs.begin(), diffs.end());
  const size_t count = diffs.size();
  const double median =
      count % 2 ? diffs[count / 2] : (diffs[count / 2 - 1] + diffs[count / 2]) / 2;
  RatioInterval r;
  r.estimate = std::exp(median);
  const int k =
      MosesLowerRank(static_cast<int>(base.size()), static_cast<int>(head.size()), confidence);
  r.full_coverage = k >= 1;
  const size_t lo = k >= 1 ? static_cast<size_t>(k - 1) : 0;
  r.low = std::exp(diffs[lo]);
  r.high = std::exp(diffs[count - 1 - lo]);
  return r;
}

}  // namespace cirun
