// The Store contract, fuzz findings part (AddFinding, ListFindings), on
// every backend.
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

TEST_CASE_TEMPLATE("Store keeps fuzz findings per pipeline, current attempts only", B,
                   STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  testing::TestClock clock(*store);
  auto p1 = store->CreatePipeline(Pipeline(), {Job("bootvars a")});
  auto p2 = store->CreatePipeline(Pipeline(), {Job("bootvars b")});
  auto first = **store->ClaimJob(Worker("w1", std::chrono::milliseconds(1)));
  REQUIRE(first.job.pipeline_id == *p1);
  FindingRecord f;
  f.job_id = first.job.id;
  f.attempt = first.job.attempt;
  f.repo = "/repo";
  f.commit = std::string(40, 'a');
  f.unikernel = "bootvars";
  f.cell_key = "target=virtio";
  f.signature = "hung: port: # | verbose: false";
  f.outcome = "hung";
  f.cause = "timed out after 1s";
  f.command_line = "--port=0";
  f.original = "--name=ci --port=0";
  f.reproducer = "ci-run local /repo --cmdline=--port=0";
  f.boot_reproducer = "ci-run boot x";
  f.hits = 3;
  f.seed = 7;
  auto id = store->AddFinding(f);
  REQUIRE(id.ok());
  auto found = store->ListFindings(*p1);
  REQUIRE(found.ok());
  REQUIRE(found->size() == 1);
  const FindingRecord& back = found->at(0);
  CHECK(back.id == *id);
  CHECK(back.pipeline_id == *p1);
  CHECK(back.signature == f.signature);
  CHECK(back.command_line == "--port=0");
  CHECK(back.original == f.original);
  CHECK(back.reproducer == f.reproducer);
  CHECK(back.boot_reproducer == f.boot_reproducer);
  CHECK(back.hits == 3);
  CHECK(back.seed == 7);
  CHECK(back.created_ms > 0);
  CHECK(store->ListFindings(*p2)->empty());
  // A new attempt of the job hides the old attempt's findings.
  clock.Pass(std::chrono::milliseconds(10));
  REQUIRE(store->RequeueExpired().ok());
  auto second = **store->ClaimJob(Worker("w2"));
  REQUIRE(second.job.id == first.job.id);
  CHECK(store->ListFindings(*p1)->empty());
}

}  // namespace
}  // namespace cirun
