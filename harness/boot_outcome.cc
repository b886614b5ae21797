#include "harness/boot_outcome.h"

#include <array>

namespace cirun {
namespace {

struct OutcomeInfo {
  BootOutcome outcome;
  const char* name;
  int severity;
};

constexpr std::array<OutcomeInfo, 6> kOutcomes = {{
    {BootOutcome::kPassed, "passed", 0},
    {BootOutcome::kRejected, "rejected", 1},
    {BootOutcome::kFailed, "failed", 2},
    {BootOutcome::kHung, "hung", 3},
    {BootOutcome::kCrashed, "crashed", 4},
    {BootOutcome::kInfra, "infra", 5},
}};

const OutcomeInfo& Info(BootOutcome outcome) {
  for (const OutcomeInfo& info : kOutcomes) {
    if (info.outcome == outcome) return info;
  }
  return kOutcomes.back();
}

}  // namespace

const char* BootOutcomeName(BootOutcome outcome) {
  return Info(outcome).name;
}

std::optional<BootOutcome> ParseBootOutcome(const std::string& name) {
  for (const OutcomeInfo& info : kOutcomes) {
    if (name == info.name) return info.outcome;
  }
  return std::nullopt;
}

int BootOutcomeSeverity(BootOutcome outcome) {
  return Info(outcome).severity;
}

}  // namespace cirun
