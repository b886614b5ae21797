// Reading `bench:`.
#include "jobs/bench_spec_parser.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>

namespace cirun {
namespace {

constexpr std::string_view kBenchKeys[] = {"runs",  "args",  "metrics", "fail-on-regression",
                                           "clock", "decide"};
constexpr std::string_view kMetricKeys[] = {"name", "better"};

std::optional<BenchMetric> ParseMetricMap(ConfigReader& r, const YAML::Node& item,
                                          const std::string& context) {
  auto entries = r.Entries(item, r.Pos(item), "metric");
  if (!entries) return std::nullopt;
  const size_t errors = r.error_count();
  r.CheckKeys(*entries, kMetricKeys, context);
  BenchMetric metric;
  if (const YamlEntry* name = FindEntry(*entries, "name")) {
    if (auto s = r.String(*name)) metric.name = s->text;
  } else {
    r.Missing(r.Pos(item), "name", context);
  }
  if (const YamlEntry* better = FindEntry(*entries, "better")) {
    const std::string value = better->value.IsScalar() ? better->value.Scalar() : "";
    if (value != "lower" && value != "higher") r.Expected(*better, "lower or higher");
    metric.lower_is_better = value != "higher";
  }
  if (r.error_count() != errors) return std::nullopt;
  return metric;
}

std::optional<BenchMetric> ParseMetric(ConfigReader& r, const YAML::Node& item,
                                       const std::string& context) {
  std::optional<BenchMetric> metric;
  if (item.IsScalar()) {
    metric = BenchMetric{item.Scalar(), true};
  } else if (item.IsMap()) {
    metric = ParseMetricMap(r, item, context);
  } else {
    r.Expected(item, r.Pos(item), "metric", "a name or {name: ..., better: lower|higher}");
  }
  if (metric && !IsName(metric->name)) {
    r.Expected(item, r.Pos(item), "metric name", "letters, digits, '_', '.' or '-'");
    return std::nullopt;
  }
  return metric;
}

bool ParseMetrics(ConfigReader& r, const YamlEntry& e, const std::string& context,
                  std::vector<BenchMetric>* out) {
  if (!e.value.IsSequence() || e.value.size() == 0) {
    r.Expected(e, "a non-empty list of metrics such as [boot_ms]");
    return false;
  }
  out->clear();
  bool ok = true;
  for (const YAML::Node& item : e.value) {
    std::optional<BenchMetric> m = ParseMetric(r, item, context);
    ok = ok && m.has_value();
    if (!m) continue;
    if (std::any_of(out->begin(), out->end(), [&](const auto& x) { return x.name == m->name; })) {
      r.Error(r.Pos(item), "duplicate metric " + Quote(m->name));
      ok = false;
    }
    out->push_back(std::move(*m));
  }
  return ok;
}

void ParseBenchField(ConfigReader& r, const YamlEntry& e, const VariableScope& scope,
                     const std::string& context, BenchSpec* bench) {
  if (e.name == "runs") {
    bench->runs = static_cast<int>(r.Int(e, 1, INT_MAX).value_or(bench->runs));
  } else if (e.name == "metrics") {
    ParseMetrics(r, e, context, &bench->metrics);
  } else if (e.name == "args") {
    if (auto args = r.Strings(e)) {
      scope.CheckAll(r, e.name, *args, false);
      bench->args.clear();
      for (const YamlString& s : *args) bench->args.push_back(s.text);
    }
  } else if (e.name == "clock") {
    const std::string value = e.value.IsScalar() ? e.value.Scalar() : "";
    if (value == "host") {
      bench->clock = BenchClock::kHost;
    } else if (value == "instructions") {
      bench->clock = BenchClock::kInstructions;
    } else {
      r.Expected(e, "host or instructions");
    }
  } else if (e.name == "decide") {
    const std::string value = e.value.IsScalar() ? e.value.Scalar() : "";
    if (value == "exact") {
      bench->decide = BenchDecide::kExact;
    } else if (value == "all") {
      bench->decide = BenchDecide::kAll;
    } else {
      r.Expected(e, "exact or all");
    }
  } else if (e.name == "fail-on-regression") {
    bench->fail_on_regression =
        e.value.IsScalar() ? ParseRegressionThreshold(e.value.Scalar()) : std::nullopt;
    if (!bench->fail_on_regression) {
      r.Expected(e, "a percentage such as \"10%\" or a fraction such as 0.1");
    }
  }
}

}  // namespace

std::optional<double> ParseRegressionThreshold(std::string_view text) {
  const bool percent = text.ends_with('%');
  if (percent) text.remove_suffix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  if (percent) value /= 100;
  if (!std::isfinite(value) || value <= 0 || (!percent && value > 1)) return std::nullopt;
  return value;
}

std::optional<BenchSpec> ParseBench(ConfigReader& r, const YamlEntry& entry,
                                    const VariableScope& scope,
                                    const std::vector<std::string>& boot_args,
                                    const std::string& unikernel) {
  auto entries = r.Entries(entry);
  if (!entries) return std::nullopt;
  const size_t errors = r.error_count();
  const std::string context = "in \"bench\" of unikernel " + Quote(unikernel);
  r.CheckKeys(*entries, kBenchKeys, context);
  BenchSpec bench;
  bench.where = r.Pos(entry.key);
  bench.args = boot_args;
  bench.metrics = {BenchMetric{"boot_ms", true}};
  for (const YamlEntry& e : *entries) ParseBenchField(r, e, scope, context, &bench);
  if (r.error_count() != errors) return std::nullopt;
  return bench;
}

}  // namespace cirun
