// FuzzCorpus: what a coverage-guided campaign has reached so far: the union
// of the coverage ids (block addresses) of every boot folded in, and the
// inputs that reached ids no earlier input had (the corpus the fuzzer keeps
// mutating). Plus the corpus's text form, stored per unikernel and given to
// the next campaign as seeds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "base/status.h"
#include "harness/fuzz_input.h"

namespace cirun {

struct CorpusEntry {
  FuzzInput input;
  size_t index = 0;    // the schedule index of the input (calibration: 0)
  int new_ids = 0;     // ids it reached first
  bool passed = true;  // its boot passed: it got past the unikernel's argument checks
                       // (a rejected input reaches new blocks too, in error paths)
};

class FuzzCorpus {
 public:
  /// Folds one boot's `ids` into the covered set and returns how many were
  /// new. If any were and `keep` is true, `input` becomes an entry (with `passed`).
  /// Not thread-safe: the campaign folds boots one at a time, in input order.
  int Add(const FuzzInput& input, const std::vector<uint64_t>& ids, size_t index, bool keep,
          bool passed = true);

  /// Distinct ids covered so far.
  size_t covered() const { return covered_.size(); }
  /// The kept inputs, in the order they were folded.
  const std::vector<CorpusEntry>& entries() const { return entries_; }

 private:
  std::unordered_set<uint64_t> covered_;
  std::vector<CorpusEntry> entries_;
};

/// The text form of a list of inputs: a line "ci-run corpus 1", then one input
/// a line: "args" and each argument in hex after a space ("args" alone: no
/// arguments), or "raw " and the raw command line in hex. Any bytes survive.
std::string SerializeCorpus(const std::vector<FuzzInput>& inputs);

/// The inputs of SerializeCorpus's text (origin "corpus"). InvalidArgument
/// naming the line for anything else.
Result<std::vector<FuzzInput>> ParseCorpus(std::string_view text);

}  // namespace cirun
