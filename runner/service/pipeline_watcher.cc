#include "runner/service/pipeline_watcher.h"

#include <algorithm>

namespace cirun {
namespace {

constexpr int kListLimit = 500;  // newest pipelines read per poll

bool Finished(const std::vector<JobRecord>& jobs) {
  return std::all_of(jobs.begin(), jobs.end(), [](const JobRecord& j) { return IsFinal(j.state); });
}

}  // namespace

Status PipelineWatcher::Start() {
  auto pipelines = store_.ListPipelines(kListLimit);
  if (!pipelines.ok()) return pipelines.status();
  for (const PipelineRecord& p : *pipelines) {
    last_id_ = std::max(last_id_, p.id);
    if (IsUnfinishedPipeline(p.state)) open_[p.id];
  }
  return Status::Ok();
}

Status PipelineWatcher::Poll() {
  auto pipelines = store_.ListPipelines(kListLimit);
  if (!pipelines.ok()) return pipelines.status();
  for (auto it = pipelines->rbegin(); it != pipelines->rend(); ++it) {
    if (it->id <= last_id_) continue;
    open_[it->id];
    last_id_ = it->id;
  }
  for (auto it = open_.begin(); it != open_.end();) {
    auto pipeline = store_.GetPipeline(it->first);
    if (!pipeline.ok()) return pipeline.status();
    auto jobs = store_.ListJobs(it->first);
    if (!jobs.ok()) return jobs.status();
    Watched& w = it->second;
    bool approved = false;
    for (const JobRecord& job : *jobs) {
      auto known = w.jobs.find(job.id);
      std::optional<JobState> before;
      if (known != w.jobs.end()) {
        if (known->second == std::make_pair(job.state, job.attempt)) continue;
        before = known->second.first;
      }
      approved |= before == JobState::kWaiting;
      w.jobs[job.id] = {job.state, job.attempt};
      for (PipelineListener* l : listeners_) l->JobChanged(*pipeline, job, before);
    }
    if (!w.seen) {
      w.seen = true;
      for (PipelineListener* l : listeners_) l->PipelineSeen(*pipeline, *jobs);
    } else if (approved) {
      for (PipelineListener* l : listeners_) l->PipelineApproved(*pipeline, *jobs);
    }
    if (Finished(*jobs)) {
      for (PipelineListener* l : listeners_) l->PipelineFinished(*pipeline, *jobs);
      it = open_.erase(it);
    } else {
      ++it;
    }
  }
  auto counts = store_.CountJobsByState();
  if (!counts.ok()) return counts.status();
  for (PipelineListener* l : listeners_) l->JobCounts(*counts);
  return Status::Ok();
}

}  // namespace cirun
