// How benchmark results are shown: terminal lines and JSON, shared by
// `ci-run bench`, `compare`, `history` and the pipeline's bench step.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "harness/perf_verdict.h"
#include "harness/sample_stats.h"
#include "runner/perf/bench_measurement.h"

namespace cirun {

/// A number the way people read it: "283", "1.23e+09", "19276", "0.5".
std::string FormatValue(double v);

/// The first 12 characters of a commit id, as every perf report shows it.
std::string ShortCommit(const std::string& commit);

/// "+21.4%" / "-3.0%".
std::string FormatPercent(double ratio);

/// "slower  +21.4%  ratio 1.214 [1.190, 1.240]  p=0.00018  283 -> 343 ms (n=10/10)": the
/// change and ratio are the Hodges-Lehmann estimate inside its interval; the medians follow.
std::string DescribeComparison(const MetricComparison& c, const std::string& unit);

/// {"verdict", "ratio", "estimate", "change_percent", "median_ratio", "ci": [lo, hi], "p_value",
/// "base": {...}, "head": {...}}: "ratio" is the Hodges-Lehmann estimate "ci" belongs to
/// ("estimate": "hodges-lehmann"), or the ratio of the medians when there is no interval.
nlohmann::json ComparisonJson(const MetricComparison& c, const std::string& unit);

/// Why measuring stopped with metrics inconclusive, or "" when it did not:
/// "stopped at 10 runs: cycles decided (exact); left undecided: boot_ms,
/// cpu_ms (host clock; --decide all or `decide: all` measures them to the
/// maximum runs)". `deciding` as in CompareOptions.
std::string UndecidedNote(const InterleavedComparison& c, const std::vector<std::string>& deciding);

/// How finely the host's clock resolved a measurement: the runs' spread.
struct ClockResolution {
  double percent = 0;                    // the largest spread below; 0: nothing varied
  std::map<std::string, double> spread;  // metric -> median absolute deviation, % of the median
};

/// The resolution of `metrics` (HostClockMetrics) in `samples` (e.g. base
/// and head): per metric the largest spread among the sample sets, leaving
/// out metrics whose runs do not vary at all (counts, sizes).
ClockResolution HostClockResolution(const std::vector<const BenchSamples*>& samples,
                                    const std::vector<std::string>& metrics);

/// "host clock: resolution ~13% (the runs' spread: boot_ms 13%, cpu_ms 0.4%);
/// changes near or below it may be missed or misjudged", or "" when nothing
/// varied.
std::string ResolutionNote(const ClockResolution& r);

/// {"resolution_percent": 10.2, "spread_percent": {"boot_ms": 13.1, ...}}, or null when
/// nothing varied.
nlohmann::json ResolutionJson(const ClockResolution& r);

/// "a, b, c".
std::string JoinNames(const std::vector<std::string>& names);

/// {"n", "median", "q1", "q3", "min", "max", "mad", "unit", "values"}.
nlohmann::json SummaryJson(const std::vector<double>& values, const std::string& unit);

/// Writes `doc` (pretty) to `path`; an error message on failure.
Status WriteJsonFile(const std::string& path, const nlohmann::json& doc);

/// `ci-run compare REPO BASE HEAD --unikernel U --only CELL [FLAGS...]`:
/// reproduces a comparison; `flags` are the run's ReproducerFlags
/// (run_flags.h), so the rerun reads the same configuration and store.
std::string CompareReproducer(const std::string& self, const std::string& location,
                              const std::string& base, const std::string& head, const JobPlan& plan,
                              const std::vector<std::string>& flags = {});

}  // namespace cirun
