#include "harness/fuzz_oracle.h"

namespace cirun {

FuzzVerdict JudgeFuzzBoot(const BootResult& r) {
  using Kind = FuzzVerdict::Kind;
  switch (r.outcome) {
    case BootOutcome::kPassed:
    case BootOutcome::kRejected:
      return {Kind::kCorrect, r.outcome, ""};
    case BootOutcome::kCrashed:
    case BootOutcome::kHung:
      return {Kind::kFinding, r.outcome, r.cause};
    case BootOutcome::kInfra:
      return {Kind::kInfra, r.outcome, r.cause};
    case BootOutcome::kFailed:
      break;
  }
  const bool pattern = r.cause.starts_with("fail pattern");
  if (!pattern && r.guest_exit &&
      (*r.guest_exit == 0 || *r.guest_exit == kMirageHelpExit ||
       *r.guest_exit == kMirageArgumentErrorExit)) {
    return {Kind::kCorrect, r.outcome, ""};
  }
  if (pattern || !r.guest_exit) return {Kind::kFinding, BootOutcome::kCrashed, r.cause};
  return {Kind::kFinding, BootOutcome::kCrashed,
          "unexpected exit " + std::to_string(*r.guest_exit) + " (" + r.cause + ")"};
}

}  // namespace cirun
