// The METRIC lines of a pipeline's main boots, one line per job, so that a
// benchmark's numbers can be read side by side across the matrix (e.g. one
// OCaml benchmark under each OCaml compiler) at the end of `ci-run local`.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "runner/pipeline/pipeline_report.h"

namespace cirun {

/// One job's measured metrics (unit "count" left out: sizes and checksums).
struct JobMetricsLine {
  std::string job;                   // "ocaml-bench ocaml-4.14/unix"
  std::vector<std::string> metrics;  // "cycles=225384000 ns", in the order printed
};

/// The jobs whose main boot reported a metric of a unit other than "count",
/// in plan order.
std::vector<JobMetricsLine> MainBootMetrics(const PipelineReport& report);

/// Prints "\nMetrics (main boot):" and one aligned line per job, or nothing
/// when no job has such a metric.
void PrintMetricSummary(FILE* out, const PipelineReport& report);

}  // namespace cirun
