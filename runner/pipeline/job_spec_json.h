// JobPlan <-> JSON: the job spec stored with each job, so that any worker
// (in-process or on another machine) can run it without the repository's
// configuration at hand.
#pragma once

#include <string>

#include "base/status.h"
#include "jobs/job_plan.h"

namespace cirun {

/// Serialises every field of `plan` (compact JSON). Never fails.
std::string JobPlanToJson(const JobPlan& plan);

/// Parses what JobPlanToJson wrote. Returns InvalidArgument on malformed JSON
/// or missing fields.
Result<JobPlan> JobPlanFromJson(const std::string& json);

}  // namespace cirun
