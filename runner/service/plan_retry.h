// When the plan queue tries again to create the pipeline of a delivery it
// accepted (202) while the store did not answer. An accepted delivery is
// never dropped for a store outage: the queue keeps it at its head and tries
// again, longer and longer apart, until the store answers or serve stops (the
// store keeps one pipeline per delivery id, so a retry never doubles one).
#pragma once

#include <chrono>

namespace cirun {

/// The wait before the next try after `failures` (>= 1) failed rounds of
/// PlanQueue::PlanAndCreate: 5 s, 10 s, 20 s, then 30 s.
std::chrono::milliseconds PlanRetryDelay(int failures);

}  // namespace cirun
