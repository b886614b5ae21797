#include "runner/pipeline/failure_bisect.h"

#include <doctest/doctest.h>

#include <map>
#include <random>

namespace cirun {
namespace {

// A history of `n` commits "c00" ... whose tests follow a script.
std::vector<std::string> History(int n) {
  std::vector<std::string> commits;
  for (int i = 0; i < n; ++i) commits.push_back((i < 10 ? "c0" : "c") + std::to_string(i));
  return commits;
}

class FakeTester : public CommitTester {
 public:
  // Commits from `first_bad` on fail; `untestable` cannot be tested;
  // `flaky` fails only its first run.
  FakeTester(int first_bad, std::vector<int> untestable = {}, int flaky = -1)
      : first_bad_(first_bad), untestable_(std::move(untestable)), flaky_(flaky) {}
  CommitTest Test(const std::string& commit) override {
    const int i = std::stoi(commit.substr(1));
    ++runs_[commit];
    for (int u : untestable_)
      if (u == i) return {CommitVerdict::kUntestable, "no such unikernel"};
    if (i == flaky_) {
      if (runs_[commit] == 1) return {CommitVerdict::kFailed, "PANIC once"};
      return {CommitVerdict::kPassed, ""};
    }
    if (i >= first_bad_) return {CommitVerdict::kFailed, "crashed: PANIC"};
    return {CommitVerdict::kPassed, ""};
  }
  std::map<std::string, int> runs_;

 private:
  int first_bad_;
  std::vector<int> untestable_;
  int flaky_;
};

TEST_CASE("bisection names the first failing commit, confirmed 3 of 3") {
  FakeTester tester(13);
  FailureBisection b = BisectFailure(History(40), tester);
  CHECK(b.confirmed);
  CHECK(std::string(b.Verdict()) == "confirmed");
  CHECK(b.culprit == "c13");
  CHECK(b.parent == "c12");
  CHECK(tester.runs_["c13"] >= 4);  // found once, then three confirmations
  CHECK(tester.runs_["c12"] >= 4);
  CHECK(b.tests < 20);  // a bisection, not a walk
  CHECK(b.seen.front() == "c39 failed: crashed: PANIC");
  CHECK(b.seen[1] == "c00 passed");
}

TEST_CASE("bisection finds a defect planted at any commit of a seeded random history") {
  std::mt19937 rng(20261207);
  for (int round = 0; round < 20; ++round) {
    const int n = 2 + static_cast<int>(rng() % 60);
    const int planted = 1 + static_cast<int>(rng() % (n - 1));
    FakeTester tester(planted);
    FailureBisection b = BisectFailure(History(n), tester);
    CHECK(b.confirmed);
    CHECK(b.culprit == History(n)[planted]);
  }
}

TEST_CASE("a flaky culprit is never confirmed, the runs are told") {
  FakeTester tester(99, {}, 7);  // only c07 fails, and only on its first run
  std::vector<std::string> commits = History(8);
  FailureBisection b = BisectFailure(commits, tester);
  CHECK_FALSE(b.confirmed);
  CHECK(b.why.find("c07 failed 0 of 3 runs") == 0);
}

TEST_CASE("ends that do not behave end the bisection, not confirmed") {
  FakeTester passes_everywhere(99);
  FailureBisection b = BisectFailure(History(5), passes_everywhere);
  CHECK_FALSE(b.confirmed);
  CHECK(b.why == "the bad commit c04 passed");
  CHECK(b.culprit.empty());
  FakeTester fails_everywhere(0);
  b = BisectFailure(History(5), fails_everywhere);
  CHECK(b.why == "the good commit c00 fails too: crashed: PANIC");
  CHECK(BisectFailure(History(1), fails_everywhere).why ==
        "the range has no commit after the good one");
}

TEST_CASE("untestable commits between the last pass and the first failure leave it open") {
  FakeTester tester(5, {3, 4});
  FailureBisection b = BisectFailure(History(8), tester);
  CHECK_FALSE(b.confirmed);
  CHECK(b.why == "the first failure is between c02 and c05: the commits between cannot be tested");
}

TEST_CASE("untestable commits elsewhere are skipped") {
  FakeTester tester(6, {2, 3, 9});
  FailureBisection b = BisectFailure(History(12), tester);
  CHECK(b.confirmed);
  CHECK(b.culprit == "c06");
}

}  // namespace
}  // namespace cirun
