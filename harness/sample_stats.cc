#include "harness/sample_stats.h"

#include <algorithm>
#include <cmath>

namespace cirun {

double SampleSummary::RelativeSpread() const {
  return median == 0 ? 0 : mad / std::fabs(median);
}

double Quantile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double pos = std::clamp(p, 0.0, 1.0) * static_cast<double>(values.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (pos - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

double Median(std::vector<double> values) {
  return Quantile(std::move(values), 0.5);
}

SampleSummary Summarize(const std::vector<double>& values) {
  SampleSummary s;
  if (values.empty()) return s;
  s.n = values.size();
  s.median = Median(values);
  s.q1 = Quantile(values, 0.25);
  s.q3 = Quantile(values, 0.75);
  auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  s.min = *lo;
  s.max = *hi;
  std::vector<double> deviations;
  for (double v : values) deviations.push_back(std::fabs(v - s.median));
  s.mad = Median(deviations);
  return s;
}

}  // namespace cirun
