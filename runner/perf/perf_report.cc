#include "runner/perf/perf_report.h"

#include <algorithm>
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

ClockResolution HostClockResolution(const std::vector<const BenchSamples*>& samples,
                                    const std::vector<std::string>& metrics) {
  ClockResolution r;
  for (const std::string& metric : metrics) {
    double spread = 0;
    for (const BenchSamples* s : samples) {
      auto it = s->values.find(metric);
      if (it != s->values.end() && it->second.size() >= 2)
        spread = std::max(spread, Summarize(it->second).RelativeSpread() * 100);
    }
    if (spread <= 0) continue;
    r.spread[metric] = spread;
    r.percent = std::max(r.percent, spread);
  }
  return r;
}

std::string ResolutionNote(const ClockResolution& r) {
  if (r.spread.empty()) return "";
  char buf[64];
  std::string each;
  for (const auto& [metric, spread] : r.spread) {
    snprintf(buf, sizeof buf, spread < 9.95 ? "%s%s %.1f%%" : "%s%s %.0f%%", each.empty() ? "" : ", ",
             metric.c_str(), spread);
    each += buf;
  }
  snprintf(buf, sizeof buf, r.percent < 9.95 ? "%.1f%%" : "%.0f%%", r.percent);
  return "host clock: resolution ~" + std::string(buf) + " (the runs' spread: " + each +
         "); changes near or below it may be missed or misjudged";
}

nlohmann::json ResolutionJson(const ClockResolution& r) {
  if (r.spread.empty()) return nullptr;
  return {{"resolution_percent", r.percent}, {"spread_percent", r.spread}};
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string UndecidedNote(const InterleavedComparison& c,
                          const std::vector<std::string>& deciding) {
  if (c.undecided.empty()) return "";
  return "stopped at " + std::to_string(c.runs) + " runs: " + JoinNames(deciding) +
         " decided (exact); left undecided: " + JoinNames(c.undecided) +
         " (host clock; --decide all or `decide: all` measures them to the maximum runs)";
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
