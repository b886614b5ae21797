#include "runner/perf/history_series.h"

#include <doctest/doctest.h>

namespace cirun {

TEST_CASE("HistorySuspect bisects on an exact metric before a larger change of the host's") {
  HistorySuspect s;
  s.Add("boot_ms", 0.30);
  CHECK(s.primary == "boot_ms");
  s.Add("cycles", 0.20, /*exact=*/true);
  CHECK(s.primary == "cycles");
  s.Add("cpu_ms", 0.50);
  CHECK(s.primary == "cycles");
  s.Add("instructions", 0.25, /*exact=*/true);
  CHECK(s.primary == "instructions");
  CHECK(s.metrics == std::vector<std::string>{"boot_ms", "cycles", "cpu_ms", "instructions"});
}

TEST_CASE("HistorySuspect without exact metrics bisects on the largest change") {
  HistorySuspect s;
  s.Add("boot_ms", 0.10);
  s.Add("cpu_ms", 0.20);
  s.Add("cycles", 0.15);
  CHECK(s.primary == "cpu_ms");
  CHECK(IsDeciding({"cycles"}, "cycles"));
  CHECK_FALSE(IsDeciding({}, "cycles"));
}

}  // namespace cirun
