#include "harness/boot_verdict.h"

#include <algorithm>
#include <cstdio>

#include "base/hex.h"
#include "harness/duration_text.h"

namespace cirun {
namespace {

using Kind = ProcessExit::Kind;

std::string LastLineSuffix(const BootEvidence& e) {
  if (e.last_line.empty()) return "; no console output";
  return "; last line: " + QuoteLine(e.last_line);
}

std::string CodeList(const std::vector<int>& codes) {
  std::string text = "[";
  for (size_t i = 0; i < codes.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(codes[i]);
  }
  return text + "]";
}

bool Accepted(const BootEvidence& e, int code) {
  return e.exit_codes.empty() ||
         std::find(e.exit_codes.begin(), e.exit_codes.end(), code) != e.exit_codes.end();
}

std::optional<BootVerdict> Infra(const BootEvidence& e) {
  if (e.process.kind == Kind::kSpawnFailed)
    return BootVerdict{BootOutcome::kInfra, e.process.Describe()};
  if (e.process.kind == Kind::kCancelled) return BootVerdict{BootOutcome::kInfra, "cancelled"};
  if (e.guest.kind == GuestExit::Kind::kHostError) {
    return BootVerdict{BootOutcome::kInfra, "backend failed: " + e.guest.note};
  }
  return std::nullopt;
}

// The platform or the MirageOS runtime refused the command line before the
// unikernel ran.
std::optional<BootVerdict> Refused(const BootEvidence& e) {
  if (e.guest.kind == GuestExit::Kind::kRefusedCommandLine) {
    return BootVerdict{BootOutcome::kRejected,
                       "the platform refused the command line: " + QuoteLine(e.guest.note)};
  }
  if (e.console == ConsoleVerdict::kCrashMatched &&
      MirageCommandLineRefusal(e.console_failure->line)) {
    return BootVerdict{BootOutcome::kRejected, "the MirageOS runtime refused the command line: " +
                                                   QuoteLine(e.console_failure->line)};
  }
  return std::nullopt;
}

std::optional<BootVerdict> Crashed(const BootEvidence& e) {
  if (e.console == ConsoleVerdict::kCrashMatched) {
    return BootVerdict{BootOutcome::kCrashed,
                       "crash signature /" + e.console_failure->pattern +
                           "/ matched: " + QuoteLine(e.console_failure->line)};
  }
  if (e.guest.kind == GuestExit::Kind::kCrash) {
    // A note that already names the last line ("Solo5: solo5_abort() called
    // (exit 255)") is not followed by it again.
    const bool named = !e.last_line.empty() && e.guest.note.starts_with(e.last_line);
    return BootVerdict{BootOutcome::kCrashed, e.guest.note + (named ? "" : LastLineSuffix(e))};
  }
  const bool coded = e.guest.kind == GuestExit::Kind::kCode && e.guest.code_known;
  if (coded && (e.guest.code == 255 || e.guest.code == 125) && !Accepted(e, e.guest.code)) {
    return BootVerdict{BootOutcome::kCrashed, "exit code " + std::to_string(e.guest.code) +
                                                  " (crash)" + LastLineSuffix(e)};
  }
  return std::nullopt;
}

// What the MirageOS runtime means by an exit code, for causes ("" if nothing
// beyond the code itself). 64, 125 and 255 keep their short causes; 1 (a Solo5
// error under MirageOS) is a plain failure on other targets, so it stays plain.
std::string MirageMeaning(int code) {
  return code == 63 ? " (MirageOS: printed its help)" : "";
}

std::optional<BootVerdict> ExitNotAccepted(const BootEvidence& e) {
  if (e.guest.kind != GuestExit::Kind::kCode || !e.guest.code_known || Accepted(e, e.guest.code))
    return std::nullopt;
  // 64 (bad argument) and 63 (--help): the unikernel refused to run cleanly.
  const bool refused = e.guest.code == 64 || e.guest.code == 63;
  BootOutcome outcome = refused ? BootOutcome::kRejected : BootOutcome::kFailed;
  return BootVerdict{outcome, "exit code " + std::to_string(e.guest.code) +
                                  MirageMeaning(e.guest.code) + " not in " +
                                  CodeList(e.exit_codes) + LastLineSuffix(e)};
}

}  // namespace

BootVerdict DecideBootOutcome(const BootEvidence& e) {
  if (auto v = Infra(e)) return *v;
  // A sandbox limit ("used more than 6 GiB of memory"): the unikernel's doing.
  if (!e.process.limit.empty()) return {BootOutcome::kFailed, "the boot " + e.process.Describe()};
  if (e.guest.kind == GuestExit::Kind::kBadImage) return {BootOutcome::kFailed, e.guest.note};
  if (auto v = Refused(e)) return *v;
  if (e.process.kind == Kind::kTimedOut) {
    return {BootOutcome::kHung, e.process.Describe() + LastLineSuffix(e)};
  }
  if (auto v = Crashed(e)) return *v;
  if (e.console == ConsoleVerdict::kFailMatched) {
    return {BootOutcome::kFailed, "fail pattern /" + e.console_failure->pattern +
                                      "/ matched: " + QuoteLine(e.console_failure->line)};
  }
  if (auto v = ExitNotAccepted(e)) return *v;
  if (e.missing_expect) {
    return {BootOutcome::kFailed,
            "expected /" + *e.missing_expect + "/ not seen" + LastLineSuffix(e)};
  }
  return {BootOutcome::kPassed, ""};
}

bool MirageCommandLineRefusal(std::string_view line) {
  return line.find("Fatal error: exception Failure(\"Invalid escaping at end of string\")") !=
         std::string_view::npos;
}

BootVerdict ExpectOutcome(const BootVerdict& actual, BootOutcome expected) {
  if (expected == BootOutcome::kPassed || actual.outcome == BootOutcome::kInfra) return actual;
  const std::string wanted = std::string("expected ") + BootOutcomeName(expected);
  if (actual.outcome == expected) return {BootOutcome::kPassed, "", wanted + ": " + actual.cause};
  if (actual.outcome == BootOutcome::kPassed)
    return {BootOutcome::kFailed, wanted + ", but the boot passed", ""};
  return {BootOutcome::kFailed,
          wanted + ", got " + BootOutcomeName(actual.outcome) + ": " + actual.cause, ""};
}

std::string QuoteLine(std::string_view text, size_t max) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size() && i < max; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += HexByte(c, "\\x");
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > max) out += "...";
  return out + "\"";
}

}  // namespace cirun
