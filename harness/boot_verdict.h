// BootVerdict: the outcome rules of one boot, as a pure function of what was seen.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/boot_backend.h"
#include "harness/boot_outcome.h"
#include "harness/console_judge.h"
#include "harness/process_runner.h"

namespace cirun {

/// Everything the verdict depends on, gathered after the backend process ended.
struct BootEvidence {
  ProcessExit process;  // how the backend process ended
  GuestExit guest;      // the backend's decoding of it
  ConsoleVerdict console = ConsoleVerdict::kPending;
  std::optional<ConsoleJudge::Match> console_failure;  // for kFailMatched / kCrashMatched
  std::optional<std::string> missing_expect;           // the first expect not seen
  std::string last_line;                               // last non-blank console line
  std::vector<int> exit_codes;                         // accepted guest codes (empty: any)
};

struct BootVerdict {
  BootOutcome outcome = BootOutcome::kInfra;
  std::string cause;  // one line
  std::string note;   // one line, when an expected outcome other than passed was met:
                      // "expected crashed: <the crash's cause>"
};

/// Applies the rules, first match wins:
/// 1. infra: spawn failed, cancelled, or GuestExit kHostError;
/// 2. failed: GuestExit kBadImage (the backend refused the image), the
///    backend's line as the cause;
/// 3. rejected: the command line was refused before the unikernel ran, by the
///    platform (GuestExit kRefusedCommandLine: a Solo5 tender's "Guest command
///    line too long") or by the MirageOS runtime (a crash signature matched
///    on MirageCommandLineRefusal's line), that line as the cause;
/// 4. hung: the deadline passed;
/// 5. crashed: a crash signature matched, GuestExit kCrash, or guest code 255 or
///    125 when not in exit_codes;
/// 6. failed: a user fail pattern matched;
/// 7. guest code not in a non-empty exit_codes: rejected if it is 64 (MirageOS:
///    a bad boot argument) or 63 (--help), else failed; a code the backend
///    could not report (code_known false) is accepted by any list;
/// 8. failed: an expect was not seen;
/// 9. passed (cause "").
BootVerdict DecideBootOutcome(const BootEvidence& evidence);

/// True if `line` is the MirageOS runtime refusing its command line: the
/// splitter of mirage-bootvar (parse-argv 0.2, on unix and Solo5 alike) fails
/// on a line that ends in an unescaped backslash, and the runtime dies with
/// `Fatal error: exception Failure("Invalid escaping at end of string")`
/// (exit 2) before Cmdliner or the unikernel's code runs.
bool MirageCommandLineRefusal(std::string_view line);

/// Judges `actual` against the outcome the case expects (BootRequest::
/// expected_outcome). Expecting kPassed, or an infra verdict: `actual` as is
/// (infra is never what a case expects). Else the boot passes exactly when
/// `actual` is `expected` (cause "", note "expected crashed: <its cause>"),
/// and fails otherwise: "expected crashed, but the boot passed" or
/// "expected crashed, got hung: <its cause>".
BootVerdict ExpectOutcome(const BootVerdict& actual, BootOutcome expected);

/// `text` in double quotes on one line: `"` and `\` escaped, bytes outside
/// printable ASCII as \xNN, cut to `max` bytes with "..." after.
std::string QuoteLine(std::string_view text, size_t max = 200);

}  // namespace cirun
