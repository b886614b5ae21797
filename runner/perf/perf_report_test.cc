#include "runner/perf/perf_report.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

TEST_CASE("CompareReproducer repeats the run's flags after the cell") {
  JobPlan plan;
  plan.unikernel = "bench";
  plan.cell.values = {{"target", "virtio"}};
  CHECK(CompareReproducer("ci-run", "/src/my repo", "aaaa", "bbbb", plan) ==
        "ci-run compare '/src/my repo' aaaa bbbb --unikernel bench --only target=virtio");
  CHECK(CompareReproducer("ci-run", ".", "aaaa", "bbbb", plan,
                          {"--db", "/r/ci.db", "--cache-dir", "/r/cache"}) ==
        "ci-run compare . aaaa bbbb --unikernel bench --only target=virtio --db /r/ci.db "
        "--cache-dir /r/cache");
}

TEST_CASE("A comparison shows the estimate its interval belongs to, in text and JSON") {
  // Medians in different modes (100 -> 130), most pairs of runs equal.
  std::vector<double> base(11, 100), head(9, 100);
  base.insert(base.end(), 9, 130);
  head.insert(head.end(), 11, 130);
  const MetricComparison c = CompareSamples(base, head, VerdictOptions{});
  const std::string text = DescribeComparison(c, "ms");
  CHECK(text.find("+0.0%  ratio 1.000 [1.000, 1.000]") != std::string::npos);
  CHECK(text.find("100 -> 130 ms") != std::string::npos);
  const nlohmann::json j = ComparisonJson(c, "ms");
  CHECK(j["ratio"].get<double>() == 1.0);
  CHECK(j["estimate"] == "hodges-lehmann");
  CHECK(j["change_percent"].get<double>() == 0.0);
  CHECK(j["median_ratio"].get<double>() == doctest::Approx(1.3));
  CHECK(j["ci"][0].get<double>() <= j["ratio"].get<double>());
  CHECK(j["ratio"].get<double>() <= j["ci"][1].get<double>());
}

TEST_CASE("The host clock's resolution is the runs' spread of the metrics that vary") {
  BenchSamples base, head;
  base.values["boot_ms"] = {90, 100, 110, 100, 100};  // median 100, MAD 0
  head.values["boot_ms"] = {80, 100, 120, 90, 110};   // median 100, MAD 10: 10%
  base.values["cpu_ms"] = {50, 52, 48, 50, 51};       // MAD 1: 2%
  head.values["cpu_ms"] = {50, 50, 50, 50, 50};
  base.values["image_bytes"] = {19276, 19276, 19276};  // does not vary: left out
  const ClockResolution r =
      HostClockResolution({&base, &head}, {"boot_ms", "cpu_ms", "image_bytes", "absent"});
  CHECK(r.percent == doctest::Approx(10));
  CHECK(r.spread.size() == 2);
  CHECK(r.spread.at("cpu_ms") == doctest::Approx(2));
  CHECK(ResolutionNote(r) ==
        "host clock: resolution ~10% (the runs' spread: boot_ms 10%, cpu_ms 2.0%); changes near or "
        "below it may be missed or misjudged");
  CHECK(ResolutionJson(r)["resolution_percent"].get<double>() == doctest::Approx(10));
  CHECK(ResolutionJson(r)["spread_percent"]["boot_ms"].get<double>() == doctest::Approx(10));
  const ClockResolution exact = HostClockResolution({&base}, {"image_bytes"});
  CHECK(ResolutionNote(exact).empty());
  CHECK(ResolutionJson(exact).is_null());
}

TEST_CASE("UndecidedNote names what decided and what was left undecided") {
  InterleavedComparison c;
  c.runs = 10;
  CHECK(UndecidedNote(c, {"cycles"}).empty());
  c.undecided = {"boot_ms", "cpu_ms"};
  CHECK(UndecidedNote(c, {"cycles"}) ==
        "stopped at 10 runs: cycles decided (exact); left undecided: boot_ms, cpu_ms (host "
        "clock; --decide all or `decide: all` measures them to the maximum runs)");
}

}  // namespace
}  // namespace cirun
