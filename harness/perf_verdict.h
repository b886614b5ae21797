// The verdict on one metric between a base and a head sample, in the manner of
// Chromium's Pinpoint: a rank test plus a minimum effect size.
//
// With r the Hodges-Lehmann estimate of head / base (the median of the
// pairwise ratios, ratio_interval.h) and [lo, hi] its confidence interval, so
// that r always lies inside its own interval (the ratio of the medians need
// not), e = min_effect, p the two-sided Mann-Whitney p-value:
// - worse / better ("slower" / "faster"): p < alpha and |log r| >= log(1 + e),
//   the direction given by lower_is_better;
// - no change: the interval lies within [1/(1+e), 1+e]: any difference is
//   smaller than the minimum effect, with the interval's confidence;
// - inconclusive otherwise (more runs may decide it).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/ratio_interval.h"

namespace cirun {

enum class PerfVerdict { kNoChange, kSlower, kFaster, kInconclusive };

/// "no change", "slower", "faster", "inconclusive".
const char* PerfVerdictName(PerfVerdict verdict);

struct VerdictOptions {
  double alpha = 0.001;      // significance level of the rank test, per metric and look
  double min_effect = 0.05;  // smallest relative change worth reporting (5%)
  double confidence = 0.95;  // of the ratio's interval
  bool lower_is_better = true;
};

struct MetricComparison {
  PerfVerdict verdict = PerfVerdict::kInconclusive;
  double base_median = 0;
  double head_median = 0;
  /// Head / base: the Hodges-Lehmann estimate the interval belongs to; the
  /// median ratio when there is no interval (non-positive values).
  double ratio = 1;
  double median_ratio = 1;                // head median / base median (1 if base median is 0)
  std::optional<RatioInterval> interval;  // absent for non-positive values
  double p_value = 1;
  size_t base_n = 0;
  size_t head_n = 0;
  /// The change in percent: (ratio - 1) * 100.
  double ChangePercent() const { return (ratio - 1) * 100; }
};

/// Compares `head` against `base` (see the file comment).
MetricComparison CompareSamples(const std::vector<double>& base, const std::vector<double>& head,
                                const VerdictOptions& options);

}  // namespace cirun
