// Byte- and argument-level mutation of boot command lines, as AFL's havoc and
// splice stages do it. Deterministic for a FuzzRng; never produces a NUL byte
// (no backend can pass one) nor a line longer than kMaxMutatedLine.
#pragma once

#include <string>
#include <vector>

#include "harness/fuzz_rng.h"

namespace cirun {

/// Mutated lines are cut to this many bytes (twice the Solo5 limit).
inline constexpr size_t kMaxMutatedLine = 16384;

/// Applies 1 to 16 random edits to `line`: bit flips, random or special bytes
/// (quote, backslash, space, '=', '-', non-ASCII), deleted, duplicated or
/// overwritten blocks, and `dictionary` tokens (e.g. "--port=") inserted or
/// written over.
std::string Havoc(std::string line, FuzzRng& rng, const std::vector<std::string>& dictionary);

/// The head of `a` up to a random point, then the tail of `b` from a random
/// point (two valid command lines crossed over).
std::string Splice(const std::string& a, const std::string& b, FuzzRng& rng);

/// 1 to 3 argument-level edits: drop, duplicate, swap, or split one argument
/// at a random byte.
std::vector<std::string> MutateArguments(std::vector<std::string> args, FuzzRng& rng);

}  // namespace cirun
