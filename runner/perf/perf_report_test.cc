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

}  // namespace
}  // namespace cirun
