#include "runner/pipeline/failure_bisect.h"

#include "harness/bisection.h"

namespace cirun {
namespace {

std::string Short(const std::string& commit) {
  return commit.substr(0, 12);
}

// Runs the tester once, noting what it saw.
CommitTest TestOnce(CommitTester& tester, const std::string& commit, FailureBisection* b) {
  CommitTest t = tester.Test(commit);
  ++b->tests;
  std::string line = Short(commit);
  switch (t.verdict) {
    case CommitVerdict::kPassed:
      line += " passed";
      break;
    case CommitVerdict::kFailed:
      line += " failed: " + t.cause;
      break;
    case CommitVerdict::kUntestable:
      line += " untestable: " + t.cause;
      break;
  }
  b->seen.push_back(line);
  return t;
}

BisectSide SideOf(const CommitTest& t) {
  switch (t.verdict) {
    case CommitVerdict::kPassed:
      return BisectSide::kBefore;
    case CommitVerdict::kFailed:
      return BisectSide::kAfter;
    case CommitVerdict::kUntestable:
      break;
  }
  return BisectSide::kUnmeasurable;
}

// Runs `commit` n times; returns how many runs had `verdict`.
int Count(CommitTester& tester, const std::string& commit, int n, CommitVerdict verdict,
          FailureBisection* b) {
  int count = 0;
  for (int i = 0; i < n; ++i) count += TestOnce(tester, commit, b).verdict == verdict;
  return count;
}

void Confirm(const std::string& parent, const std::string& culprit, CommitTester& tester, int n,
             FailureBisection* b) {
  b->parent = parent;
  b->culprit = culprit;
  const int failed = Count(tester, culprit, n, CommitVerdict::kFailed, b);
  const int passed = Count(tester, parent, n, CommitVerdict::kPassed, b);
  b->confirmed = failed == n && passed == n;
  if (!b->confirmed) {
    b->why = Short(culprit) + " failed " + std::to_string(failed) + " of " + std::to_string(n) +
             " runs, its parent " + Short(parent) + " passed " + std::to_string(passed) + " of " +
             std::to_string(n) + ": flaky, or the failure depends on more than the commit";
  }
}

}  // namespace

FailureBisection BisectFailure(const std::vector<std::string>& commits, CommitTester& tester,
                               const BisectOptions& options) {
  FailureBisection b;
  if (commits.size() < 2) {
    b.why = "the range has no commit after the good one";
    return b;
  }
  const CommitTest bad = TestOnce(tester, commits.back(), &b);
  if (bad.verdict != CommitVerdict::kFailed) {
    b.why = "the bad commit " + Short(commits.back()) +
            (bad.verdict == CommitVerdict::kPassed ? " passed" : " cannot be tested: " + bad.cause);
    return b;
  }
  const CommitTest good = TestOnce(tester, commits.front(), &b);
  if (good.verdict != CommitVerdict::kPassed) {
    b.why = "the good commit " + Short(commits.front()) +
            (good.verdict == CommitVerdict::kFailed ? " fails too: " + good.cause
                                                    : " cannot be tested: " + good.cause);
    return b;
  }
  std::vector<BisectSide> sides(commits.size(), BisectSide::kUnknown);
  sides.front() = BisectSide::kBefore;
  sides.back() = BisectSide::kAfter;
  BisectStep step = NextBisectStep(sides);
  while (step.kind == BisectStep::Kind::kMeasure) {
    sides[step.index] = SideOf(TestOnce(tester, commits[step.index], &b));
    step = NextBisectStep(sides);
  }
  if (step.kind == BisectStep::Kind::kAmbiguous) {
    b.parent = commits[step.first - 1];
    b.culprit = commits[step.last];
    b.why = "the first failure is between " + Short(b.parent) + " and " + Short(b.culprit) +
            ": the commits between cannot be tested";
    return b;
  }
  Confirm(commits[step.index - 1], commits[step.index], tester, options.confirmations, &b);
  return b;
}

}  // namespace cirun
