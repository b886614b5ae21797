// CommitStatusReporter: turns what the PipelineWatcher sees into GitHub commit
// statuses for the pipelines of configured repositories: every cell's
// status as it changes (pending when waiting for approval, queued or
// running, then its result) and the summary "ci-run" when the pipeline is
// first seen, when it is approved and when it finishes; when it finishes,
// each confirmed culprit of its failures gets a status on its own commit.
#pragma once

#include <functional>
#include <string>

#include "runner/service/github_commit_status.h"
#include "runner/service/pipeline_watcher.h"

namespace cirun {

class CommitStatusReporter final : public PipelineListener {
 public:
  /// `post` queues one status (StatusSender::Enqueue); `reported` says whether
  /// a pipeline's repository gets statuses (a configured GitHub repository).
  /// With a `public_url` (the dashboard's, web.public-url), each status links
  /// to its page: a job's to the job, the summary to the pipeline.
  /// `bisections` (if set) reads the bisections of a finished pipeline's
  /// failures (failure_lines.h PipelineBisections): each confirmed culprit
  /// gets a status of its own (CulpritCommitStatus) and the summary names it.
  CommitStatusReporter(
      std::function<void(CommitStatus)> post, std::function<bool(const PipelineRecord&)> reported,
      std::string public_url = "",
      std::function<std::vector<BisectionRecord>(const PipelineRecord&)> bisections = nullptr)
      : post_(std::move(post)),
        reported_(std::move(reported)),
        public_url_(std::move(public_url)),
        bisections_(std::move(bisections)) {}

  void JobChanged(const PipelineRecord& pipeline, const JobRecord& job,
                  std::optional<JobState> before) override;
  void PipelineSeen(const PipelineRecord& pipeline, const std::vector<JobRecord>& jobs) override;
  void PipelineApproved(const PipelineRecord& pipeline,
                        const std::vector<JobRecord>& jobs) override;
  void PipelineFinished(const PipelineRecord& pipeline,
                        const std::vector<JobRecord>& jobs) override;

 private:
  void PostSummary(const PipelineRecord& pipeline, const std::vector<JobRecord>& jobs,
                   const std::vector<BisectionRecord>& bisections = {});

  std::function<void(CommitStatus)> post_;
  std::function<bool(const PipelineRecord&)> reported_;
  std::string public_url_;  // "": statuses without target_url
  std::function<std::vector<BisectionRecord>(const PipelineRecord&)> bisections_;
};

}  // namespace cirun
