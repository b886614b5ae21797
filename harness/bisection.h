// Bisection between two commits known to be on either side of a change: which
// commit to measure next, and when the culprit is named. Pure decisions; the
// caller measures.
#pragma once

#include <cstddef>
#include <vector>

namespace cirun {

/// What is known about one commit of the range.
enum class BisectSide {
  kUnknown,       // not measured yet
  kBefore,        // behaves like the first commit (the change is not in it yet)
  kAfter,         // behaves like the last commit (the change is in it)
  kUnmeasurable,  // cannot be built or booted for this cell: skipped
};

struct BisectStep {
  enum class Kind {
    kMeasure,    // measure `index` next
    kFound,      // `index` is the first commit with the change
    kAmbiguous,  // the change is in [first, last]; the commits between are unmeasurable
  };
  Kind kind = Kind::kAmbiguous;
  size_t index = 0;
  size_t first = 0;
  size_t last = 0;
};

/// `sides` is the range oldest first; sides.front() must be kBefore and
/// sides.back() kAfter (else kAmbiguous over the whole range). The boundary is
/// taken at the first kAfter and the last kBefore below it (a commit measured
/// inconsistently later is ignored). Measures the unknown commit nearest the
/// middle of the boundary, until the kBefore and kAfter are adjacent
/// (kFound) or only unmeasurable commits separate them (kAmbiguous, first =
/// the commit after the kBefore, last = the kAfter).
BisectStep NextBisectStep(const std::vector<BisectSide>& sides);

/// Where a commit's value lies between the before and after values (log
/// medians): 0 at before, 1 at after. kBefore below 0.5, kAfter from 0.5.
BisectSide ClassifyBetween(double before, double value, double after);

/// The position used by ClassifyBetween: (value - before) / (after - before),
/// or 0.5 when before == after.
double PositionBetween(double before, double value, double after);

}  // namespace cirun
