// Change-point detection along a series of per-commit values (the approach of
// Hunter / Apache Otava): E-Divisive means proposes the splits, Student's
// t-test keeps the real ones.
//
// Candidates: the recursion of E-Divisive means (Matteson & James, 2014,
// alpha = 1): the best split tau of a segment [lo, hi) maximises
//   Q = (|A||B| / (|A|+|B|)) * (2 mean|a-b| - mean|a-a'| - mean|b-b'|)
// over A = [lo, tau), B = [tau, hi) (a within-mean over fewer than 2 values
// counts 0), then each side is split again, down to single values.
// Elimination (Hunter's weak change points): each candidate is tested with a
// pooled two-sample t-test between the values since the previous candidate
// and up to the next; while any candidate has p >= max_p_value or a step
// |mean(B) - mean(A)| < min_magnitude, the weakest (highest p) is dropped and
// its neighbours are tested again. What remains is the answer. Use log values
// so that the magnitude is a relative change.
#pragma once

#include <cstddef>
#include <vector>

namespace cirun {

struct ChangePointOptions {
  double max_p_value = 0.001;  // Hunter's default
  double min_magnitude = 0;    // in the series' units (log: log(1.05) for 5%)
};

struct ChangePoint {
  size_t index = 0;  // first element of the new segment (1 .. n-1)
  double p_value = 1;
  double mean_before = 0;  // of the segment's values before `index`
  double mean_after = 0;   // of the segment's values from `index`
};

/// The change points of `values`, in index order. A segment needs at least 3
/// values to be split.
std::vector<ChangePoint> FindChangePoints(const std::vector<double>& values,
                                          const ChangePointOptions& options);

/// The two-sided p-value of the pooled-variance Student t-test between
/// values[lo, split) and values[split, hi). 1 if it cannot be computed
/// (fewer than 3 values); 0 if both parts are constant and differ.
double PooledTTestPValue(const std::vector<double>& values, size_t lo, size_t split, size_t hi);

}  // namespace cirun
