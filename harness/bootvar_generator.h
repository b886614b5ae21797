// BootvarGenerator: typed boot-argument generators for the fuzzer.
//
// A unikernel declares its runtime arguments ("bootvars") with types in the
// `fuzz:` section of .ci-run.yml. For each type this file knows the values
// worth trying (boundaries, off-by-one, overflow, empty, very long values,
// the characters the MirageOS argument splitter treats specially, non-ASCII
// bytes, malformed shapes), how to make random values of that type, and how
// to build whole argument lists from them: the valid boot arguments with one
// key replaced, unknown and duplicate keys, missing values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "harness/fuzz_input.h"
#include "harness/fuzz_rng.h"

namespace cirun {

/// The command line limit of Solo5 hvt/spt (and of the fixture runtime), in bytes.
inline constexpr size_t kBootCommandLineLimit = 8191;

struct BootvarType {
  enum class Kind { kString, kInt, kBool, kIpv4, kIpv4Cidr, kEnum };
  Kind kind = Kind::kString;
  int64_t lo = 0;                   // kInt: the accepted range
  int64_t hi = 0;                   //
  std::vector<std::string> values;  // kEnum: the accepted values
};

struct BootvarKey {
  std::string name;  // without dashes: "port"
  BootvarType type;
};

/// Parses a type in the canonical form jobs/fuzz_spec_parser.h's
/// NormalizeFuzzType produces: "string", "bool", "ipv4" (A.B.C.D),
/// "ipv4-cidr" (A.B.C.D/N), "int[lo,hi]", "enum[a,b,...]". InvalidArgument
/// for anything else.
Result<BootvarType> ParseBootvarType(std::string_view type);

/// The values worth trying for `type`, the most telling first (boundaries and
/// off-by-one first), without duplicates and without NUL bytes (no backend can
/// pass one). Long values that depend on the rest of the command line are
/// added by BootvarGenerator. Deterministic.
std::vector<std::string> InterestingValues(const BootvarType& type);

/// A random value shaped like `type`: often valid, often slightly broken.
std::string RandomBootvarValue(const BootvarType& type, FuzzRng& rng);

class BootvarGenerator {
 public:
  /// `base_args` are the valid boot arguments (the main boot's): every typed
  /// input is `base_args` with one or more keys replaced.
  BootvarGenerator(std::vector<BootvarKey> keys, std::vector<std::string> base_args);

  /// The inputs a campaign tries first, in this order: round r holds value r
  /// of each key's list (InterestingValues plus values that make the whole
  /// command line exactly kBootCommandLineLimit and one byte more), then
  /// structural case r (no arguments, unknown keys, duplicate keys, a key
  /// without its value, `--key value`, `-key`, positional words, `--`, quotes
  /// and backslashes that do not split, ...). Deterministic.
  const std::vector<FuzzInput>& Systematic() const { return systematic_; }

  /// A random typed input: `base_args` with 1-3 keys set to interesting or
  /// random values in a random form (`--k=v`, `--k v`, duplicated, value
  /// missing), sometimes with an unknown key added or the order shuffled.
  FuzzInput RandomTyped(FuzzRng& rng) const;

  const std::vector<BootvarKey>& keys() const { return keys_; }
  const std::vector<std::string>& base_args() const { return base_args_; }

  /// `args` without the arguments that set `key` (`--key`, `--key=...`, and
  /// the value after `--key` for a non-bool key), with `replacement` where the
  /// first of them was (or at the end).
  static std::vector<std::string> ReplaceKey(const std::vector<std::string>& args,
                                             const BootvarKey& key,
                                             const std::vector<std::string>& replacement);

 private:
  void BuildSystematic();
  std::vector<std::string> KeyValues(const BootvarKey& key) const;
  std::vector<FuzzInput> StructuralInputs() const;

  std::vector<BootvarKey> keys_;
  std::vector<std::string> base_args_;
  std::vector<FuzzInput> systematic_;
};

}  // namespace cirun
