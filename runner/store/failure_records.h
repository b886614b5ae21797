// What the store keeps about failures: how often each boot or test case ran
// and passed (flaky or deterministic), failure bisections (the culprit
// commit of a cell that turned red), and failure signatures (one failure
// seen in many cells and commits).
#pragma once

#include <cstdint>
#include <string>

namespace cirun {

/// The runs of one boot or test case in one job attempt: the first run and
/// its reruns (runner/pipeline/case_runs.h). Every case is recorded, passed
/// at once or not, so a case's pass rate on a branch is the sum of `passes`
/// over the sum of `runs`.
struct CaseRunRecord {
  int64_t job_id = 0;
  int attempt = 0;
  std::string repo;       // the pipeline's repository
  std::string branch;     // the pipeline's ref: "refs/heads/main", "HEAD", a tag
  std::string commit;     // full commit id
  std::string unikernel;  //
  std::string cell_key;   // "compiler=gcc,target=virtio"
  std::string case_name;  // "boot", "test:<name>"
  std::string outcome;    // as its step: "passed", "flaky", "crashed", ...
  int runs = 0;
  int passes = 0;
  int64_t created_ms = 0;  // set by AddCaseRun
};

/// The result of searching a range of first-parent commits for the one that
/// made a cell (and case) fail.
struct BisectionRecord {
  int64_t id = 0;           // set by AddBisection
  int64_t pipeline_id = 0;  // the pipeline whose failure started it; 0: `ci-run bisect`
  std::string repo;
  std::string unikernel;
  std::string cell_key;
  std::string case_name;   // "build", "boot", "test:<name>"
  std::string good;        // full commit id that passed
  std::string bad;         // full commit id that failed
  std::string verdict;     // "confirmed", "not confirmed", "error"
  std::string culprit;     // full commit id when confirmed, else ""
  std::string summary;     // what was seen, one line per commit tested
  int64_t created_ms = 0;  // set by AddBisection
};

/// One failure signature (outcome + normalised cause) of a repository, with
/// where it was seen first and last.
struct FailureSignatureRecord {
  std::string repo;
  std::string signature;     // "crashed: Fatal error: exception Not_found"
  std::string first_commit;  // full commit id of the first pipeline that showed it
  std::string last_commit;   // and of the latest
  int64_t first_seen_ms = 0;
  int64_t last_seen_ms = 0;
  int64_t cells = 0;  // how many failed cells showed it, over every pipeline
};

}  // namespace cirun
