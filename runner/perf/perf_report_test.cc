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

}  // namespace
}  // namespace cirun
