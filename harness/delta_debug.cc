#include "harness/delta_debug.h"

#include <algorithm>

namespace cirun {
namespace {

// `items` cut into k chunks of (almost) equal size, in order.
std::vector<std::vector<size_t>> Chunks(const std::vector<size_t>& items, size_t k) {
  std::vector<std::vector<size_t>> chunks;
  size_t start = 0;
  for (size_t i = 0; i < k; ++i) {
    const size_t end = start + (items.size() - start) / (k - i);
    chunks.emplace_back(items.begin() + static_cast<std::ptrdiff_t>(start),
                        items.begin() + static_cast<std::ptrdiff_t>(end));
    start = end;
  }
  return chunks;
}

std::vector<size_t> Without(const std::vector<size_t>& items, const std::vector<size_t>& chunk) {
  std::vector<size_t> rest;
  std::set_difference(items.begin(), items.end(), chunk.begin(), chunk.end(),
                      std::back_inserter(rest));
  return rest;
}

}  // namespace

std::vector<size_t> DeltaDebug(size_t n, const CandidateTest& test) {
  std::vector<size_t> current(n);
  for (size_t i = 0; i < n; ++i) current[i] = i;
  if (n == 0) return current;
  if (test({{}})) return {};
  size_t k = 2;
  while (current.size() >= 2) {
    k = std::min(k, current.size());
    std::vector<std::vector<size_t>> candidates = Chunks(current, k);
    if (k > 2) {
      for (size_t i = 0; i < k; ++i) candidates.push_back(Without(current, candidates[i]));
    }
    std::optional<size_t> hit = test(candidates);
    if (hit && *hit < k) {
      current = candidates[*hit];
      k = 2;
    } else if (hit) {
      current = candidates[*hit];
      k = std::max<size_t>(k - 1, 2);
    } else if (k < current.size()) {
      k = std::min(2 * k, current.size());
    } else {
      break;
    }
  }
  return current;
}

size_t ShortestReproducingLength(size_t n, const std::function<bool(size_t)>& test) {
  size_t lo = 0, hi = n;  // test(hi) holds; every length below lo fails
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (test(mid)) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return hi;
}

}  // namespace cirun
