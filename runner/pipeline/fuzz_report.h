// The fuzzing part of a pipeline's summary.
#pragma once

#include <cstdio>

#include "runner/pipeline/pipeline_report.h"

namespace cirun {

/// Prints the pipeline's fuzzing: one line of totals (jobs fuzzed, boots,
/// unique findings), then each unique finding once, grouped over the cells by
/// unikernel and signature, or by unikernel, outcome and minimised input (one
/// defect whose message differs by target), with the cells that show it, the
/// other signatures it showed ("also seen as"), the minimised command line(s)
/// and the reproducer of its first cell. Prints nothing when no job
/// ran a fuzz step.
void PrintFuzzSummary(FILE* out, const PipelineReport& report);

}  // namespace cirun
