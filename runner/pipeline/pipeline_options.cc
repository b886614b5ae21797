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

}  // namespace cirun
