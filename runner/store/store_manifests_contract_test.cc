// The Store contract, job manifests part (AddManifest, GetManifest,
// FindManifests), on every backend.
#include <doctest/doctest.h>

#include <thread>

#include "runner/store/store.h"
#include "tests/store_backends.h"
#include "tests/store_records.h"

namespace cirun {
namespace {

using testing::Job;
using testing::Pipeline;
using testing::Worker;

ManifestRecord Manifest(const ClaimedJob& c, const std::string& tree, const std::string& sha) {
  ManifestRecord m;
  m.job_id = c.job.id;
  m.attempt = c.job.attempt;
  m.source_tree = tree;
  m.image_sha256 = sha;
  m.image_size = 4096;
  m.manifest_json = R"({"source":{"tree":")" + tree + R"("}})";
  return m;
}

TEST_CASE_TEMPLATE("Store keeps one manifest per job attempt, current attempt only", B,
                   STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  testing::TestClock clock(*store);
  auto p = store->CreatePipeline(Pipeline(), {Job("hello a")});
  REQUIRE(p.ok());
  auto first = **store->ClaimJob(Worker("w1", std::chrono::milliseconds(1)));
  CHECK(!store->GetManifest(first.job.id)->has_value());
  REQUIRE(store->AddManifest(Manifest(first, "t1", "aa11")).ok());
  // Recorded again for the same attempt: replaced, not doubled.
  REQUIRE(store->AddManifest(Manifest(first, "t2", "aa22")).ok());
  auto got = store->GetManifest(first.job.id);
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  const ManifestRecord& m = **got;
  CHECK(m.source_tree == "t2");
  CHECK(m.image_sha256 == "aa22");
  CHECK(m.image_size == 4096);
  CHECK(m.manifest_json == R"({"source":{"tree":"t2"}})");
  CHECK(m.pipeline_id == *p);
  CHECK(m.repo == "/repo");
  CHECK(m.commit == std::string(40, 'a'));
  CHECK(m.job_name == "hello a");
  CHECK(m.unikernel == "hello");
  CHECK(m.cell_key == "target=virtio");
  CHECK(m.job_state == "running");
  CHECK(m.created_ms > 0);
  // A new attempt hides the old attempt's manifest.
  clock.Pass(std::chrono::milliseconds(10));
  REQUIRE(store->RequeueExpired().ok());
  auto second = **store->ClaimJob(Worker("w2"));
  REQUIRE(second.job.id == first.job.id);
  CHECK(!store->GetManifest(first.job.id)->has_value());
  CHECK(store->FindManifests({})->empty());
}

TEST_CASE_TEMPLATE("Store finds manifests by image hash prefix and by source, newest first", B,
                   STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  auto p1 = store->CreatePipeline(Pipeline(), {Job("hello a")});
  auto p2 = store->CreatePipeline(Pipeline(), {Job("hello a")});
  auto j1 = **store->ClaimJob(Worker("w1"));
  auto j2 = **store->ClaimJob(Worker("w1"));
  REQUIRE(store->AddManifest(Manifest(j1, "tree-1", "abcdef01")).ok());
  REQUIRE(store->AddManifest(Manifest(j2, "tree-1", "abcd9999")).ok());
  ManifestQuery by_hash;
  by_hash.image_sha256_prefix = "abcdef";
  auto found = store->FindManifests(by_hash);
  REQUIRE(found.ok());
  REQUIRE(found->size() == 1);
  CHECK(found->at(0).job_id == j1.job.id);
  by_hash.image_sha256_prefix = "abcd";
  found = store->FindManifests(by_hash);
  REQUIRE(found->size() == 2);
  CHECK(found->at(0).pipeline_id == *p2);
  CHECK(found->at(1).pipeline_id == *p1);
  ManifestQuery same_source;
  same_source.source_tree = "tree-1";
  same_source.unikernel = "hello";
  same_source.cell_key = "target=virtio";
  same_source.repo = "/repo";
  same_source.before_pipeline = *p2;
  found = store->FindManifests(same_source);
  REQUIRE(found->size() == 1);
  CHECK(found->at(0).pipeline_id == *p1);
  same_source.source_tree = "tree-2";
  CHECK(store->FindManifests(same_source)->empty());
  ManifestQuery one;
  one.limit = 1;
  CHECK(store->FindManifests(one)->size() == 1);
}

}  // namespace
}  // namespace cirun
