// Measuring benchmarks: boots of built images as their `bench:` section says,
// interleaved across subjects, and the escalating comparison of two subjects.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "harness/boot_backend.h"
#include "harness/perf_verdict.h"
#include "harness/process_runner.h"
#include "jobs/job_plan.h"

namespace cirun {

/// One thing to benchmark: the built image of one (commit, unikernel, cell).
struct BenchSubject {
  std::string label;                     // for messages, e.g. "3f2a1b9c" or "base"
  std::string commit;                    // full commit id; "" for a work tree as it is
  JobPlan plan;                          // plan.bench is set
  std::string image;                     // absolute path of the image
  std::string workspace;                 // the boots' working directory
  const BootBackend* backend = nullptr;  // of plan.target; borrowed
};

/// The samples of one subject: metric -> values in the order measured.
struct BenchSamples {
  std::map<std::string, std::vector<double>> values;
  std::map<std::string, std::string> units;
  int runs = 0;  // boots that yielded values
};

/// True if `plan`'s bench boots run on a guest clock that counts executed
/// instructions: its bench.clock is instructions and `backend` can do that.
bool CountsInstructions(const JobPlan& plan, const BootBackend& backend);

/// The host name samples of `plan` booted by `backend` are filed under:
/// `host`, or "HOST/instructions" when CountsInstructions, so that counts and
/// timings of the host's clock are never compared with each other.
std::string SampleHost(const std::string& host, const JobPlan& plan, const BootBackend& backend);

/// The names of the metrics `plan` keeps (bench.metrics, default boot_ms).
std::vector<std::string> BenchMetricNames(const JobPlan& plan);

/// Called after each boot: subject index, runs done for it, runs planned.
using BenchProgress = std::function<void(size_t subject, int done, int planned)>;

/// Runs `rounds` rounds; each round boots every subject once, in order on
/// even rounds and in reverse on odd ones (A B, B A, A B, ...), so that drift
/// of the machine and any order effect hit every subject alike. A boot is
/// the main boot's expect / fail / timeout / exit with bench.args; an infra
/// outcome is retried once. Appends the values of `metrics` to (*samples)[i].
/// Any other failed boot ends the run with FailedPrecondition naming the
/// subject and the cause; cancellation with Cancelled.
Status RunInterleaved(ProcessRunner& runner, const std::vector<BenchSubject>& subjects, int rounds,
                      const std::vector<std::string>& metrics, std::vector<BenchSamples>* samples,
                      const BenchProgress& progress, const CancelToken* cancel);

/// The metrics whose verdicts end a comparison of `plan`'s subjects booted by
/// `backend`: with `decide` kExact and CountsInstructions, the metrics the
/// instruction clock makes exact: every metric but the host's timings
/// (boot_ms, cpu_ms) and image_bytes (exact, but no timing) where the guest's
/// own clock counts instructions (QEMU -icount), else `instructions` alone
/// (the unix target under QEMU's user mode). Empty (every metric decides)
/// otherwise, or when no such metric is kept.
std::vector<std::string> DecidingMetrics(const JobPlan& plan, const BootBackend& backend,
                                         BenchDecide decide);

/// The metrics of `plan` booted by `backend` that the host's clock times:
/// boot_ms and cpu_ms; and every metric but image_bytes and `instructions`
/// when the guest's own clock does not count instructions (it is then the
/// host's: no counting at all, or the unix target under QEMU's user mode).
std::vector<std::string> HostClockMetrics(const JobPlan& plan, const BootBackend& backend);

/// How CompareInterleaved escalates.
struct CompareOptions {
  int runs = 10;           // rounds per batch (Pinpoint's 10 runs each)
  int max_runs = 40;       // stop adding batches when a subject has this many runs
  VerdictOptions verdict;  // lower_is_better is taken per metric from `directions`
  /// Stop adding batches once these metrics are not inconclusive (the exact
  /// ones: DecidingMetrics); empty: once no metric is.
  std::vector<std::string> deciding;
};

struct InterleavedComparison {
  BenchSamples base, head;
  std::map<std::string, MetricComparison> metrics;  // by metric name
  int runs = 0;                                     // per subject
  /// Metrics still inconclusive when measuring stopped because the deciding
  /// ones had decided, before max_runs; empty when it ran on to the end.
  std::vector<std::string> undecided;
};

/// What CompareInterleaved does after a batch.
struct BatchDecision {
  bool more = false;                   // add a batch
  std::vector<std::string> undecided;  // when stopping before max_runs with metrics inconclusive
};

/// After `runs` rounds with verdicts `metrics`: another batch while a
/// deciding metric (options.deciding, any when empty) is inconclusive and
/// another batch stays within max_runs. When the deciding metrics decided
/// before max_runs, `undecided` lists the other metrics still inconclusive.
BatchDecision AfterBatch(const std::map<std::string, MetricComparison>& metrics,
                         const CompareOptions& options, int runs);

/// Measures `base` and `head` interleaved, `runs` rounds at a time, and
/// decides each metric (CompareSamples); adds batches while a deciding
/// metric (options.deciding, or any when empty) is inconclusive and fewer
/// than max_runs rounds were run. `directions` maps a metric to
/// lower_is_better (missing: true). Errors as RunInterleaved.
Result<InterleavedComparison> CompareInterleaved(
    ProcessRunner& runner, const BenchSubject& base, const BenchSubject& head,
    const std::vector<std::string>& metrics, const std::map<std::string, bool>& directions,
    const CompareOptions& options, const BenchProgress& progress, const CancelToken* cancel);

/// metric -> lower_is_better from plan.bench (boot_ms when it has none).
std::map<std::string, bool> BenchDirections(const JobPlan& plan);

/// `options` with lower_is_better set for `metric` from `directions`
/// (BenchDirections; a metric missing there: lower is better).
VerdictOptions VerdictFor(VerdictOptions options, const std::map<std::string, bool>& directions,
                          const std::string& metric);

}  // namespace cirun
