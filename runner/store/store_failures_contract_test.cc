// The Store contract, failures part (case runs, bisections, failure
// signatures), on every backend.
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

CaseRunRecord Run(int64_t job_id, const std::string& branch, const std::string& outcome, int runs,
                  int passes) {
  CaseRunRecord r;
  r.job_id = job_id;
  r.attempt = 1;
  r.repo = "/repo";
  r.branch = branch;
  r.commit = std::string(40, 'c');
  r.unikernel = "flaky";
  r.cell_key = "compiler=gcc,target=unix";
  r.case_name = "boot";
  r.outcome = outcome;
  r.runs = runs;
  r.passes = passes;
  return r;
}

TEST_CASE_TEMPLATE("Store keeps the runs of each case per branch, oldest first", B,
                   STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  REQUIRE(store->CreatePipeline(Pipeline(), {Job("flaky a")}).ok());
  auto job = **store->ClaimJob(Worker("w1"));
  REQUIRE(store->AddCaseRun(Run(job.job.id, "refs/heads/main", "flaky", 3, 2)).ok());
  REQUIRE(store->AddCaseRun(Run(job.job.id, "refs/heads/main", "passed", 1, 1)).ok());
  REQUIRE(store->AddCaseRun(Run(job.job.id, "refs/heads/other", "crashed", 3, 0)).ok());
  auto main = store->ListCaseRuns("/repo", "refs/heads/main");
  REQUIRE(main.ok());
  REQUIRE(main->size() == 2);
  CHECK(main->at(0).outcome == "flaky");
  CHECK(main->at(0).runs == 3);
  CHECK(main->at(0).passes == 2);
  CHECK(main->at(0).case_name == "boot");
  CHECK(main->at(0).cell_key == "compiler=gcc,target=unix");
  CHECK(main->at(0).created_ms > 0);
  CHECK(main->at(1).outcome == "passed");
  auto other = store->ListCaseRuns("/repo", "refs/heads/other");
  REQUIRE(other->size() == 1);
  CHECK(other->at(0).passes == 0);
  CHECK(store->ListCaseRuns("/elsewhere", "refs/heads/main")->empty());
}

TEST_CASE_TEMPLATE("Store keeps bisections newest first, per repository", B, STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  BisectionRecord b;
  b.repo = "/repo";
  b.unikernel = "hello";
  b.cell_key = "compiler=clang,target=unix";
  b.case_name = "build";
  b.good = std::string(40, 'a');
  b.bad = std::string(40, 'b');
  b.verdict = "confirmed";
  b.culprit = std::string(40, 'd');
  b.summary = "dddd failed 3 of 3 runs\naaaa passed 3 of 3 runs";
  auto first = store->AddBisection(b);
  REQUIRE(first.ok());
  b.verdict = "not confirmed";
  b.culprit = "";
  b.pipeline_id = 4;
  auto second = store->AddBisection(b);
  REQUIRE(second.ok());
  b.repo = "/other";
  REQUIRE(store->AddBisection(b).ok());
  auto listed = store->ListBisections("/repo", 10);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 2);
  CHECK(listed->at(0).id == *second);
  CHECK(listed->at(0).verdict == "not confirmed");
  CHECK(listed->at(0).pipeline_id == 4);
  CHECK(listed->at(1).culprit == std::string(40, 'd'));
  CHECK(listed->at(1).summary == "dddd failed 3 of 3 runs\naaaa passed 3 of 3 runs");
  CHECK(listed->at(1).created_ms > 0);
  CHECK(store->ListBisections("", 10)->size() == 3);
  CHECK(store->ListBisections("", 1)->size() == 1);
}

TEST_CASE_TEMPLATE("Store keeps the first and last commit of each failure signature", B,
                   STORE_BACKENDS) {
  B backend;
  CIRUN_OPEN_STORE(backend, store);
  testing::TestClock clock(*store);
  const std::string a(40, 'a'), b(40, 'b');
  REQUIRE(store->NoteFailureSignature("/repo", "crashed: PANIC: #", a, 6).ok());
  REQUIRE(store->NoteFailureSignature("/repo", "hung: ", a, 1).ok());
  clock.Pass(std::chrono::milliseconds(5));
  REQUIRE(store->NoteFailureSignature("/repo", "crashed: PANIC: #", b, 2).ok());
  auto listed = store->ListFailureSignatures("/repo");
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 2);
  CHECK(listed->at(0).signature == "crashed: PANIC: #");
  CHECK(listed->at(0).first_commit == a);
  CHECK(listed->at(0).last_commit == b);
  CHECK(listed->at(0).cells == 8);
  CHECK(listed->at(0).last_seen_ms >= listed->at(0).first_seen_ms);
  CHECK(listed->at(1).signature == "hung: ");
  CHECK(listed->at(1).last_commit == a);
  CHECK(store->ListFailureSignatures("/other")->empty());
}

}  // namespace
}  // namespace cirun
