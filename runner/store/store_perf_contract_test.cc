// The Store contract, performance tracking part (samples, perf changes),
// on every backend.
#include <doctest/doctest.h>

#include "runner/store/store.h"
#include "tests/store_backends.h"
#include "tests/store_records.h"

namespace cirun {
namespace {

using testing::Job;
using testing::Pipeline;
using testing::Query;
using testing::Sample;

TEST_CASE_TEMPLATE("Store keeps samples per key, host, commit and metric", B, STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  Store& s = *store;
  REQUIRE(s.AddSamples({Sample("c1", "boot_ms", 283.5), Sample("c1", "boot_ms", 281),
                        Sample("c1", "cpu_ms", 250), Sample("c2", "boot_ms", 350),
                        Sample("c1", "boot_ms", 120, "h2")})
              .ok());
  auto all = s.ListSamples(Query());
  REQUIRE(all.ok());
  CHECK(all->size() == 4);  // h2's sample is another host's
  auto c1 = s.ListSamples(Query({"c1"}, "boot_ms"));
  REQUIRE(c1.ok());
  REQUIRE(c1->size() == 2);
  CHECK((*c1)[0].value == 283.5);  // oldest first, doubles kept
  CHECK((*c1)[1].value == 281);
  CHECK((*c1)[0].unit == "ms");
  CHECK((*c1)[0].source == "bench");
  CHECK((*c1)[0].created_ms > 0);
  auto two = s.ListSamples(Query({"c1", "c2"}, "boot_ms"));
  REQUIRE(two.ok());
  CHECK(two->size() == 3);
  auto none = s.ListSamples(Query({"c3"}));
  REQUIRE(none.ok());
  CHECK(none->empty());
}

TEST_CASE_TEMPLATE("Store records performance changes, newest first", B, STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  PerfChangeRecord c;
  c.repo = "/repo";
  c.unikernel = "bench";
  c.cell_key = "compiler=gcc,target=virtio";
  c.metric = "boot_ms";
  c.host = "h1";
  c.commit = "c14";
  c.base_commit = "c13";
  c.verdict = "slower";
  c.ratio = 1.21;
  c.ci_low = 1.18;
  c.ci_high = 1.25;
  c.p_value = 0.00018;
  c.base_n = 10;
  c.head_n = 10;
  c.reproducer = "ci-run compare /repo c13 c14";
  c.source = "history";
  auto id1 = store->AddPerfChange(c);
  REQUIRE(id1.ok());
  c.commit = "c20";
  c.repo = "/other";
  REQUIRE(store->AddPerfChange(c).ok());
  auto mine = store->ListPerfChanges("/repo", 10);
  REQUIRE(mine.ok());
  REQUIRE(mine->size() == 1);
  CHECK((*mine)[0].id == *id1);
  CHECK((*mine)[0].ratio == 1.21);
  CHECK((*mine)[0].ci_low == 1.18);
  CHECK((*mine)[0].p_value == 0.00018);
  CHECK((*mine)[0].reproducer == "ci-run compare /repo c13 c14");
  auto all = store->ListPerfChanges("", 10);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  CHECK((*all)[0].commit == "c20");
}

TEST_CASE_TEMPLATE("Store lists each series of samples once", B, STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  REQUIRE(store
              ->AddSamples({Sample("c1", "boot_ms", 1), Sample("c2", "boot_ms", 2),
                            Sample("c1", "cpu_ms", 3), Sample("c1", "boot_ms", 4, "h2")})
              .ok());
  auto series = store->ListSampleSeries();
  REQUIRE(series.ok());
  REQUIRE(series->size() == 3);
  CHECK((*series)[0].host == "h1");
  CHECK((*series)[0].metric == "boot_ms");
  CHECK((*series)[1].metric == "cpu_ms");
  CHECK((*series)[2].host == "h2");
  CHECK((*series)[2].unikernel == "bench");
  CHECK((*series)[2].commits.empty());
}

}  // namespace
}  // namespace cirun
