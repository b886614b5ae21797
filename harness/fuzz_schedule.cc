#include "harness/fuzz_schedule.h"

#include "harness/command_line_mutator.h"

namespace cirun {

FuzzSchedule::FuzzSchedule(const BootvarGenerator& generator, uint64_t seed)
    : generator_(generator), seed_(seed) {
  dictionary_ = {"--", "=",          "\"", "\\", " ", "\"\"",   "-1",
                 "0",  "4294967296", "0x", "/",  ".", "--help", "true"};
  for (const BootvarKey& key : generator_.keys()) dictionary_.push_back("--" + key.name + "=");
}

FuzzInput FuzzSchedule::At(size_t index) const {
  const std::vector<FuzzInput>& systematic = generator_.Systematic();
  if (index < systematic.size()) return systematic[index];
  FuzzRng rng(MixSeed(seed_, index));
  // A valid-looking line to mutate: a random typed input or a systematic one.
  auto some_line = [&]() -> std::string {
    if (!systematic.empty() && rng.Chance(30)) return rng.Pick(systematic).CommandLine();
    return generator_.RandomTyped(rng).CommandLine();
  };
  const uint64_t strategy = rng.Below(100);
  if (strategy < 40) return generator_.RandomTyped(rng);
  if (strategy < 65) return {{}, Havoc(some_line(), rng, dictionary_), "havoc"};
  if (strategy < 85) {
    const std::string a = some_line();  // named: argument order is unspecified
    const std::string b = some_line();
    std::string spliced = Splice(a, b, rng);
    if (rng.Chance(50)) return {{}, Havoc(spliced, rng, dictionary_), "splice+havoc"};
    return {{}, spliced, "splice"};
  }
  return {MutateArguments(generator_.base_args(), rng), std::nullopt, "argument mutation"};
}

}  // namespace cirun
