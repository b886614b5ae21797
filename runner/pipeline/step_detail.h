// StepDetail: a step's stored details (StepRecord::detail_json), read with
// types. Steps write their details as a JSON object; whoever reads them (the
// summary, the JSON report, `ci-run fuzz`, the service's metrics) reads them
// through this class, which never throws: a missing key, a value of another
// type or text that is not a JSON object reads as "not there", so rows
// written by an older ci-run stay readable.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cirun {

class StepDetail {
 public:
  /// No details.
  StepDetail() = default;
  /// `object`'s keys; no details when it is not a JSON object.
  explicit StepDetail(nlohmann::json object);
  /// Parses `detail_json`; no details when it is not a JSON object.
  static StepDetail Parse(std::string_view detail_json);

  /// True when there are no keys.
  bool Empty() const { return json_.empty(); }
  /// The keys, in order.
  std::vector<std::string> Keys() const;

  /// The value at `key` when it has that type; nullopt otherwise. Int takes
  /// an integer (not a fraction), Unsigned a non-negative integer, Number
  /// any number.
  std::optional<std::string> String(std::string_view key) const;
  std::optional<int64_t> Int(std::string_view key) const;
  std::optional<uint64_t> Unsigned(std::string_view key) const;
  std::optional<double> Number(std::string_view key) const;
  std::optional<bool> Bool(std::string_view key) const;

  /// The object at `key`; no details when missing or not an object.
  StepDetail Object(std::string_view key) const;
  /// The objects of the array at `key`, skipping other elements; empty when
  /// missing or not an array.
  std::vector<StepDetail> Objects(std::string_view key) const;
  /// A count at `key`: a non-negative integer, or the length of an array; 0
  /// otherwise.
  int64_t Count(std::string_view key) const;

  /// The whole object, for a JSON report that carries it as is.
  const nlohmann::json& Json() const { return json_; }

 private:
  const nlohmann::json* Find(std::string_view key) const;
  nlohmann::json json_ = nlohmann::json::object();
};

}  // namespace cirun
