// FuzzRng: the fuzzer's deterministic random numbers (splitmix64).
//
// The same seed gives the same sequence on every platform and standard
// library: std:: distributions are implementation-defined, so none is used.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>

namespace cirun {

class FuzzRng {
 public:
  explicit FuzzRng(uint64_t seed) : state_(seed) {}

  /// The next 64 random bits.
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, n) (up to a negligible modulo bias); 0 when n is 0.
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : Next() % n; }
  /// Uniform in [lo, hi]; lo when hi < lo.
  int64_t Between(int64_t lo, int64_t hi) {
    if (hi <= lo) return lo;
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  /// True with probability percent / 100.
  bool Chance(int percent) { return Below(100) < static_cast<uint64_t>(percent); }
  /// A uniformly chosen element of a non-empty container.
  template <typename Container>
  const auto& Pick(const Container& c) {
    return c[Below(std::size(c))];
  }

 private:
  uint64_t state_;
};

/// The seed of element `index` of a stream seeded with `seed`: streams of
/// different indices are independent, so element i can be made alone (and in
/// parallel) and is the same whatever was made before it.
inline uint64_t MixSeed(uint64_t seed, uint64_t index) {
  FuzzRng rng(seed ^ (index * 0xd1b54a32d192ed03ull));
  rng.Next();
  return rng.Next();
}

}  // namespace cirun
