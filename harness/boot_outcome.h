// BootOutcome: how one boot of a unikernel ended, judged.
#pragma once

#include <optional>
#include <string>

namespace cirun {

/// Outcomes of one boot. When several boots are summarised, the worst wins, in
/// this order (worst first): infra, crashed, hung, failed, rejected, passed.
/// `infra` is never blamed on the commit: the caller retries it.
enum class BootOutcome {
  kPassed,    // every expect matched, accepted exit code, no fail pattern
  kRejected,  // the unikernel refused its arguments cleanly: guest exit 64 not accepted
  kFailed,    // a fail pattern matched, an expect was missing, or the exit code was not accepted
  kHung,      // the deadline passed; the VM was killed
  kCrashed,   // fault, abort, PANIC, killed by a signal, triple fault
  kInfra,     // the host or harness failed (cannot spawn, QEMU refused its options, cancelled)
};

/// "passed", "rejected", ... (stable: stored and printed).
const char* BootOutcomeName(BootOutcome outcome);
/// Inverse of BootOutcomeName; nullopt for an unknown name.
std::optional<BootOutcome> ParseBootOutcome(const std::string& name);
/// Severity for "worst wins": passed 0 ... infra 5.
int BootOutcomeSeverity(BootOutcome outcome);
/// True for crashed and hung: what the fuzzer reports as a finding.
inline bool IsFinding(BootOutcome o) {
  return o == BootOutcome::kCrashed || o == BootOutcome::kHung;
}

}  // namespace cirun
