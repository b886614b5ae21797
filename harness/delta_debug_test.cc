// ddmin and the shortest failing prefix, against predicates with known answers.
#include "harness/delta_debug.h"

#include <doctest/doctest.h>

#include <algorithm>

namespace cirun {
namespace {

using Indices = std::vector<size_t>;

// A test that reproduces when the candidate holds every index of `needed`.
struct Needs {
  Indices needed;
  int asked = 0;
  int budget = 1 << 30;
  std::optional<size_t> operator()(const std::vector<Indices>& candidates) {
    for (size_t i = 0; i < candidates.size(); ++i) {
      if (asked++ >= budget) return std::nullopt;
      if (std::includes(candidates[i].begin(), candidates[i].end(), needed.begin(), needed.end()))
        return i;
    }
    return std::nullopt;
  }
};

TEST_CASE("DeltaDebug finds the two items that matter among 10") {
  Needs needs{{3, 7}};
  CHECK(DeltaDebug(10, std::ref(needs)) == Indices{3, 7});
}

TEST_CASE("DeltaDebug keeps a single culprit among 1000 in few tests") {
  Needs needs{{618}};
  CHECK(DeltaDebug(1000, std::ref(needs)) == Indices{618});
  CHECK(needs.asked <= 25);
}

TEST_CASE("DeltaDebug returns the empty set when nothing is needed, and nothing for n = 0") {
  Needs needs{{}};
  CHECK(DeltaDebug(5, std::ref(needs)).empty());
  CHECK(needs.asked == 1);
  CHECK(DeltaDebug(0, std::ref(needs)).empty());
}

TEST_CASE("DeltaDebug keeps everything when every item matters") {
  Needs needs{{0, 1, 2, 3}};
  CHECK(DeltaDebug(4, std::ref(needs)) == Indices{0, 1, 2, 3});
}

TEST_CASE("DeltaDebug stops with what it has when the test gives up") {
  Needs needs{{5}, 0, 3};
  const Indices kept = DeltaDebug(16, std::ref(needs));
  CHECK(kept == Indices{0, 1, 2, 3, 4, 5, 6, 7});  // one halving in 3 tests, then out of budget
}

TEST_CASE("ShortestReproducingLength bisects to the first failing length") {
  int asked = 0;
  auto at_least_101 = [&](size_t n) {
    ++asked;
    return n >= 101;
  };
  CHECK(ShortestReproducingLength(8000, at_least_101) == 101);
  CHECK(asked == 13);
  CHECK(ShortestReproducingLength(1, [](size_t n) { return n >= 1; }) == 1);
  CHECK(ShortestReproducingLength(9, [](size_t) { return true; }) == 0);
  CHECK(ShortestReproducingLength(0, [](size_t) { return false; }) == 0);
}

}  // namespace
}  // namespace cirun
