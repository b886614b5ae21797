#include "runner/service/failure_signature_recorder.h"

#include <algorithm>

#include "runner/pipeline/failure_groups.h"
#include "runner/pipeline/pipeline_report.h"

namespace cirun {

void FailureSignatureRecorder::PipelineFinished(const PipelineRecord& pipeline,
                                                const std::vector<JobRecord>& jobs) {
  const bool any_failed = std::any_of(
      jobs.begin(), jobs.end(), [](const JobRecord& j) { return j.state == JobState::kFailed; });
  if (!any_failed) return;
  auto report = LoadPipelineReport(store_, pipeline.id);
  Status s = report.ok() ? RecordFailureSignatures(store_, &*report) : report.status();
  if (!s.ok() && on_error_)
    on_error_("pipeline " + std::to_string(pipeline.id) +
              ": failure signatures not stored: " + s.ToString());
}

}  // namespace cirun
