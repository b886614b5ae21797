// FuzzSchedule: the sequence of inputs a fuzz campaign boots, input i being a
// pure function of (seed, i): the same seed gives the same inputs in the same
// order, whatever ran before and however many boots run in parallel.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/bootvar_generator.h"
#include "harness/fuzz_input.h"

namespace cirun {

class FuzzSchedule {
 public:
  /// `generator` must outlive the schedule.
  FuzzSchedule(const BootvarGenerator& generator, uint64_t seed);

  /// Input `index`: the generator's systematic inputs first (the same for
  /// every seed), then random ones drawn from MixSeed(seed, index):
  /// 40% typed (BootvarGenerator::RandomTyped), 25% havoc on a typed or
  /// systematic line, 20% splice of two of those lines (then sometimes havoc),
  /// 15% argument-level mutation of the valid arguments.
  FuzzInput At(size_t index) const;

  /// Tokens havoc inserts: "--<key>=" for every key, "--", "=", quotes, numbers.
  const std::vector<std::string>& dictionary() const { return dictionary_; }

 private:
  const BootvarGenerator& generator_;
  uint64_t seed_;
  std::vector<std::string> dictionary_;
};

}  // namespace cirun
