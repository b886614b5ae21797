#include "runner/pipeline/step_detail.h"

#include <algorithm>
#include <limits>

namespace cirun {

StepDetail::StepDetail(nlohmann::json object) {
  if (object.is_object()) json_ = std::move(object);
}

StepDetail StepDetail::Parse(std::string_view detail_json) {
  return StepDetail(nlohmann::json::parse(detail_json, nullptr, /*allow_exceptions=*/false));
}

std::vector<std::string> StepDetail::Keys() const {
  std::vector<std::string> keys;
  for (const auto& [key, value] : json_.items()) keys.push_back(key);
  return keys;
}

const nlohmann::json* StepDetail::Find(std::string_view key) const {
  auto it = json_.find(key);
  return it == json_.end() ? nullptr : &*it;
}

std::optional<std::string> StepDetail::String(std::string_view key) const {
  const nlohmann::json* v = Find(key);
  if (!v || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

std::optional<int64_t> StepDetail::Int(std::string_view key) const {
  const nlohmann::json* v = Find(key);
  if (!v) return std::nullopt;
  if (v->is_number_unsigned()) {
    const uint64_t u = v->get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (v->is_number_integer()) return v->get<int64_t>();
  return std::nullopt;
}

std::optional<uint64_t> StepDetail::Unsigned(std::string_view key) const {
  const nlohmann::json* v = Find(key);
  if (!v) return std::nullopt;
  if (v->is_number_unsigned()) return v->get<uint64_t>();
  if (v->is_number_integer() && v->get<int64_t>() >= 0)
    return static_cast<uint64_t>(v->get<int64_t>());
  return std::nullopt;
}

std::optional<double> StepDetail::Number(std::string_view key) const {
  const nlohmann::json* v = Find(key);
  if (!v || !v->is_number()) return std::nullopt;
  return v->get<double>();
}

std::optional<bool> StepDetail::Bool(std::string_view key) const {
  const nlohmann::json* v = Find(key);
  if (!v || !v->is_boolean()) return std::nullopt;
  return v->get<bool>();
}

StepDetail StepDetail::Object(std::string_view key) const {
  const nlohmann::json* v = Find(key);
  return v ? StepDetail(*v) : StepDetail();
}

std::vector<StepDetail> StepDetail::Objects(std::string_view key) const {
  std::vector<StepDetail> out;
  const nlohmann::json* v = Find(key);
  if (!v || !v->is_array()) return out;
  for (const nlohmann::json& e : *v)
    if (e.is_object()) out.emplace_back(e);
  return out;
}

int64_t StepDetail::Count(std::string_view key) const {
  const nlohmann::json* v = Find(key);
  if (v && v->is_array()) return static_cast<int64_t>(v->size());
  return std::max<int64_t>(0, Int(key).value_or(0));
}

}  // namespace cirun
