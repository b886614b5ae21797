// Helpers shared by the Store implementations: labels and derived states.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "runner/store/store.h"

namespace cirun {

/// Labels are stored as one space-separated string.
std::string JoinLabels(const std::vector<std::string>& labels);
std::vector<std::string> SplitLabels(const std::string& text);

/// True if every label in `required` is in `offered`.
bool LabelsSatisfied(const std::vector<std::string>& required,
                     const std::vector<std::string>& offered);

/// The names of the `workers` that offer every label in `required`.
std::vector<std::string> WorkersOffering(const std::vector<std::string>& required,
                                         const std::vector<WorkerRecord>& workers);
/// True if some worker in `workers` offers every label in `required`.
bool OfferedByAny(const std::vector<std::string>& required,
                  const std::vector<WorkerRecord>& workers);

/// The state of a pipeline from the counts of its jobs by state name:
/// "queued" (nothing started), "running", else "waiting" if a job waits for
/// approval, else "failed" if any job failed or hit infra, "cancelled" if any
/// was cancelled, else "passed".
std::string PipelineStateFromCounts(const std::map<std::string, int64_t>& counts);

}  // namespace cirun
