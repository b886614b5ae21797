// The Mann-Whitney U rank test (Wilcoxon rank-sum) for two independent samples.
//
// Matches scipy.stats.mannwhitneyu (and R's wilcox.test):
// - the statistic is U1 of the first sample: the number of pairs (x_i, y_j)
//   with x_i > y_j, ties counting one half (midranks);
// - kAuto uses the exact null distribution when one of the samples has at most
//   8 values and there are no ties, else the normal approximation;
// - the normal approximation uses the tie-corrected variance
//   n1*n2/12 * ((n+1) - sum(t^3 - t) / (n*(n-1))) and a continuity correction
//   of 1/2 towards the mean; all values tied gives p = 1;
// - a two-sided p-value is twice the smaller one-sided one, at most 1.
#pragma once

#include <vector>

namespace cirun {

enum class Alternative {
  kTwoSided,  // the distributions differ
  kLess,      // x is stochastically smaller than y
  kGreater,   // x is stochastically larger than y
};

enum class MannWhitneyMethod { kAuto, kExact, kAsymptotic };

struct MannWhitneyResult {
  double u1 = 0;       // U of x
  double p_value = 1;  // for the requested alternative
  bool exact = false;  // the exact distribution was used
  bool ties = false;   // the pooled sample has ties
};

/// Runs the test on `x` and `y` (both non-empty; empty gives p = 1).
/// kExact ignores ties in the p-value (as SciPy does).
MannWhitneyResult MannWhitneyU(const std::vector<double>& x, const std::vector<double>& y,
                               Alternative alternative = Alternative::kTwoSided,
                               MannWhitneyMethod method = MannWhitneyMethod::kAuto);

/// The exact null distribution of U for samples of sizes m and n without ties:
/// element k is P(U = k), k = 0 .. m*n. Sizes up to a few hundred each.
std::vector<double> MannWhitneyNullPmf(int m, int n);

}  // namespace cirun
