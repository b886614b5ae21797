// Bisection for `ci-run history`: the single commit that made a suspect's
// change, found by measuring commits between its ends (always together with
// the ends, so that drift cannot fake a side), and confirmed against its
// parent.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "runner/perf/history_series.h"

namespace cirun {

/// What bisecting one suspect found.
struct HistoryFinding {
  bool confirmed = false;
  std::string why;  // when not confirmed
  size_t culprit = 0, parent = 0;
  size_t first = 0, last = 0;         // the range bisected (SearchRange)
  std::string metric;                 // the one bisected on
  bool ambiguous = false;             // the culprit is somewhere in [parent+1, culprit]
  std::vector<std::string> measured;  // commits measured while bisecting
  InterleavedComparison evidence;
  nlohmann::json json;
  bool fatal = false;
};

/// The range a suspect is bisected in: one measured point wider on each
/// side than the change point (positions, first and last).
std::pair<size_t, size_t> SearchRange(const HistorySeries& series, const HistorySuspect& suspect);

/// Bisects `suspect` within `series` (its ends measured together first,
/// unless it came from the newest-points check); the result names the commit
/// or says why not. A culprit its parent does not confirm is bisected once
/// more from scratch with twice the runs a step. Errors: cancellation, and
/// commits that could be measured before and cannot now.
Result<HistoryFinding> Bisect(HistoryContext& c, HistorySeries& series, HistorySuspect suspect);

}  // namespace cirun
