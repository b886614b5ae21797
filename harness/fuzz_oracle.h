// The fuzzer's oracle: which boot outcomes are correct behaviour for hostile
// arguments and which are findings.
#pragma once

#include <string>

#include "harness/boot_request.h"

namespace cirun {

/// The exit code MirageOS unikernels use for --help / --version (Cmdliner via
/// Mirage_runtime): correct behaviour under fuzzing.
inline constexpr int kMirageHelpExit = 63;
/// The exit code of a clean argument error (MirageOS convention).
inline constexpr int kMirageArgumentErrorExit = 64;

struct FuzzVerdict {
  enum class Kind {
    kCorrect,  // passed, or refused the arguments cleanly
    kFinding,  // crashed or hung: a defect
    kInfra,    // the host failed; says nothing about the unikernel
  };
  Kind kind = Kind::kCorrect;
  BootOutcome outcome = BootOutcome::kPassed;  // kCrashed or kHung for a finding
  std::string cause;                           // one line, for findings
};

/// Judges one fuzz boot (booted with the accepted exit codes plus 63, no
/// expect patterns unless the unikernel is a server):
/// - passed, rejected (guest exit 64): correct;
/// - crashed, hung: a finding with that outcome and the boot's cause;
/// - failed: correct if the guest exited 0, 63 or 64 by itself (a server that
///   exited cleanly); otherwise a `crashed` finding: "unexpected exit N"
///   (another exit code) or the fail pattern that matched;
/// - infra: infra.
FuzzVerdict JudgeFuzzBoot(const BootResult& result);

}  // namespace cirun
