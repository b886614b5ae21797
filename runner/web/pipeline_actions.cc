#include "runner/web/pipeline_actions.h"

#include <algorithm>

#include "runner/pipeline/pipeline_planner.h"

namespace cirun {

std::vector<JobInfo> RebuildJobs(const std::vector<JobRecord>& jobs, bool failed_only) {
  std::vector<JobInfo> out;
  for (const JobRecord& j : jobs) {
    const bool failed = j.state == JobState::kFailed || j.state == JobState::kInfra ||
                        j.state == JobState::kCancelled;
    if (failed_only && !failed) continue;
    JobInfo info = j;  // the planned fields: name, cell, labels, spec
    if (info.state != JobState::kSkipped) {
      info.state = JobState::kQueued;
      info.cause.clear();
    }
    out.push_back(std::move(info));
  }
  return out;
}

PipelineInfo RebuildInfo(const PipelineRecord& pipeline) {
  PipelineInfo info = pipeline;  // untrusted stays untrusted
  info.trigger = "rebuild";
  info.delivery_id.clear();
  info.options_json = MergeOptionsJson(pipeline.options_json,
                                       R"({"rebuild_of":)" + std::to_string(pipeline.id) + "}");
  return info;
}

Result<RebuildOutcome> QueueRebuild(Store& store, int64_t pipeline_id, bool failed_only) {
  auto pipeline = store.GetPipeline(pipeline_id);
  if (!pipeline.ok()) return pipeline.status();
  auto jobs = store.ListJobs(pipeline_id);
  if (!jobs.ok()) return jobs.status();
  const std::string id = std::to_string(pipeline_id);
  if (IsUnfinishedPipeline(pipeline->state))
    return Status::FailedPrecondition("pipeline " + id + " is still " + pipeline->state);
  if (std::any_of(jobs->begin(), jobs->end(), IsPlanJob)) {
    return Status::FailedPrecondition("pipeline " + id + " was never planned (" +
                                      jobs->front().cause +
                                      "); plan it again with ci-run rebuild --config");
  }
  RebuildOutcome out;
  out.info = RebuildInfo(*pipeline);
  out.jobs = RebuildJobs(*jobs, failed_only);
  if (out.jobs.empty()) return out;
  auto created = store.CreatePipeline(out.info, out.jobs);
  if (!created.ok()) return created.status();
  out.pipeline = *created;
  return out;
}

Result<CancelOutcome> CancelPipeline(Store& store, int64_t pipeline_id, const std::string& cause) {
  auto pipeline = store.GetPipeline(pipeline_id);
  if (!pipeline.ok()) return pipeline.status();
  CancelOutcome out;
  auto queued = store.CancelQueued(pipeline_id, "", cause);
  if (!queued.ok()) return queued.status();
  out.cancelled = *queued;
  auto running = store.RequestCancel(pipeline_id);
  if (!running.ok()) return running.status();
  out.cancelling = *running;
  return out;
}

}  // namespace cirun
