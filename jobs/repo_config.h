// RepoConfig: the parsed, validated `.ci-run.yml` of a repository.
//
// Plain structs with a commented default on every field. Produced only by
// ParseRepoConfig (repo_config_parser.h); everything in here has been
// validated, so consumers never re-check shapes.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cirun {

/// A place in a configuration file, 1-based; line 0 means "unknown".
struct SourcePos {
  std::string file;
  int line = 0;
  int column = 0;
  /// "file:line:col" (or just "file" when the position is unknown).
  std::string ToString() const;
};

/// One assignment of values to matrix axes, e.g. {compiler: gcc, target: virtio},
/// in the order the keys were written.
using MatrixValues = std::vector<std::pair<std::string, std::string>>;

struct MatrixAxis {
  std::string name;                 // e.g. "compiler"
  std::vector<std::string> values;  // e.g. ["gcc", "clang"], never empty
};

/// A matrix with GitHub Actions semantics (see matrix.h for expansion).
struct Matrix {
  std::vector<MatrixAxis> axes;       // in file order; may be empty if only `include` is used
  std::vector<MatrixValues> include;  // `include:` entries (may add keys or cells)
  std::vector<MatrixValues> exclude;  // `exclude:` entries (partial matches remove cells)
  bool fail_fast = false;             // stop starting new cells after the first failure;
                                      // default false, unlike GitHub's true: one broken
                                      // target should not hide the others' results
  int max_parallel = 0;               // 0: no limit beyond --jobs
};

/// One boot of an image with runtime arguments and its judgement rules.
/// Strings may contain ${variables}; they are expanded by PlanJobs.
struct BootCase {
  std::string name = "boot";                    // "boot" for the main boot, else the test name
  std::vector<std::string> args;                // runtime arguments ("bootvars"), one per element
  std::vector<std::string> expect;              // RE2 regexes that must match lines, in order
  std::vector<std::string> fail;                // any match fails the boot at once
  std::chrono::milliseconds timeout{20'000};    // whole boot, from spawn to exit
  std::vector<int> exit_codes{0};               // accepted guest exit codes; empty: pass once
                                                // every `expect` matched, then stop the VM
                                                // (a server; `expect` is then non-empty)
  std::string outcome = "passed";               // the outcome that passes the case (`outcome:`):
                                                // passed, or for a negative test crashed, hung,
                                                // failed or rejected; never inherited by tests
  SourcePos where;                              // where the case was written
  std::optional<std::string> raw_command_line;  // not from .ci-run.yml: set by `ci-run local
                                                // --cmdline`; the guest gets it verbatim
};

/// Typed runtime arguments for the fuzzer (issue: bootvar fuzzing).
struct FuzzKey {
  std::string name;  // argument key without dashes, e.g. "port"
  std::string type;  // "string", "int[1,65535]", "bool", "ipv4", "ipv4-cidr", "enum[a,b]"
};
struct FuzzSpec {
  std::vector<FuzzKey> keys;          // in file order
  int boots = 200;                    // budget per cell in a pipeline
  std::chrono::milliseconds time{0};  // wall-time budget; 0: boots only
  SourcePos where;
};

/// Benchmark settings (issue: performance regressions).
struct BenchMetric {
  std::string name;             // "boot_ms", "image_bytes", or a METRIC line name
  bool lower_is_better = true;  // direction of "better"
};
/// The clock bench boots run under.
enum class BenchClock {
  kHost,          // the machine's own clock: timings vary with the host's load
  kInstructions,  // QEMU targets: the guest's clock counts executed instructions
                  // (-icount, TCG), so a timing the guest takes is an exact count
};

/// When a comparison stops adding runs.
enum class BenchDecide {
  kExact,  // once the metrics the instruction clock makes exact have decided (default); with
           // none (clock: host), once every metric has
  kAll,    // once every metric has decided, or at the maximum runs
};

struct BenchSpec {
  int runs = 10;                     // samples per commit
  std::vector<std::string> args;     // runtime arguments for bench boots (default: boot.args)
  std::vector<BenchMetric> metrics;  // default: boot_ms only
  std::optional<double> fail_on_regression;  // e.g. 0.10: a >10% slowdown fails the cell
  SourcePos where;
  BenchClock clock = BenchClock::kHost;      // the clock bench boots run under
  BenchDecide decide = BenchDecide::kExact;  // `decide:` exact | all
};

/// One unikernel of the repository.
struct UnikernelSpec {
  std::string name;                                  // key under `unikernels:`
  std::string path = ".";                            // directory in the repo; commands run there
  std::string build;                                 // shell command (run with sh -c) to build
  std::string image;                                 // image path relative to `path`
  std::chrono::milliseconds build_timeout{600'000};  // per build
  BootCase boot;                                     // the main boot
  std::vector<BootCase> tests;                       // further end-to-end cases
  std::optional<Matrix> matrix;    // replaces the top-level matrix for this unikernel
  std::optional<FuzzSpec> fuzz;    // absent: no fuzz step
  std::optional<BenchSpec> bench;  // absent: no bench step
  SourcePos where;
};

/// What happens to a boot or test case that did not pass (top-level
/// `reruns:` and `flaky:`): it runs again before the verdict; failing every
/// time is deterministic, passing on a rerun is flaky.
struct FailurePolicy {
  int reruns = 2;            // more runs of a case that did not pass (0 to 10); 0: none
  bool flaky_fails = false;  // `flaky: fail`: a flaky case fails its job; `flaky: warn`
                             // (the default): the job passes, the case is shown as flaky
};

struct RepoConfig {
  std::string file;                       // the file it was read from (for messages)
  Matrix matrix;                          // top-level matrix
  std::vector<UnikernelSpec> unikernels;  // in file order, at least one
  FailurePolicy failures;                 // top-level `reruns:` and `flaky:`
};

}  // namespace cirun
