// FailureBisect: the first commit of a first-parent range at which one
// cell's case fails, searched by bisection and then confirmed: the culprit
// must fail N times (default 3) and its parent pass N times, else the range
// is reported "not confirmed" with what was seen, never as a culprit.
#pragma once

#include <string>
#include <vector>

namespace cirun {

/// What one test of a commit showed.
enum class CommitVerdict {
  kPassed,
  kFailed,      // the case did not pass (for a build: the build failed)
  kUntestable,  // the commit cannot show the case: no such unikernel, cell or
                // case there, a build failure when the case is a boot, infra
};

struct CommitTest {
  CommitVerdict verdict = CommitVerdict::kUntestable;
  std::string cause;  // one line when failed or untestable
};

/// Tests commits for a bisection. Not thread-safe.
class CommitTester {
 public:
  virtual ~CommitTester() = default;
  /// Runs the case once at `commit` (a full commit id). Testing one commit
  /// again runs it again (the image may be reused; the run is fresh).
  virtual CommitTest Test(const std::string& commit) = 0;
};

struct BisectOptions {
  int confirmations = 3;  // runs of the culprit (all must fail) and of its parent (all must pass)
};

struct FailureBisection {
  bool confirmed = false;
  std::string culprit;  // the first failing commit (confirmed or only suspected), or ""
  std::string parent;   // its first parent in the range, or ""
  std::string why;      // when not confirmed: one line
  std::vector<std::string>
      seen;       // every test in order: "<12 hex> passed", "<12 hex> failed: <cause>"
  int tests = 0;  // how many times the tester ran

  /// "confirmed" or "not confirmed".
  const char* Verdict() const { return confirmed ? "confirmed" : "not confirmed"; }
};

/// Bisects `commits`, a first-parent range oldest first: front() the good
/// commit (passed before), back() the bad one (failed). Tests the bad and
/// the good end once each (a bad end that passes, or a good end that fails,
/// ends it: not confirmed), then the commit nearest the middle of the
/// boundary until a failing commit follows a passing one (untestable commits
/// are skipped; when only untestable commits separate the two, not
/// confirmed: the first failure is somewhere between them). Then confirms:
/// the culprit runs `confirmations` times and must fail every time, its
/// parent runs as often and must pass every time.
FailureBisection BisectFailure(const std::vector<std::string>& commits, CommitTester& tester,
                               const BisectOptions& options = {});

}  // namespace cirun
