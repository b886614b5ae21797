#include "runner/perf/perf_change.h"

#include <cmath>

namespace cirun {

bool IsPerfChange(const MetricComparison& c) {
  return c.verdict == PerfVerdict::kSlower || c.verdict == PerfVerdict::kFaster;
}

bool SlowerBeyond(const MetricComparison& c, std::optional<double> fail_on_regression) {
  return c.verdict == PerfVerdict::kSlower && fail_on_regression &&
         std::fabs(std::log(c.ratio)) >= std::log1p(*fail_on_regression);
}

PerfChangeRecord MakePerfChange(const ChangeSite& site, const JobPlan& plan,
                                const std::string& metric, const MetricComparison& c,
                                const std::string& unit) {
  PerfChangeRecord r;
  r.repo = site.repo;
  r.unikernel = plan.unikernel;
  r.cell_key = plan.cell.Key();
  r.metric = metric;
  r.host = site.host;
  r.commit = site.commit;
  r.base_commit = site.base_commit;
  r.verdict = PerfVerdictName(c.verdict);
  r.ratio = c.ratio;
  if (c.interval) {
    r.ci_low = c.interval->low;
    r.ci_high = c.interval->high;
  }
  r.p_value = c.p_value;
  r.base_median = c.base_median;
  r.head_median = c.head_median;
  r.base_n = static_cast<int64_t>(c.base_n);
  r.head_n = static_cast<int64_t>(c.head_n);
  r.unit = unit;
  r.source = site.source;
  r.reproducer = site.reproducer;
  return r;
}

Status RecordPerfChange(Store& store, const ChangeSite& site, const JobPlan& plan,
                        const std::string& metric, const MetricComparison& c,
                        const std::string& unit) {
  if (!IsPerfChange(c)) return Status::Ok();
  auto id = store.AddPerfChange(MakePerfChange(site, plan, metric, c, unit));
  return id.ok() ? Status::Ok() : id.status().WithContext("change not stored");
}

}  // namespace cirun
