#include "harness/perf_verdict.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <random>

namespace cirun {
namespace {

// Deterministic noise on every platform: mt19937_64's output is specified by
// the standard (std::normal_distribution is not), Box-Muller on top.
class Noise {
 public:
  explicit Noise(uint64_t seed) : gen_(seed) {}
  double Uniform() { return (static_cast<double>(gen_() >> 11) + 0.5) * 0x1.0p-53; }
  double Normal() {
    return std::sqrt(-2 * std::log(Uniform())) * std::cos(6.283185307179586 * Uniform());
  }
  // A boot time: log-normal around `median` with relative spread `sigma`, and
  // now and then (5%) a run delayed by up to 50% (another process took the CPU).
  double BootTime(double median, double sigma) {
    double v = median * std::exp(sigma * Normal());
    if (Uniform() < 0.05) v *= 1 + 0.5 * Uniform();
    return v;
  }

 private:
  std::mt19937_64 gen_;
};

std::vector<double> Samples(Noise& noise, int n, double median, double sigma) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(noise.BootTime(median, sigma));
  return v;
}

}  // namespace

TEST_CASE("CompareSamples: a 25% slowdown is slower, with its size") {
  std::vector<double> base, head;
  for (int i = 0; i < 10; ++i) {
    base.push_back(200 + i);
    head.push_back(250 + i);
  }
  MetricComparison c = CompareSamples(base, head, VerdictOptions{});
  CHECK(c.verdict == PerfVerdict::kSlower);
  CHECK(c.base_median == 204.5);
  CHECK(c.head_median == 254.5);
  CHECK(c.median_ratio == doctest::Approx(254.5 / 204.5));
  REQUIRE(c.interval.has_value());
  CHECK(c.ratio == c.interval->estimate);
  CHECK(c.ChangePercent() == doctest::Approx((c.interval->estimate - 1) * 100));
  CHECK(c.ChangePercent() == doctest::Approx(24.4).epsilon(1e-2));
  CHECK(c.p_value < 0.001);
  CHECK(c.interval->low > 1.2);
  CHECK(c.interval->high < 1.3);
}

TEST_CASE("CompareSamples: the ratio is the estimate its interval belongs to") {
  // Two modes, mixed differently: the medians fall in different modes
  // (100 and 130: a ratio of 1.3), while most pairs of runs do not differ
  // at all. The Hodges-Lehmann estimate and its interval say so; the ratio
  // of the medians lies outside that interval.
  std::vector<double> base(11, 100), head(9, 100);
  base.insert(base.end(), 9, 130);
  head.insert(head.end(), 11, 130);
  MetricComparison c = CompareSamples(base, head, VerdictOptions{});
  CHECK(c.median_ratio == doctest::Approx(1.3));
  REQUIRE(c.interval.has_value());
  CHECK(c.median_ratio > c.interval->high);
  CHECK(c.ratio == c.interval->estimate);
  CHECK(c.ratio >= c.interval->low);
  CHECK(c.ratio <= c.interval->high);
  CHECK(c.verdict != PerfVerdict::kSlower);
}

TEST_CASE("CompareSamples: without an interval the ratio is of the medians") {
  MetricComparison c = CompareSamples({0, 2, 2}, {0, 4, 4}, VerdictOptions{});
  CHECK_FALSE(c.interval.has_value());
  CHECK(c.ratio == 2.0);
  CHECK(c.median_ratio == 2.0);
}

TEST_CASE("CompareSamples: direction of better") {
  std::vector<double> base = {100, 101, 102, 103, 104, 105, 106, 107, 108, 109};
  std::vector<double> head;
  for (double v : base) head.push_back(v * 0.7);
  VerdictOptions lower;
  CHECK(CompareSamples(base, head, lower).verdict == PerfVerdict::kFaster);
  VerdictOptions higher;
  higher.lower_is_better = false;  // e.g. ops/s: lower is worse
  CHECK(CompareSamples(base, head, higher).verdict == PerfVerdict::kSlower);
}

TEST_CASE("CompareSamples: identical constant samples are no change") {
  std::vector<double> v(10, 19276);
  MetricComparison c = CompareSamples(v, v, VerdictOptions{});
  CHECK(c.verdict == PerfVerdict::kNoChange);
  CHECK(c.p_value == 1.0);
  CHECK(c.ratio == 1.0);
}

TEST_CASE("CompareSamples: a significant change below the minimum effect is not slower") {
  std::vector<double> base, head;
  for (int i = 0; i < 30; ++i) {
    base.push_back(1000 + i % 5);
    head.push_back(1020 + i % 5);  // +2%, very clear, but below 5%
  }
  MetricComparison c = CompareSamples(base, head, VerdictOptions{});
  CHECK(c.p_value < 0.001);
  CHECK(c.verdict == PerfVerdict::kNoChange);
}

TEST_CASE("CompareSamples: wide noise is inconclusive, not a verdict") {
  std::vector<double> base = {100, 140, 90, 160, 110, 95, 150, 105, 130, 85};
  std::vector<double> head = {120, 100, 170, 95, 150, 110, 90, 165, 125, 140};
  MetricComparison c = CompareSamples(base, head, VerdictOptions{});
  CHECK(c.verdict == PerfVerdict::kInconclusive);
}

TEST_CASE("CompareSamples: false alarms and detection on simulated boot times") {
  // 2000 A/A comparisons of 10 runs each at 3% and at 10% spread, and the
  // same with a planted +20%: how often each verdict comes out. This is the
  // statistical contract of the method (not a timing test: the data are
  // generated, seeded).
  const VerdictOptions options;
  struct Case {
    double sigma;
    double shift;
    int max_slower;  // at most this many `slower` of 2000
    int min_slower;  // at least this many
  };
  const Case cases[] = {
      {0.03, 1.0, 4, 0}, {0.10, 1.0, 4, 0}, {0.03, 1.2, 2000, 1400}, {0.10, 1.2, 2000, 300}};
  Noise noise(20240301);
  for (const Case& k : cases) {
    int counts[4] = {0, 0, 0, 0};
    for (int trial = 0; trial < 2000; ++trial) {
      std::vector<double> base = Samples(noise, 10, 250, k.sigma);
      std::vector<double> head = Samples(noise, 10, 250 * k.shift, k.sigma);
      ++counts[static_cast<int>(CompareSamples(base, head, options).verdict)];
    }
    const int slower = counts[static_cast<int>(PerfVerdict::kSlower)];
    MESSAGE("spread " << k.sigma << ", shift " << k.shift << ": no change "
                      << counts[static_cast<int>(PerfVerdict::kNoChange)] << ", slower " << slower
                      << ", faster " << counts[static_cast<int>(PerfVerdict::kFaster)]
                      << ", inconclusive " << counts[static_cast<int>(PerfVerdict::kInconclusive)]
                      << " of 2000");
    CAPTURE(k.sigma);
    CAPTURE(k.shift);
    CHECK(slower <= k.max_slower);
    CHECK(slower >= k.min_slower);
    if (k.shift == 1.0) CHECK(counts[static_cast<int>(PerfVerdict::kFaster)] <= k.max_slower);
  }
}

}  // namespace cirun
