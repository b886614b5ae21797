// BootBackend: how one kind of target turns a BootRequest into a process and
// its exit back into a guest exit code.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "harness/boot_request.h"
#include "harness/process_runner.h"
#include "harness/target_spec.h"

namespace cirun {

/// The guest's view of how the backend process ended.
struct GuestExit {
  enum class Kind {
    kCode,   // the guest exited with `code`
    kCrash,  // the guest crashed (signal, triple fault/reset, abort convention); `note` says how
    kHostError,           // the backend itself failed (bad options, missing image); `note` says why
    kBadImage,            // the backend refused the image as built (not an executable, made for
                          // another target): the build's fault, not the host's; `note` is its line
    kRefusedCommandLine,  // the platform refused the guest's command line before the guest
                          // ran (a Solo5 tender: longer than 8191 bytes); `note` is its line
    kNone,                // the process did not exit by itself (timeout, stop, cancel)
  };
  Kind kind = Kind::kNone;
  int code = 0;
  std::string note;
  bool code_known = true;  // kCode only: false when the backend cannot report the guest's code
                           // (Solo5 virtio: every exit is QEMU status 83); any exit list accepts it
};

class BootBackend {
 public:
  virtual ~BootBackend() = default;

  /// The target this backend serves.
  virtual const TargetSpec& target() const = 0;

  /// OK if this host can boot with this backend; Unavailable with a one-line
  /// reason otherwise (e.g. "qemu-system-aarch64 not found in PATH").
  virtual Status CheckAvailable() const = 0;

  /// The process to run for `request` (argv, env, cwd, timeout). Arguments are
  /// passed as one argv element (-append, --, cmdline=), never through a shell.
  /// Returns InvalidArgument if the arguments cannot be represented (e.g. a NUL byte).
  virtual Result<ProcessSpec> Command(const BootRequest& request) const = 0;

  /// Decodes how the process ended. `console` is the output seen so far.
  virtual GuestExit DecodeExit(const ProcessExit& exit, std::string_view console) const = 0;

  /// Called by Boot after Command succeeded and before its process runs: writes
  /// the files the command reads (the xen backend's .xl file). Returns the
  /// error that makes the boot infra. Default: nothing.
  virtual Status Prepare(const BootRequest& /*request*/) const { return Status::Ok(); }

  /// Called after every boot, whatever happened (timeout, failure,
  /// cancellation), e.g. `xl destroy`. Never cancelled. Returns what went
  /// wrong (Boot records it in the result's note). Default: nothing.
  virtual Status Cleanup(const BootRequest& /*request*/) const { return Status::Ok(); }

  /// True for a console line the backend process printed about itself rather
  /// than the guest (xl's progress lines): Boot keeps it in the console but
  /// does not judge it. Default: false.
  virtual bool IsBackendLine(std::string_view /*line*/) const { return false; }

  /// True if Command honours request.count_instructions: QEMU under TCG, or
  /// the unix target under QEMU's user mode (qemu-x86_64) when the host has
  /// it. Default: false (the guest keeps the host's clock).
  virtual bool CountsInstructions() const { return false; }

  /// True if, under request.count_instructions, the guest's own clocks
  /// advance one nanosecond per executed instruction (QEMU -icount), so a
  /// metric the unikernel times itself is exact too. False where only the
  /// plugin's `instructions` metric is exact (QEMU user mode has no -icount:
  /// the guest reads the host's clock). Default: CountsInstructions().
  virtual bool GuestClockCountsInstructions() const { return CountsInstructions(); }

  /// True if Command honours request.coverage_plugin (QEMU under TCG: the
  /// qemu, xen-under-QEMU and Solo5 virtio backends). Default: false (unix,
  /// Solo5 tenders, Xen: no coverage).
  virtual bool CollectsCoverage() const { return false; }

  /// A remark recorded with every result of this backend ("" if none).
  virtual std::string Note() const { return ""; }
};

/// Makes the backend for `target`, using `runner` for any helper processes
/// (e.g. xl destroy). The runner must outlive the backend.
std::unique_ptr<BootBackend> MakeBootBackend(const TargetSpec& target, ProcessRunner& runner);

}  // namespace cirun
