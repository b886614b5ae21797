// WorkerHealth: whether a service worker may take jobs (LAVA's health checks).
//
// A worker whose jobs keep ending `infra` (its QEMU broke, its disk filled)
// would otherwise fail every job it claims. After `infra_limit` jobs in a row
// end infra it is unhealthy: it claims nothing, says why in the store's
// worker registry, and every `check_every` runs a health boot: the last main
// boot that passed on it, per target (a known-good image, kept aside), with
// the same expectations. When every health boot passes it takes jobs again.
// Thread-safe: the job pool's slots share one.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "harness/boot_request.h"
#include "runner/store/store.h"

namespace cirun {

struct WorkerHealthOptions {
  int infra_limit = 3;                            // infra jobs in a row that make it unhealthy
                                                  // (0: never unhealthy)
  std::chrono::milliseconds check_every{60'000};  // health boot period while unhealthy
};

/// A boot known to pass on this worker: its target and request, with the
/// image copied aside (request.image is that copy).
struct HealthBoot {
  std::string target;
  BootRequest request;
};

/// Runs one health boot (the real one: MakeBootBackend + Boot, unboxed).
using HealthBootFunction = std::function<BootResult(const HealthBoot&)>;

class WorkerHealth {
 public:
  /// `dir` holds the known-good images (created on first use); `boot` runs
  /// a health boot.
  WorkerHealth(WorkerHealthOptions options, std::string dir, HealthBootFunction boot);

  /// Counts a finished job: infra adds one to the run of infra jobs, any
  /// other verdict ends it. Returns true when this job made the worker
  /// unhealthy (the caller logs it). `cause` is the job's "NAME: cause".
  bool JobEnded(JobState state, const std::string& cause);

  /// Why this worker takes no jobs; "" when healthy.
  std::string Unhealthy() const;

  /// Keeps `request`'s image (a main boot that just passed on `target`, from
  /// a trusted pipeline) as the health boot of `target`, replacing the
  /// previous one. A copy error is ignored (the old one stays).
  void BootPassed(const std::string& target, const BootRequest& request);

  /// While unhealthy, once per `check_every` (the first call after the worker
  /// turned unhealthy waits a period too): runs the health boots. Every one
  /// passing (or none kept: a worker that never passed a boot has nothing to
  /// check and is trusted again) makes it healthy. Returns a line for the log
  /// when a check ran; nullopt when none was due. Only one caller at a time
  /// runs the check.
  std::optional<std::string> CheckIfDue();

 private:
  const WorkerHealthOptions options_;
  const std::string dir_;
  const HealthBootFunction boot_;
  mutable std::mutex mu_;
  int infra_in_a_row_ = 0;                      // guarded by mu_
  std::string unhealthy_;                       // guarded by mu_
  std::chrono::steady_clock::time_point next_;  // guarded by mu_: next health boot
  bool checking_ = false;                       // guarded by mu_
  std::map<std::string, HealthBoot> boots_;     // guarded by mu_: by target
};

}  // namespace cirun
