#include "harness/bench_values.h"

#include <doctest/doctest.h>

namespace cirun {

TEST_CASE("BenchValues: harness metrics and METRIC lines, in the order asked") {
  BootResult r;
  r.outcome = BootOutcome::kPassed;
  r.success = std::chrono::milliseconds(283);
  r.total = std::chrono::milliseconds(300);
  r.process.cpu_time = std::chrono::microseconds(251500);
  r.image_bytes = 19276;
  r.metrics = {{"cycles", 1e9, "cycles"}, {"cycles", 2e9, "cycles"}, {"items", 12, "count"}};
  auto v = BenchValues(r, {"cycles", "boot_ms", "cpu_ms", "image_bytes"});
  REQUIRE(v.ok());
  REQUIRE(v->size() == 4);
  CHECK((*v)[0].metric == "cycles");
  CHECK((*v)[0].value == 2e9);  // the last line with that name
  CHECK((*v)[0].unit == "cycles");
  CHECK((*v)[1].value == 283);
  CHECK((*v)[1].unit == "ms");
  CHECK((*v)[2].value == 251.5);
  CHECK((*v)[3].value == 19276);
  CHECK((*v)[3].unit == "bytes");
}

TEST_CASE("BenchValues: a missing METRIC line or a failed boot is an error") {
  BootResult r;
  r.outcome = BootOutcome::kPassed;
  auto v = BenchValues(r, {"ops_per_s"});
  REQUIRE_FALSE(v.ok());
  CHECK(v.status().code() == Status::Code::kNotFound);
  CHECK(v.status().message() == "the boot printed no \"METRIC ops_per_s=...\" line");
  r.outcome = BootOutcome::kHung;
  r.cause = "timed out after 1s";
  v = BenchValues(r, {"boot_ms"});
  REQUIRE_FALSE(v.ok());
  CHECK(v.status().message() == "the boot hung: timed out after 1s");
}

}  // namespace cirun
