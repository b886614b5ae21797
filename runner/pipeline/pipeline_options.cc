#include "runner/pipeline/pipeline_options.h"

namespace cirun {

nlohmann::json PipelineOptionsSection(const std::string& options_json, const std::string& section) {
  const nlohmann::json j = nlohmann::json::parse(options_json, nullptr, false);
  if (!j.is_object() || !j.contains(section) || !j[section].is_object())
    return nlohmann::json::object();
  return j[section];
}

std::string WithPipelineOptionsSection(const std::string& options_json, const std::string& section,
                                       nlohmann::json value) {
  nlohmann::json j =
      nlohmann::json::parse(options_json.empty() ? "{}" : options_json, nullptr, false);
  if (!j.is_object()) j = nlohmann::json::object();
  j[section] = std::move(value);
  return j.dump();
}

std::string PipelineOptionsJson(const RepoConfig& config) {
  nlohmann::json fail_fast = nlohmann::json::array();
  nlohmann::json max_parallel = nlohmann::json::object();
  for (const UnikernelSpec& u : config.unikernels) {
    const Matrix& m = u.matrix ? *u.matrix : config.matrix;
    if (m.fail_fast) fail_fast.push_back(u.name);
    if (m.max_parallel > 0) max_parallel[u.name] = m.max_parallel;
  }
  return nlohmann::json{{"fail_fast", fail_fast}, {"max_parallel", max_parallel}}.dump();
}

}  // namespace cirun
