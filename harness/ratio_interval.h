// A confidence interval for the ratio head/base of two positive samples.
//
// Hodges-Lehmann on log values: the estimate is the median of the m*n
// pairwise differences log(head_j) - log(base_i); the interval is
// [D(k), D(m*n+1-k)] of those sorted differences, with k the largest index
// such that P(U < k) <= (1 - confidence) / 2 under the Mann-Whitney null
// distribution (Moses' distribution-free interval, as R's
// wilcox.test(conf.int = TRUE)). The exact null distribution is used while
// both samples have at most 50 values, the normal approximation beyond.
// Both ends are exponentiated back to ratios.
#pragma once

#include <optional>
#include <vector>

namespace cirun {

struct RatioInterval {
  double estimate = 1;  // exp(median of pairwise log differences)
  double low = 1;
  double high = 1;
  /// False when the samples are too small for the requested confidence: the
  /// interval is then the full range of pairwise ratios.
  bool full_coverage = true;
};

/// The interval for head/base at `confidence` (e.g. 0.95). Returns nullopt if
/// a sample is empty or holds a value <= 0 (ratios need positive values).
std::optional<RatioInterval> RatioConfidenceInterval(const std::vector<double>& base,
                                                     const std::vector<double>& head,
                                                     double confidence = 0.95);

/// k as above: the rank of the lower end among the m*n sorted differences
/// (1-based); 0 if even the extremes do not reach the confidence.
int MosesLowerRank(int m, int n, double confidence);

}  // namespace cirun
