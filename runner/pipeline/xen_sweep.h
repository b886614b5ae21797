// The start-up sweep of Xen domains that a crashed ci-run left running.
#pragma once

#include <string>
#include <vector>

#include "harness/process_runner.h"
#include "harness/target_spec.h"

namespace cirun {

/// Call once at start-up, before any boot, with the targets this run may boot
/// (ci-run local, boot, worker, serve). For every distinct xl binary among the
/// xen targets whose boots go through xl here (a Xen dom0, or force-xl),
/// destroys the ci-run domains whose ci-run process is gone
/// (SweepLeftoverXlDomains). Other targets cost nothing (no process runs).
/// Returns one line per event, for the caller to print:
///   "destroyed leftover Xen domain NAME (its ci-run process PID is gone)"
///   "warning: cannot destroy leftover Xen domain NAME: WHY"
///   "warning: cannot look for leftover Xen domains: WHY"
std::vector<std::string> SweepXenLeftovers(const std::vector<TargetSpec>& targets,
                                           ProcessRunner& runner);

}  // namespace cirun
