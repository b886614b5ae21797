// PlanQueue: webhook deliveries waiting to become pipelines. The HTTP handler
// only queues a request; this queue's thread does the slow part (fetch the
// repository, read and validate .ci-run.yml, plan the matrix) and creates the
// pipeline in the store (deduplicated by delivery id); while the store does
// not answer, the delivery waits at the head of the queue and is tried again
// (plan_retry.h), never dropped. Approvals of pull
// requests (`/ci-run approve`) go through it too, in delivery order.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <variant>

#include "runner/pipeline/pipeline_planner.h"
#include "runner/pipeline/pipeline_request.h"
#include "runner/service/service_log.h"
#include "runner/service/webhook_event.h"
#include "runner/store/store.h"

namespace cirun {

class PlanQueue {
 public:
  /// Plans with `context`, creates pipelines in `store`, reports to `log`.
  /// Everything outlives the queue. `capacity`: requests waiting at most.
  /// `created` (may be null) is called on the queue's thread with the id of
  /// each pipeline it creates or approves, e.g. to look at the store now
  /// rather than at the next poll.
  PlanQueue(Store& store, ServicePlanContext context, ServiceLog& log,
            std::function<void(int64_t)> created = nullptr, size_t capacity = 1000);
  ~PlanQueue();  // Stop()

  /// Queues `request`; returns false if the queue is full or stopping.
  /// Thread-safe, never blocks on planning.
  bool Enqueue(PipelineRequest request);

  /// Queues the approval of a pull request's waiting pipelines
  /// (ApprovePullRequest); false if the queue is full or stopping.
  /// Thread-safe, never blocks.
  bool EnqueueApproval(ApprovalRequest request);

  /// Requests waiting (not counting the one being planned).
  size_t Depth() const;

  struct Outcome {
    PlannedPipeline planned;
    Status status;         // of creating the pipeline in the store
    int64_t id = 0;        // the pipeline (the existing one for a known delivery id)
    bool created = false;  // false: that delivery id existed already
  };
  /// Plans `request` and creates its pipeline now, on the calling thread
  /// (what the queue's thread does; also used by `ci-run nightly`). Store
  /// errors are retried twice, after 2 s and 4 s.
  static Outcome PlanAndCreate(Store& store, const ServicePlanContext& context,
                               const PipelineRequest& request);

  /// Finishes the request being planned, drops the waiting ones (logged with
  /// their delivery ids, so they can be redelivered from GitHub), and stops
  /// the thread. Idempotent.
  void Stop();

 private:
  using Delivery = std::variant<PipelineRequest, ApprovalRequest>;
  bool Push(Delivery delivery);
  void Loop();
  void Plan(const PipelineRequest& request);
  void Approve(const ApprovalRequest& request);

  Store& store_;
  const ServicePlanContext context_;
  ServiceLog& log_;
  const std::function<void(int64_t)> created_;
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Delivery> waiting_;  // guarded by mu_
  bool stopping_ = false;         // guarded by mu_
  int failures_ = 0;              // rounds in a row the store refused a pipeline (queue thread)
  std::thread thread_;
};

/// One line describing a planned pipeline for logs: "pipeline 7 (push
/// owner/name refs/heads/main 0123456789ab): 24 jobs queued".
std::string DescribePlanned(int64_t id, bool created, const PipelineInfo& info,
                            const std::vector<JobInfo>& jobs);

}  // namespace cirun
