// The MirageOS / Solo5 boot command line: joining argument lists into one
// string and splitting it back, with the bootvar splitter's rules.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "harness/boot_request.h"

namespace cirun {

/// Joins `args` into one command line that SplitBootCommandLine turns back into
/// `args` without its empty elements: elements separated by one space; an
/// element that is empty or contains whitespace (space, tab, \n, \r), a quote
/// (' or ") or a backslash is written in double quotes with `"` and `\` escaped
/// by a backslash. MirageOS cannot pass an empty argument: `""` splits to
/// nothing. NUL bytes are copied as is (backends reject them).
std::string JoinBootArgs(const std::vector<std::string>& args);

/// Splits a command line the way MirageOS unikernels do (mirage-bootvar's
/// Parse_argv, as fixtures/unikernels/runtime/cmdline.h implements it):
/// - arguments are separated by spaces (' ' only: tabs and newlines are
///   ordinary characters); runs of spaces separate once;
/// - a backslash makes the next character literal, inside or outside quotes;
/// - double quotes group (spaces included) and may appear mid-argument:
///   a"b c"d is the one argument "ab cd"; single quotes are ordinary;
/// - an empty argument disappears ("" alone yields nothing).
/// Returns InvalidArgument "unterminated double quote" or "backslash at end of
/// command line" for a line the unikernel would refuse.
Result<std::vector<std::string>> SplitBootCommandLine(std::string_view line);

/// The one command line the guest gets for `request` (-append, cmdline=, the
/// Solo5 tender's argument): raw_command_line if set, else JoinBootArgs(args).
/// Returns InvalidArgument if it contains a NUL byte (no backend can pass one).
Result<std::string> GuestCommandLine(const BootRequest& request);

/// The guest's arguments one per element (for hosted unix unikernels): `args`,
/// or raw_command_line split by SplitBootCommandLine (InvalidArgument
/// "raw command line: <why>" if it does not split). InvalidArgument for a NUL byte.
Result<std::vector<std::string>> GuestArgs(const BootRequest& request);

}  // namespace cirun
