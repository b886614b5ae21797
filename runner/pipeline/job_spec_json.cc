#include "runner/pipeline/job_spec_json.h"

#include <nlohmann/json.hpp>

#include "runner/common/byte_text.h"

namespace cirun {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

json BootCaseToJson(const BootCase& c) {
  json out = {{"name", c.name},
              {"args", c.args},
              {"expect", c.expect},
              {"fail", c.fail},
              {"timeout_ms", c.timeout.count()},
              {"exit", c.exit_codes}};
  if (c.outcome != "passed") out["outcome"] = c.outcome;
  if (c.raw_command_line) out["raw_command_line"] = EscapeBytes(*c.raw_command_line);
  return out;
}

BootCase BootCaseFromJson(const json& j) {
  BootCase c;
  c.name = j.at("name").get<std::string>();
  c.args = j.at("args").get<std::vector<std::string>>();
  c.expect = j.at("expect").get<std::vector<std::string>>();
  c.fail = j.at("fail").get<std::vector<std::string>>();
  c.timeout = milliseconds(j.at("timeout_ms").get<int64_t>());
  c.exit_codes = j.at("exit").get<std::vector<int>>();
  c.outcome = j.value("outcome", std::string("passed"));
  if (j.contains("raw_command_line")) {
    c.raw_command_line = UnescapeBytes(j["raw_command_line"].get<std::string>());
    if (!c.raw_command_line) throw std::invalid_argument("malformed raw_command_line");
  }
  return c;
}

json FuzzToJson(const FuzzSpec& f) {
  json keys = json::array();
  for (const FuzzKey& k : f.keys) keys.push_back({{"name", k.name}, {"type", k.type}});
  return {{"keys", keys}, {"boots", f.boots}, {"time_ms", f.time.count()}};
}

FuzzSpec FuzzFromJson(const json& j) {
  FuzzSpec f;
  for (const json& k : j.at("keys")) f.keys.push_back({k.at("name"), k.at("type")});
  f.boots = j.at("boots").get<int>();
  f.time = milliseconds(j.at("time_ms").get<int64_t>());
  return f;
}

json BenchToJson(const BenchSpec& b) {
  json metrics = json::array();
  for (const BenchMetric& m : b.metrics) {
    metrics.push_back({{"name", m.name}, {"lower_is_better", m.lower_is_better}});
  }
  json out = {{"runs", b.runs}, {"args", b.args}, {"metrics", metrics}};
  if (b.fail_on_regression) out["fail_on_regression"] = *b.fail_on_regression;
  if (b.clock == BenchClock::kInstructions) out["clock"] = "instructions";
  if (b.decide == BenchDecide::kAll) out["decide"] = "all";
  return out;
}

BenchSpec BenchFromJson(const json& j) {
  BenchSpec b;
  b.runs = j.at("runs").get<int>();
  b.args = j.at("args").get<std::vector<std::string>>();
  for (const json& m : j.at("metrics"))
    b.metrics.push_back({m.at("name"), m.at("lower_is_better")});
  if (j.value("clock", "") == "instructions") b.clock = BenchClock::kInstructions;
  if (j.value("decide", "") == "all") b.decide = BenchDecide::kAll;
  if (j.contains("fail_on_regression"))
    b.fail_on_regression = j["fail_on_regression"].get<double>();
  return b;
}

}  // namespace

std::string JobPlanToJson(const JobPlan& plan) {
  json cell = json::array();
  for (const auto& [k, v] : plan.cell.values) cell.push_back({k, v});
  json boots = json::array();
  for (const BootCase& c : plan.boots) boots.push_back(BootCaseToJson(c));
  json out = {{"unikernel", plan.unikernel},
              {"cell", cell},
              {"compiler", plan.compiler},
              {"target", plan.target},
              {"path", plan.path},
              {"build", plan.build_command},
              {"image", plan.image},
              {"build_timeout_ms", plan.build_timeout.count()},
              {"boots", boots}};
  if (plan.fuzz) out["fuzz"] = FuzzToJson(*plan.fuzz);
  if (plan.bench) out["bench"] = BenchToJson(*plan.bench);
  out["reruns"] = plan.failures.reruns;
  out["flaky"] = plan.failures.flaky_fails ? "fail" : "warn";
  return out.dump();
}

Result<JobPlan> JobPlanFromJson(const std::string& text) {
  try {
    json j = json::parse(text);
    JobPlan plan;
    plan.unikernel = j.at("unikernel").get<std::string>();
    for (const json& kv : j.at("cell")) {
      plan.cell.values.emplace_back(kv.at(0).get<std::string>(), kv.at(1).get<std::string>());
    }
    plan.compiler = j.at("compiler").get<std::string>();
    plan.target = j.at("target").get<std::string>();
    plan.path = j.at("path").get<std::string>();
    plan.build_command = j.at("build").get<std::string>();
    plan.image = j.at("image").get<std::string>();
    plan.build_timeout = milliseconds(j.at("build_timeout_ms").get<int64_t>());
    for (const json& b : j.at("boots")) plan.boots.push_back(BootCaseFromJson(b));
    if (j.contains("fuzz")) plan.fuzz = FuzzFromJson(j["fuzz"]);
    if (j.contains("bench")) plan.bench = BenchFromJson(j["bench"]);
    // Specs written before reruns existed keep the defaults.
    plan.failures.reruns = j.value("reruns", plan.failures.reruns);
    plan.failures.flaky_fails = j.value("flaky", std::string("warn")) == "fail";
    return plan;
  } catch (const std::exception& e) {  // json::exception, or a malformed raw_command_line
    return Status::InvalidArgument(std::string("malformed job spec: ") + e.what());
  }
}

}  // namespace cirun
