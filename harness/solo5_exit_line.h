// The lines a Solo5 unikernel prints when it ends (Solo5 bindings/exit.c):
// "Solo5: solo5_exit(N) called" and "Solo5: solo5_abort() called". Where the
// VMM hides the guest's status (QEMU's isa-debug-exit gives 83 whatever a
// Solo5 virtio guest returned), they are the only record of it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cirun {

/// How a Solo5 guest said it ended.
struct Solo5ExitLine {
  enum class Kind {
    kExit,   // solo5_exit(code)
    kAbort,  // solo5_abort(): Solo5's SOLO5_EXIT_ABORT (255 under the tenders)
  };
  Kind kind = Kind::kExit;
  int code = 0;      // kExit only: the guest's status as printed
  std::string line;  // the whole line, without its line ending
};

/// The last line of `console` that is exactly "Solo5: solo5_exit(N) called"
/// (N a decimal int, possibly negative) or "Solo5: solo5_abort() called",
/// a trailing '\r' ignored; nullopt if there is none (no Solo5 guest, or one
/// booted with --solo5:quiet, which silences them).
std::optional<Solo5ExitLine> FindSolo5ExitLine(std::string_view console);

}  // namespace cirun
