#include "runner/pipeline/metric_summary.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

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
      auto detail = nlohmann::json::parse(s.detail_json, nullptr, false);
      if (detail.is_discarded() || !detail.contains("metrics") || !detail["metrics"].is_object())
        continue;
      JobMetricsLine line{j.job.name, {}};
      for (const auto& [name, m] : detail["metrics"].items()) {
        if (!m.is_object() || !m.contains("value") || !m["value"].is_number()) continue;
        const std::string unit = m.value("unit", "");
        if (unit == "count") continue;
        line.metrics.push_back(name + "=" + Number(m["value"].get<double>()) +
                               (unit.empty() ? "" : " " + unit));
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
