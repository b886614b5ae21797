// Delta debugging (Zeller and Hildebrandt's ddmin): the smallest part of an
// input that still shows a failure. The tests of one round are handed over
// together, so that the caller can run them in parallel.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

namespace cirun {

/// Tests candidates in order; returns the position in `candidates` of the
/// first one that reproduces the failure, or nullopt if none does (also when
/// the caller's test budget ran out). A candidate is a sorted list of item
/// indices. The answer must not depend on how many candidates were tested in
/// parallel: the first in order wins.
using CandidateTest =
    std::function<std::optional<size_t>(const std::vector<std::vector<size_t>>& candidates)>;

/// ddmin over the items 0..n-1, which together reproduce. Tries the empty set
/// first; then at granularity k (from 2) each of the k chunks, then each
/// complement (for k > 2): a reproducing chunk goes on from it at
/// granularity 2, a reproducing complement at k - 1; when none reproduces, k
/// doubles, up to the number of items left. Returns the sorted indices that
/// are kept: 1-minimal (no single item can go) unless the test gave up.
std::vector<size_t> DeltaDebug(size_t n, const CandidateTest& test);

/// The smallest length L in [0, n] such that test(L) holds, by bisection,
/// assuming that test is monotone in L and test(n) holds (it is not asked).
/// For cutting a long value down to the shortest prefix that still fails.
size_t ShortestReproducingLength(size_t n, const std::function<bool(size_t)>& test);

}  // namespace cirun
