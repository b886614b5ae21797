// A pipeline's options_json: one JSON object whose sections ("fuzz", "bench",
// "history", ...) each step reads for itself. Helpers for the steps' Read/With
// functions, so that a missing or malformed document never stops a pipeline.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "jobs/repo_config.h"

namespace cirun {

/// The object under `section` of `options_json`, or an empty object when the
/// document or the section is missing, malformed or not an object.
nlohmann::json PipelineOptionsSection(const std::string& options_json, const std::string& section);

/// `options_json` with `section` set to `value`; an empty or malformed
/// document starts as an empty object.
std::string WithPipelineOptionsSection(const std::string& options_json, const std::string& section,
                                       nlohmann::json value);

/// Pipeline-wide options from the config: {"fail_fast": [unikernel...],
/// "max_parallel": {unikernel: n}} as a JSON object.
std::string PipelineOptionsJson(const RepoConfig& config);

}  // namespace cirun
