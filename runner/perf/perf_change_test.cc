#include "runner/perf/perf_change.h"

#include <doctest/doctest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "runner/store/sqlite_store.h"

namespace cirun {
namespace {

MetricComparison Slower(double ratio) {
  MetricComparison c;
  c.verdict = PerfVerdict::kSlower;
  c.ratio = ratio;
  c.interval = RatioInterval{ratio, ratio - 0.01, ratio + 0.01};
  c.p_value = 0.001;
  c.base_median = 100;
  c.head_median = 100 * ratio;
  c.base_n = 10;
  c.head_n = 9;
  return c;
}

JobPlan Plan() {
  JobPlan plan;
  plan.unikernel = "hello";
  plan.cell.values = {{"target", "virtio"}};
  return plan;
}

TEST_CASE("MakePerfChange carries the site, the cell and every number of the comparison") {
  const ChangeSite site{"repo", "host1", "head", "base", "compare", "ci-run compare ..."};
  const PerfChangeRecord r = MakePerfChange(site, Plan(), "boot_ms", Slower(1.2), "ms");
  CHECK(r.repo == "repo");
  CHECK(r.unikernel == "hello");
  CHECK(r.cell_key == Plan().cell.Key());
  CHECK(r.metric == "boot_ms");
  CHECK(r.host == "host1");
  CHECK(r.commit == "head");
  CHECK(r.base_commit == "base");
  CHECK(r.verdict == "slower");
  CHECK(r.ratio == doctest::Approx(1.2));
  CHECK(r.ci_low == doctest::Approx(1.19));
  CHECK(r.ci_high == doctest::Approx(1.21));
  CHECK(r.p_value == doctest::Approx(0.001));
  CHECK(r.base_median == 100);
  CHECK(r.head_median == doctest::Approx(120));
  CHECK(r.base_n == 10);
  CHECK(r.head_n == 9);
  CHECK(r.unit == "ms");
  CHECK(r.source == "compare");
  CHECK(r.reproducer == "ci-run compare ...");
}

TEST_CASE("SlowerBeyond: only slower, only with a threshold, either side of the ratio's log") {
  CHECK(SlowerBeyond(Slower(1.2), 0.1));
  CHECK_FALSE(SlowerBeyond(Slower(1.05), 0.1));
  CHECK_FALSE(SlowerBeyond(Slower(1.2), std::nullopt));
  MetricComparison faster = Slower(0.5);
  faster.verdict = PerfVerdict::kFaster;
  CHECK_FALSE(SlowerBeyond(faster, 0.1));
  CHECK(IsPerfChange(faster));
  MetricComparison same = Slower(1.0);
  same.verdict = PerfVerdict::kInconclusive;
  CHECK_FALSE(IsPerfChange(same));
}

TEST_CASE("RecordPerfChange stores a change, skips a non-change, returns the store's error") {
  auto store = OpenSqliteStore(":memory:");
  REQUIRE(store.ok());
  const ChangeSite site{"repo", "host1", "head", "base", "history", "ci-run compare ..."};
  CHECK(RecordPerfChange(**store, site, Plan(), "boot_ms", Slower(1.2), "ms").ok());
  MetricComparison same;
  CHECK(RecordPerfChange(**store, site, Plan(), "boot_ms", same, "ms").ok());
  auto changes = (*store)->ListPerfChanges("repo", 10);
  REQUIRE(changes.ok());
  REQUIRE(changes->size() == 1);
  CHECK(changes->at(0).verdict == "slower");
  CHECK(changes->at(0).source == "history");
}

TEST_CASE("RecordPerfChange returns the store's error instead of dropping it") {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("perf_change_test_" + std::to_string(getpid()) + ".db"))
                               .string();
  auto store = OpenSqliteStore(path);
  REQUIRE(store.ok());
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, "DROP TABLE perf_changes", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  const ChangeSite site{"repo", "host1", "head", "base", "compare", ""};
  Status s = RecordPerfChange(**store, site, Plan(), "boot_ms", Slower(1.2), "ms");
  CHECK_FALSE(s.ok());
  CHECK(s.message().starts_with("change not stored: "));
  store->reset();
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace cirun
