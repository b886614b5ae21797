// Mutations of a coverage-guided campaign's corpus entries: small steps from
// an input that reached new code, so that the next step (one more byte, a
// digit in front, two keys swapped) is likely, where the blind schedule
// (FuzzSchedule) would need all the steps at once. Deterministic for a FuzzRng.
#pragma once

#include <string>
#include <vector>

#include "harness/bootvar_generator.h"
#include "harness/fuzz_corpus.h"
#include "harness/fuzz_rng.h"

namespace cirun {

/// An input made from `entries` (not empty): one entry, half the time one of
/// the last eight kept (the newest progress), mutated by one of: 1-3 byte
/// edits of one `--key=value`'s value (insert, delete, overwrite with a
/// letter, a digit or a special byte, a new length, repeat a part); a key set
/// to a typed value (InterestingValues or RandomBootvarValue of `generator`'s
/// keys, the key added when absent); an argument moved, or argument-level
/// mutation (drop, duplicate, swap, split); Havoc of the
/// whole line with `dictionary`; a splice with another entry's arguments.
/// The origin says which ("corpus: value bytes", ...).
FuzzInput MutateCorpusEntry(const std::vector<CorpusEntry>& entries,
                            const BootvarGenerator& generator,
                            const std::vector<std::string>& dictionary, FuzzRng& rng);

/// The small steps from `entry` that a campaign tries first, in order (as
/// AFL's deterministic stages): for each value the entry changed from
/// `base_args` (all values if none), the field after its last separator
/// ('=', ':', '/', '.', ',', '@') set to "", "0", "1", "80", "8443", "65535";
/// "=1" and ":1" appended; the first byte a digit, then a letter; the value
/// 1-4 bytes shorter, 1 byte longer, half and twice as long, empty, then
/// repeated to 16, 17, 32, 33, ... 256, 257 bytes; then each
/// argument moved to the front and to the end. Without duplicates of each
/// other or of the entry; empty for a raw entry.
std::vector<FuzzInput> DeterministicSteps(const FuzzInput& entry,
                                          const std::vector<std::string>& base_args);

/// 1-3 byte edits of `value` as MutateCorpusEntry makes them (exposed for tests).
std::string MutateValueBytes(std::string value, FuzzRng& rng);

}  // namespace cirun
