#include "runner/service/commit_status_reporter.h"

#include <algorithm>

#include "runner/pipeline/pipeline_planner.h"

namespace cirun {

namespace {

// Statuses belong to a commit: a pipeline whose branch was never resolved has none.
bool HasCommit(const PipelineRecord& p) {
  return IsCommitId(p.commit);
}

}  // namespace

void CommitStatusReporter::JobChanged(const PipelineRecord& pipeline, const JobRecord& job,
                                      std::optional<JobState> before) {
  // The "plan" job of an unplannable pipeline has no cell; the summary says it all.
  if (IsPlanJob(job) || !HasCommit(pipeline) || !reported_(pipeline)) return;
  CommitStatus status = JobCommitStatus(pipeline, job);
  if (!public_url_.empty()) status.target_url = JobPageUrl(public_url_, job);
  post_(std::move(status));
}

void CommitStatusReporter::PipelineSeen(const PipelineRecord& pipeline,
                                        const std::vector<JobRecord>& jobs) {
  const bool finished =
      std::all_of(jobs.begin(), jobs.end(), [](const JobRecord& j) { return IsFinal(j.state); });
  // A finished pipeline gets its final summary from PipelineFinished.
  if (finished || !HasCommit(pipeline) || !reported_(pipeline)) return;
  PostSummary(pipeline, jobs);
}

void CommitStatusReporter::PipelineApproved(const PipelineRecord& pipeline,
                                            const std::vector<JobRecord>& jobs) {
  PipelineSeen(pipeline, jobs);  // the summary is no longer "waiting for approval"
}

void CommitStatusReporter::PipelineFinished(const PipelineRecord& pipeline,
                                            const std::vector<JobRecord>& jobs) {
  if (!HasCommit(pipeline) || !reported_(pipeline)) return;
  const std::vector<BisectionRecord> bisections =
      bisections_ ? bisections_(pipeline) : std::vector<BisectionRecord>{};
  for (const BisectionRecord& b : bisections) {
    if (b.verdict != "confirmed" || !IsCommitId(b.culprit)) continue;
    CommitStatus status = CulpritCommitStatus(pipeline, b);
    if (!public_url_.empty()) status.target_url = PipelinePageUrl(public_url_, pipeline.id);
    post_(std::move(status));
  }
  PostSummary(pipeline, jobs, bisections);
}

void CommitStatusReporter::PostSummary(const PipelineRecord& pipeline,
                                       const std::vector<JobRecord>& jobs,
                                       const std::vector<BisectionRecord>& bisections) {
  CommitStatus status = SummaryCommitStatus(pipeline, jobs, bisections);
  if (!public_url_.empty()) status.target_url = PipelinePageUrl(public_url_, pipeline.id);
  post_(std::move(status));
}

}  // namespace cirun
