#include "harness/bench_values.h"

namespace cirun {

Result<std::vector<BenchValue>> BenchValues(const BootResult& result,
                                            const std::vector<std::string>& metrics) {
  if (result.outcome != BootOutcome::kPassed)
    return Status::FailedPrecondition(std::string("the boot ") + BootOutcomeName(result.outcome) +
                                      (result.cause.empty() ? "" : ": " + result.cause));
  std::vector<BenchValue> out;
  for (const std::string& name : metrics) {
    if (name == kBootMsMetric) {
      out.push_back(
          {name, static_cast<double>(result.success.value_or(result.total).count()), "ms"});
    } else if (name == kCpuMsMetric) {
      out.push_back({name, static_cast<double>(result.process.cpu_time.count()) / 1000.0, "ms"});
    } else if (name == kImageBytesMetric) {
      out.push_back({name, static_cast<double>(result.image_bytes), "bytes"});
    } else {
      const BootMetric* found = nullptr;
      for (const BootMetric& m : result.metrics)
        if (m.name == name) found = &m;
      if (!found) return Status::NotFound("the boot printed no \"METRIC " + name + "=...\" line");
      out.push_back({name, found->value, found->unit});
    }
  }
  return out;
}

}  // namespace cirun
