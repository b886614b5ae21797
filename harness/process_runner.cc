// The parts of process_runner.h that need no operating system (fakes use them too).
#include "harness/process_runner.h"

#include <string.h>

#include "harness/duration_text.h"

namespace cirun {
namespace {

std::string SignalText(int signal) {
  const char* abbrev = sigabbrev_np(signal);
  std::string text = "signal " + std::to_string(signal);
  if (abbrev != nullptr) text += std::string(" (SIG") + abbrev + ")";
  return text;
}

}  // namespace

std::string ProcessExit::Describe() const {
  if (!limit.empty()) return limit + " (the sandbox's limit)";
  switch (kind) {
    case Kind::kExited:
      return "exited with status " + std::to_string(code);
    case Kind::kSignaled:
      return "killed by " + SignalText(signal);
    case Kind::kTimedOut:
      return "timed out after " + FormatDuration(timeout);
    case Kind::kStopped:
      return "stopped on request after " + FormatDuration(elapsed);
    case Kind::kCancelled:
      return "cancelled after " + FormatDuration(elapsed);
    case Kind::kSpawnFailed:
      return "failed to start: " + error;
  }
  return "unknown exit";
}

}  // namespace cirun
