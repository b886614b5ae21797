// PipelineWatcher: follows pipelines in the store and tells listeners what
// changed, whoever made the change (this process, `ci-run nightly`,
// `ci-run rebuild`, or workers on other machines): the store is the only
// shared state, so `serve` polls it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "base/status.h"
#include "runner/store/store.h"

namespace cirun {

class PipelineListener {
 public:
  virtual ~PipelineListener() = default;
  /// `job` changed state (or attempt) since the last poll; `before` is its
  /// previous state, nullopt the first time the watcher sees the job.
  virtual void JobChanged(const PipelineRecord& pipeline, const JobRecord& job,
                          std::optional<JobState> before) {}
  /// The watcher saw `pipeline` for the first time (`jobs` in plan order),
  /// after the JobChanged calls for its jobs.
  virtual void PipelineSeen(const PipelineRecord& pipeline, const std::vector<JobRecord>& jobs) {}
  /// Jobs of `pipeline`, seen before, left the waiting state since the last
  /// poll (its pull request was approved), after their JobChanged calls.
  virtual void PipelineApproved(const PipelineRecord& pipeline,
                                const std::vector<JobRecord>& jobs) {}
  /// Every job of `pipeline` is final; it is no longer watched.
  virtual void PipelineFinished(const PipelineRecord& pipeline,
                                const std::vector<JobRecord>& jobs) {}
  /// Jobs in the whole store by state, once per poll.
  virtual void JobCounts(const std::vector<std::pair<std::string, int64_t>>& counts) {}
};

class PipelineWatcher {
 public:
  /// `store` and the listeners outlive the watcher. Not thread-safe: one
  /// thread calls Start, then Poll repeatedly.
  PipelineWatcher(Store& store, std::vector<PipelineListener*> listeners)
      : store_(store), listeners_(std::move(listeners)) {}

  /// Starts watching: pipelines created from now on, plus the unfinished
  /// ones already in the store (which are reported as first seen at the next
  /// Poll, so that their statuses are posted again after a restart).
  Status Start();

  /// One round: new pipelines, job changes, finished pipelines, job counts.
  /// A store error ends the round early (returned); the next round retries.
  Status Poll();

  /// Pipelines watched now (for tests and /healthz).
  size_t watched() const { return open_.size(); }

 private:
  struct Watched {
    bool seen = false;
    std::map<int64_t, std::pair<JobState, int>> jobs;  // job id -> (state, attempt)
  };
  Store& store_;
  std::vector<PipelineListener*> listeners_;
  int64_t last_id_ = 0;
  std::map<int64_t, Watched> open_;  // by pipeline id
};

}  // namespace cirun
