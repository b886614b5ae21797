#include "harness/xl_output.h"

#include <regex>
#include <vector>

namespace cirun {
namespace {

// Calls `visit` with each line of `console`, without its '\r\n' / '\n'.
template <typename Visit>
void ForEachLine(std::string_view console, Visit visit) {
  size_t pos = 0;
  while (pos < console.size()) {
    size_t end = console.find('\n', pos);
    if (end == std::string_view::npos) end = console.size();
    std::string_view line = console.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    visit(line);
    pos = end + 1;
  }
}

bool Matches(const std::regex& regex, std::string_view line, std::cmatch* m = nullptr) {
  std::cmatch local;
  return std::regex_search(line.begin(), line.end(), m ? *m : local, regex);
}

std::string ReasonName(int reason) {
  switch (reason) {
    case 0:
      return "poweroff";
    case 1:
      return "reboot";
    case 2:
      return "suspend";
    case 3:
      return "crash";
    case 4:
      return "watchdog";
    case 5:
      return "soft reset";
    default:
      return "unknown (" + std::to_string(reason) + ")";
  }
}

std::string FirstErrorLine(std::string_view console) {
  static const std::regex kError("error|cannot|failed|invalid|unable", std::regex::icase);
  std::string first, last;
  ForEachLine(console, [&](std::string_view line) {
    if (line.find_first_not_of(" \t") == std::string_view::npos) return;
    last = std::string(line);
    if (first.empty() && Matches(kError, line)) first = std::string(line);
  });
  return first.empty() ? last : first;
}

}  // namespace

bool IsXlOwnLine(std::string_view line) {
  static const std::regex kOwn(
      "^(Parsing config from |Waiting for domain |Domain [0-9]+ has (shut down|been destroyed)"
      "|Action for shutdown reason code |Domain [0-9]+ needs to be (cleaned up|preserved)"
      "|Done\\. (Exiting|Rebooting) now|libxl: |xl: |xenconsole: |Failed to get notification "
      "from xenconsole|Got EOF from xenconsole|Got unexpected response from xenconsole)");
  return Matches(kOwn, line);
}

std::optional<int> XlShutdownReason(std::string_view console) {
  static const std::regex kShutdown("^Domain [0-9]+ has shut down, reason code ([0-9]+)");
  std::optional<int> reason;
  ForEachLine(console, [&](std::string_view line) {
    std::cmatch m;
    if (Matches(kShutdown, line, &m)) reason = std::stoi(m[1].str());
  });
  return reason;
}

std::optional<int> GuestExitLine(std::string_view console) {
  static const std::regex kExit(
      "^EXIT: (-?[0-9]{1,9})$|Solo5: solo5_exit\\((-?[0-9]{1,9})\\) called");
  std::optional<int> code;
  ForEachLine(console, [&](std::string_view line) {
    std::cmatch m;
    if (IsXlOwnLine(line) || !Matches(kExit, line, &m)) return;
    code = std::stoi(m[1].matched ? m[1].str() : m[2].str());
  });
  return code;
}

GuestExit DecodeXlExit(const ProcessExit& exit, std::string_view console) {
  using Kind = ProcessExit::Kind;
  switch (exit.kind) {
    case Kind::kTimedOut:
    case Kind::kStopped:
    case Kind::kCancelled:
      return GuestExit{};
    case Kind::kSpawnFailed:
      return GuestExit{GuestExit::Kind::kHostError, 0, exit.Describe()};
    case Kind::kSignaled:
      return GuestExit{GuestExit::Kind::kHostError, 0, "xl create " + exit.Describe()};
    case Kind::kExited:
      break;
  }
  if (std::optional<int> code = GuestExitLine(console))
    return GuestExit{GuestExit::Kind::kCode, *code, ""};
  if (std::optional<int> reason = XlShutdownReason(console)) {
    if (*reason == 0) return GuestExit{GuestExit::Kind::kCode, 0, ""};
    return GuestExit{
        GuestExit::Kind::kCrash, 0,
        "the domain shut down with Xen reason " + ReasonName(*reason) + " and no exit line"};
  }
  static const std::regex kDestroyed("^Domain [0-9]+ has been destroyed");
  bool destroyed = false;
  ForEachLine(console, [&](std::string_view line) { destroyed |= Matches(kDestroyed, line); });
  if (destroyed) {
    return GuestExit{GuestExit::Kind::kHostError, 0,
                     "the domain was destroyed by someone else while it ran"};
  }
  std::string error = FirstErrorLine(console);
  return GuestExit{GuestExit::Kind::kHostError, 0,
                   "xl create " + exit.Describe() + " without a domain shutdown" +
                       (error.empty() ? "" : ": " + error)};
}

}  // namespace cirun
