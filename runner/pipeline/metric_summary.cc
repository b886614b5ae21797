#include "runner/pipeline/metric_summary.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "runner/pipeline/step_detail.h"

namespace cirun {
namespace {

std::string Number(double v) {
  char text[64];
  if (std::floor(v) == v && std::fabs(v) < 1e15)
    snprintf(text, sizeof text, "%.0f", v);
  else
    snprintf(text, sizeof text, "%g", v);
  return text;
}

}  // namespace

std::vector<JobMetricsLine> MainBootMetrics(const PipelineReport& report) {
  std::vector<JobMetricsLine> lines;
  for (const JobReport& j : report.jobs) {
    for (const StepRecord& s : j.steps) {
      if (s.name != "boot") continue;
      const StepDetail metrics = StepDetail::Parse(s.detail_json).Object("metrics");
      JobMetricsLine line{j.job.name, {}};
      for (const std::string& name : metrics.Keys()) {
        const StepDetail m = metrics.Object(name);
        const std::optional<double> value = m.Number("value");
        const std::string unit = m.String("unit").value_or("");
        if (!value || unit == "count") continue;
        line.metrics.push_back(name + "=" + Number(*value) + (unit.empty() ? "" : " " + unit));
      }
      if (!line.metrics.empty()) lines.push_back(std::move(line));
    }
  }
  return lines;
}

void PrintMetricSummary(FILE* out, const PipelineReport& report) {
  std::vector<JobMetricsLine> lines = MainBootMetrics(report);
  if (lines.empty()) return;
  size_t width = 0;
  for (const auto& l : lines) width = std::max(width, l.job.size());
  fprintf(out, "\nMetrics (main boot):\n");
  for (const auto& l : lines) {
    std::string all;
    for (const auto& m : l.metrics) all += (all.empty() ? "" : "  ") + m;
    fprintf(out, "  %-*s  %s\n", static_cast<int>(width), l.job.c_str(), all.c_str());
  }
}

}  // namespace cirun
