// What `xl create -F -c FILE` prints, and how its end maps to the guest's.
//
// Its stdout is the guest's console (xenconsole, attached with -c); its
// stderr, merged into the same stream by ProcessRunner, carries xl's own
// progress lines (xl_vmcontrol.c):
//   Parsing config from FILE
//   Waiting for domain NAME (domid N) to die [pid P]
//   Domain N has shut down, reason code R 0xR
//   Action for shutdown reason code R is destroy
//   Domain N needs to be cleaned up: destroying the domain
//   Done. Exiting now
//   Domain N has been destroyed.          (someone else ran xl destroy)
// and libxl's / xenconsole's errors. xl exits 0 once the domain is gone, so
// the guest's exit code comes from its console: the fixtures' xen runtime prints
// "EXIT: <code>" before SCHEDOP_shutdown, Solo5 prints "Solo5: solo5_exit(<code>)
// called". Xen's shutdown reason tells the rest (0 poweroff, 1 reboot,
// 2 suspend, 3 crash, 4 watchdog, 5 soft reset).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "harness/boot_backend.h"
#include "harness/process_runner.h"

namespace cirun {

/// True for a line xl, libxl or xenconsole printed about itself (the list
/// above, "libxl: ...", "xl: ...", "xenconsole: ..."), false for guest output.
bool IsXlOwnLine(std::string_view line);

/// The Xen shutdown reason from xl's "Domain N has shut down, reason code R"
/// line (the last one), or nullopt.
std::optional<int> XlShutdownReason(std::string_view console);

/// The guest's exit code from its last "EXIT: <n>" or "Solo5: solo5_exit(<n>)
/// called" console line (xl's own lines ignored), or nullopt.
std::optional<int> GuestExitLine(std::string_view console);

/// How `xl create -F -c` ended, from the guest's point of view:
/// - timed out / stopped / cancelled -> kNone;
/// - spawn failure, or xl killed by a signal we did not send -> kHostError;
/// - a guest exit line -> kCode with its code (whatever the shutdown reason);
/// - else by the shutdown reason: poweroff -> kCode 0; reboot, crash, watchdog,
///   or any other reason -> kCrash "the domain shut down with Xen reason R and
///   no exit line";
/// - else "Domain N has been destroyed" -> kHostError (destroyed from outside);
/// - else -> kHostError "xl create exited with status S without a domain
///   shutdown: <its first error line, else its last line>" (a config parsing
///   error, libxl failing to build the domain...).
GuestExit DecodeXlExit(const ProcessExit& exit, std::string_view console);

}  // namespace cirun
