#include "runner/perf/perf_report.h"

#include <cmath>
#include <fstream>

#include "runner/common/shell_quote.h"

namespace cirun {

std::string FormatValue(double v) {
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e7)
    snprintf(buf, sizeof buf, "%.0f", v);
  else if (std::fabs(v) >= 1e7)
    snprintf(buf, sizeof buf, "%.4g", v);
  else if (std::fabs(v) >= 100)
    snprintf(buf, sizeof buf, "%.1f", v);
  else
    snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

std::string ShortCommit(const std::string& commit) {
  return commit.substr(0, 12);
}

std::string FormatPercent(double ratio) {
  char buf[32];
  snprintf(buf, sizeof buf, "%+.1f%%", (ratio - 1) * 100);
  return buf;
}

std::string DescribeComparison(const MetricComparison& c, const std::string& unit) {
  char buf[256];
  std::string ci = "[n/a]";
  if (c.interval) {
    snprintf(buf, sizeof buf, "[%.3f, %.3f]", c.interval->low, c.interval->high);
    ci = buf;
  }
  snprintf(buf, sizeof buf, "%-12s %7s  ratio %.3f %s  p=%.2g  %s -> %s%s%s (n=%zu/%zu)",
           PerfVerdictName(c.verdict), FormatPercent(c.ratio).c_str(), c.ratio, ci.c_str(),
           c.p_value, FormatValue(c.base_median).c_str(), FormatValue(c.head_median).c_str(),
           unit.empty() ? "" : " ", unit.c_str(), c.base_n, c.head_n);
  return buf;
}

nlohmann::json ComparisonJson(const MetricComparison& c, const std::string& unit) {
  nlohmann::json j = {{"verdict", PerfVerdictName(c.verdict)},
                      {"ratio", c.ratio},  // Hodges-Lehmann: the estimate of "ci"
                      {"estimate", c.interval ? "hodges-lehmann" : "median ratio"},
                      {"change_percent", c.ChangePercent()},
                      {"p_value", c.p_value},
                      {"unit", unit},
                      {"base", {{"median", c.base_median}, {"n", c.base_n}}},
                      {"head", {{"median", c.head_median}, {"n", c.head_n}}}};
  j["median_ratio"] = c.median_ratio;
  if (c.interval) {
    j["ci"] = {c.interval->low, c.interval->high};
    j["hodges_lehmann_ratio"] = c.interval->estimate;  // = ratio, kept for readers of old reports
  } else {
    j["ci"] = nullptr;
  }
  return j;
}

nlohmann::json SummaryJson(const std::vector<double>& values, const std::string& unit) {
  SampleSummary s = Summarize(values);
  return {{"n", s.n},     {"median", s.median}, {"q1", s.q1},   {"q3", s.q3},      {"min", s.min},
          {"max", s.max}, {"mad", s.mad},       {"unit", unit}, {"values", values}};
}

Status WriteJsonFile(const std::string& path, const nlohmann::json& doc) {
  std::ofstream out(path);
  out << doc.dump(2) << "\n";
  return out ? Status::Ok() : Status::IoError("cannot write " + path);
}

std::string CompareReproducer(const std::string& self, const std::string& location,
                              const std::string& base, const std::string& head, const JobPlan& plan,
                              const std::vector<std::string>& flags) {
  std::vector<std::string> words = {self,          "compare",      location, base,           head,
                                    "--unikernel", plan.unikernel, "--only", plan.cell.Key()};
  words.insert(words.end(), flags.begin(), flags.end());
  return ShellJoin(words);
}

}  // namespace cirun
