#include "harness/metric_lines.h"

#include <doctest/doctest.h>

namespace cirun {

TEST_CASE("ParseMetricLine reads name, value and unit") {
  std::optional<BootMetric> m = ParseMetricLine("METRIC ops_per_s=12345.5 ops/s");
  REQUIRE(m.has_value());
  CHECK(m->name == "ops_per_s");
  CHECK(m->value == 12345.5);
  CHECK(m->unit == "ops/s");
}

TEST_CASE("ParseMetricLine: unit optional, CRLF and surrounding blanks ignored") {
  std::optional<BootMetric> m = ParseMetricLine("  METRIC boot_ms=-3e2\r");
  REQUIRE(m.has_value());
  CHECK(m->name == "boot_ms");
  CHECK(m->value == -300.0);
  CHECK(m->unit == "");
}

TEST_CASE("ParseMetricLine rejects other and malformed lines") {
  CHECK_FALSE(ParseMetricLine("").has_value());
  CHECK_FALSE(ParseMetricLine("hello METRIC x=1").has_value());
  CHECK_FALSE(ParseMetricLine("METRICS x=1").has_value());
  CHECK_FALSE(ParseMetricLine("METRIC x").has_value());
  CHECK_FALSE(ParseMetricLine("METRIC =1").has_value());
  CHECK_FALSE(ParseMetricLine("METRIC 1x=1").has_value());
  CHECK_FALSE(ParseMetricLine("METRIC x=").has_value());
  CHECK_FALSE(ParseMetricLine("METRIC x=12abc").has_value());
  CHECK_FALSE(ParseMetricLine("METRIC x=nan").has_value());
  CHECK_FALSE(ParseMetricLine("METRIC x=inf ms").has_value());
  CHECK_FALSE(ParseMetricLine("METRIC x=1 ms extra").has_value());
}

}  // namespace cirun
