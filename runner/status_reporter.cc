#include "runner/status_reporter.h"

#include <algorithm>

#include "runner/pipeline_planner.h"

namespace cirun {

void StatusReporter::JobChanged(const PipelineRecord& pipeline, const JobRecord& job,
                                std::optional<JobState> before) {
  // The "plan" job of an unplannable pipeline has no cell; the summary says it all.
  if (IsPlanJob(job) || !reported_(pipeline)) return;
  post_(JobCommitStatus(pipeline, job));
}

void StatusReporter::PipelineSeen(const PipelineRecord& pipeline,
                                  const std::vector<JobRecord>& jobs) {
  const bool finished =
      std::all_of(jobs.begin(), jobs.end(), [](const JobRecord& j) { return IsFinal(j.state); });
  if (finished || !reported_(pipeline)) return;  // PipelineFinished posts the final summary
  post_(SummaryCommitStatus(pipeline, jobs));
}

void StatusReporter::PipelineFinished(const PipelineRecord& pipeline,
                                      const std::vector<JobRecord>& jobs) {
  if (!reported_(pipeline)) return;
  post_(SummaryCommitStatus(pipeline, jobs));
}

}  // namespace cirun
