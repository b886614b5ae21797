// Boot: one judged boot of an image through a backend.
#pragma once

#include <functional>
#include <string_view>

#include "harness/boot_backend.h"
#include "harness/boot_request.h"
#include "harness/process_runner.h"

namespace cirun {

/// Receives console output live (e.g. for a terminal display). May be null.
using ConsoleObserver = std::function<void(std::string_view chunk)>;

/// Boots `request.image` through `backend` and judges it:
/// - the console is matched as it streams (ConsoleJudge): `expect` in order, any
///   `fail` pattern (or a built-in crash signature: PANIC, ABORT, "Solo5: Abort",
///   "Fatal error: exception", "Triple fault"/"triple fault") ends the boot at once;
///   output that arrives after the deadline is kept in `console` but not judged;
/// - with `exit_codes` empty (and at least one expect) the VM is stopped as
///   soon as every expect matched; with neither, the boot runs to its exit;
/// - a deadline kills the whole process group (TERM, grace, KILL) -> hung;
/// - the exit is decoded by the backend and checked against `exit_codes`;
/// - outcome priority (DecideBootOutcome, boot_verdict.h): infra, failed
///   (image refused), hung, crashed, failed (fail pattern), rejected / failed
///   (exit code), failed (missing expect), passed. `cause` is one line; ""
///   when passed;
/// - a request.expected_outcome other than passed turns that outcome into
///   passed and any other (but infra) into failed (ExpectOutcome); the met
///   expectation is added to `note`.
/// Infra before anything runs: bad regex, image missing (its size is recorded),
/// CheckAvailable, Command or Prepare failing; the cause is their message.
/// Lines the backend calls its own (IsBackendLine) stay in `console` but are
/// not judged.
/// Never throws. `backend.Cleanup` is always called before returning; if it
/// fails, "cleanup failed: <why>" is added to `note` (the outcome stands).
/// Thread-safe: many boots may run at once (distinct instance_name and work
/// files are the caller's business).
BootResult Boot(const BootRequest& request, const BootBackend& backend, ProcessRunner& runner,
                const CancelToken* cancel, const ConsoleObserver& observer = nullptr);

}  // namespace cirun
