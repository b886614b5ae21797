// FuzzInput: one set of hostile boot arguments for the fuzzer, either as an
// argument list (joined with MirageOS quoting) or as a raw command line that
// the guest gets byte for byte (byte-level mutations).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/boot_request.h"

namespace cirun {

struct FuzzInput {
  std::vector<std::string> args;   // the arguments, used when `raw` is unset
  std::optional<std::string> raw;  // the guest command line verbatim
  std::string origin;              // how it was made: "typed port", "havoc", "splice", ...

  /// The command line the guest gets: `raw`, or JoinBootArgs(args).
  std::string CommandLine() const;
  /// The arguments the guest sees after MirageOS splitting: `args`, or `raw`
  /// split by SplitBootCommandLine; nullopt if `raw` does not split (the
  /// guest refuses it). Empty arguments are dropped, as the guest drops them.
  std::optional<std::vector<std::string>> GuestArgs() const;
  /// Sets request->args or request->raw_command_line (clearing the other).
  void ApplyTo(BootRequest* request) const;

  bool operator==(const FuzzInput& other) const { return args == other.args && raw == other.raw; }
};

/// `line` made readable on one line for reports: a run of 10 or more equal
/// bytes is shown as <N x 'c'>, bytes outside printable ASCII as \xNN; the
/// result is cut to about `max` characters with "...(N bytes)" after. The
/// exact bytes are in the reproducer, never in this text.
std::string AbbreviateCommandLine(std::string_view line, size_t max = 100);

}  // namespace cirun
