// FindingSignature: what makes two fuzz findings "the same defect": the
// outcome plus the normalised end of the console.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/boot_outcome.h"

namespace cirun {

/// `line` with what varies between two runs of one defect masked: every
/// occurrence of a `values` entry of 3 or more bytes (the arguments the guest
/// got, which it may echo) becomes "<arg>", bytes outside printable ASCII
/// become '?', hexadecimal numbers ("0x1f") become "0x#", other runs of
/// digits "#" unless they follow a letter ("ipv4" stays); the result is cut
/// to 120 bytes.
std::string NormaliseConsoleLine(std::string_view line, const std::vector<std::string>& values);

/// The values NormaliseConsoleLine masks for a guest that got `guest_args`:
/// each argument, and the part after the first '=' of each argument.
std::vector<std::string> EchoedValues(const std::vector<std::string>& guest_args);

/// "<outcome>: <line> | <line>": the last `lines` non-blank lines of
/// `console_tail` (the judged console, ending at the crash line), normalised;
/// "<outcome>: (no output)" without any. Solo5's start-up lines (its banner,
/// memory map, clock source) are skipped: they are the platform's, and the
/// same defect on unix, spt and virtio has one signature. Equal signatures
/// are one finding.
std::string FindingSignature(BootOutcome outcome, const std::vector<std::string>& console_tail,
                             const std::vector<std::string>& guest_args, size_t lines = 2);

}  // namespace cirun
