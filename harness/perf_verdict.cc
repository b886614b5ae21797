#include "harness/perf_verdict.h"

#include <cmath>

#include "harness/mann_whitney.h"
#include "harness/sample_stats.h"

namespace cirun {

const char* PerfVerdictName(PerfVerdict verdict) {
  switch (verdict) {
    case PerfVerdict::kNoChange:
      return "no change";
    case PerfVerdict::kSlower:
      return "slower";
    case PerfVerdict::kFaster:
      return "faster";
    case PerfVerdict::kInconclusive:
      return "inconclusive";
  }
  return "inconclusive";
}

MetricComparison CompareSamples(const std::vector<double>& base, const std::vector<double>& head,
                                const VerdictOptions& o) {
  MetricComparison c;
  c.base_n = base.size();
  c.head_n = head.size();
  if (base.empty() || head.empty()) return c;
  c.base_median = Median(base);
  c.head_median = Median(head);
  if (c.base_median != 0) c.median_ratio = c.head_median / c.base_median;
  c.p_value = MannWhitneyU(base, head).p_value;
  c.interval = RatioConfidenceInterval(base, head, o.confidence);
  c.ratio = c.interval ? c.interval->estimate : c.median_ratio;
  const double band = std::log1p(o.min_effect);
  const bool big = c.ratio > 0 && std::fabs(std::log(c.ratio)) >= band;
  if (c.p_value < o.alpha && big) {
    const bool higher = c.ratio > 1;
    c.verdict = higher == o.lower_is_better ? PerfVerdict::kSlower : PerfVerdict::kFaster;
  } else if (c.interval && std::log(c.interval->low) >= -band - 1e-12 &&
             std::log(c.interval->high) <= band + 1e-12) {
    c.verdict = PerfVerdict::kNoChange;
  } else if (!c.interval && c.base_median == c.head_median && c.p_value >= o.alpha) {
    c.verdict = PerfVerdict::kNoChange;  // e.g. values that are all 0
  }
  return c;
}

}  // namespace cirun
