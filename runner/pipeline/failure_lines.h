// FailureLines: where a failed job's lines that matter (StepRecord::excerpt)
// come from and how the reports show them.
#pragma once

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runner/pipeline/pipeline_report.h"

namespace cirun {

/// The step that decided a job's failure: its first step whose outcome is
/// not passed, cached, skipped or flaky; null if there is none (a job that
/// passed, was skipped, or failed before any step ran).
const StepRecord* DecidingStep(const JobReport& job);

/// True if step `s` of `job` is a failure in a report: its outcome is not
/// passed, cached, skipped, or flaky; or it is flaky and failed its job
/// (`flaky: fail`: the job's cause names it "<step>: flaky: ...").
bool CountsAsFailure(const JobReport& job, const StepRecord& s);

/// The bisections of `pipeline`'s failures in `store`, oldest first; none
/// when the store keeps no bisections.
std::vector<BisectionRecord> PipelineBisections(Store& store, const PipelineRecord& pipeline);

/// The "Culprits:" section of the summary: per bisection, the cell and case,
/// then "culprit <commit> (confirmed: ...)" or "not confirmed: <why>".
/// Nothing without bisections.
void PrintBisections(FILE* out, const PipelineReport& report);

/// The report's bisections as a JSON array (PipelineJson's "bisections").
nlohmann::json BisectionsJson(const PipelineReport& report);

/// JUnit <properties> of the testsuite of `unikernel`: one property
/// "bisect <cell> <case>" per bisection, its value "confirmed culprit
/// <commit>" or "not confirmed: <why>"; "" without any.
std::string BisectionProperties(const PipelineReport& report, const std::string& unikernel);

/// Prints `excerpt` (ConsoleExcerpt::Text's form) under the heading "lines
/// that matter (<step>):", every line indented by `indent` spaces. Nothing
/// for an empty excerpt.
void PrintExcerpt(FILE* out, const std::string& step, const std::string& excerpt, int indent);

}  // namespace cirun
