#include "runner/perf/bench_measurement.h"

#include <doctest/doctest.h>

#include "harness/process_backend.h"
#include "harness/qemu_backend.h"

namespace cirun {
namespace {

JobPlan PlanWith(std::vector<std::string> metrics, BenchClock clock) {
  JobPlan plan;
  plan.bench = BenchSpec{};
  for (const std::string& m : metrics) plan.bench->metrics.push_back({m, true});
  plan.bench->clock = clock;
  return plan;
}

MetricComparison Verdict(PerfVerdict v) {
  MetricComparison c;
  c.verdict = v;
  return c;
}

}  // namespace

TEST_CASE("DecidingMetrics: the instruction clock's exact metrics, not the host's timings") {
  QemuBackend qemu(TargetSpec{});
  ProcessBackend process(TargetSpec{}, "/nonexistent/qemu-x86_64");
  ProcessBackend user_mode(TargetSpec{}, "/bin/sh");  // an emulator in its place
  const std::vector<std::string> all = {"boot_ms", "cpu_ms", "cycles", "image_bytes",
                                        "instructions"};
  const JobPlan counted = PlanWith(all, BenchClock::kInstructions);
  CHECK(DecidingMetrics(counted, qemu, BenchDecide::kExact) ==
        std::vector<std::string>{"cycles", "instructions"});
  // Asked otherwise, on the host's clock, or on a backend that cannot count: every metric.
  CHECK(DecidingMetrics(counted, qemu, BenchDecide::kAll).empty());
  CHECK(DecidingMetrics(PlanWith(all, BenchClock::kHost), qemu, BenchDecide::kExact).empty());
  CHECK(DecidingMetrics(counted, process, BenchDecide::kExact).empty());
  // The unix target under QEMU's user mode: only the plugin's count is exact
  // (the unikernel's own `cycles` reads the host's clock).
  CHECK(DecidingMetrics(counted, user_mode, BenchDecide::kExact) ==
        std::vector<std::string>{"instructions"});
  CHECK(DecidingMetrics(PlanWith({"boot_ms", "cycles"}, BenchClock::kInstructions), user_mode,
                        BenchDecide::kExact)
            .empty());
  // No exact metric kept: every metric.
  CHECK(DecidingMetrics(PlanWith({"boot_ms", "image_bytes"}, BenchClock::kInstructions), qemu,
                        BenchDecide::kExact)
            .empty());
}

TEST_CASE("HostClockMetrics: the host's timings, and every timing on the host's clock") {
  QemuBackend qemu(TargetSpec{});
  const std::vector<std::string> all = {"boot_ms", "cpu_ms", "cycles", "image_bytes"};
  CHECK(HostClockMetrics(PlanWith(all, BenchClock::kInstructions), qemu) ==
        std::vector<std::string>{"boot_ms", "cpu_ms"});
  CHECK(HostClockMetrics(PlanWith(all, BenchClock::kHost), qemu) ==
        std::vector<std::string>{"boot_ms", "cpu_ms", "cycles"});
  // Under QEMU's user mode the unikernel's own clock is the host's; the
  // plugin's count is not a timing of the host.
  ProcessBackend user_mode(TargetSpec{}, "/bin/sh");
  std::vector<std::string> counted = all;
  counted.push_back("instructions");
  CHECK(HostClockMetrics(PlanWith(counted, BenchClock::kInstructions), user_mode) ==
        std::vector<std::string>{"boot_ms", "cpu_ms", "cycles"});
}

TEST_CASE("AfterBatch: the exact metric decided ends the comparison, naming the undecided") {
  CompareOptions o;
  o.runs = 10;
  o.max_runs = 40;
  o.deciding = {"cycles"};
  std::map<std::string, MetricComparison> m = {{"boot_ms", Verdict(PerfVerdict::kInconclusive)},
                                               {"cpu_ms", Verdict(PerfVerdict::kInconclusive)},
                                               {"cycles", Verdict(PerfVerdict::kSlower)}};
  BatchDecision d = AfterBatch(m, o, 10);
  CHECK_FALSE(d.more);
  CHECK(d.undecided == std::vector<std::string>{"boot_ms", "cpu_ms"});

  SUBCASE("the exact metric still inconclusive: more runs") {
    m["cycles"] = Verdict(PerfVerdict::kInconclusive);
    d = AfterBatch(m, o, 10);
    CHECK(d.more);
    CHECK(d.undecided.empty());
  }
  SUBCASE("every metric decides when asked: runs to the maximum, nothing left out") {
    o.deciding.clear();
    CHECK(AfterBatch(m, o, 10).more);
    CHECK(AfterBatch(m, o, 30).more);
    d = AfterBatch(m, o, 40);
    CHECK_FALSE(d.more);
    CHECK(d.undecided.empty());  // the inconclusive verdicts at --max-runs say it
  }
  SUBCASE("all decided") {
    m["boot_ms"] = Verdict(PerfVerdict::kNoChange);
    m["cpu_ms"] = Verdict(PerfVerdict::kSlower);
    d = AfterBatch(m, o, 10);
    CHECK_FALSE(d.more);
    CHECK(d.undecided.empty());
  }
}

}  // namespace cirun
