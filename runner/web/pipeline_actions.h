// PipelineActions: what a user may do to a pipeline from outside the
// service: queue it again (all its jobs, or only those that failed) and
// cancel what has not started. `ci-run rebuild` and the dashboard's buttons
// share them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "runner/store/store.h"

namespace cirun {

/// The jobs a rebuild of `jobs` queues again: all of them (skipped ones stay
/// skipped) or, with `failed_only`, those failed, infra or cancelled.
std::vector<JobInfo> RebuildJobs(const std::vector<JobRecord>& jobs, bool failed_only);

/// What QueueRebuild did.
struct RebuildOutcome {
  int64_t pipeline = 0;  // the new pipeline; 0 when nothing was queued
  PipelineInfo info;     // what it was created with
  std::vector<JobInfo> jobs;
};

/// Creates a pipeline (trigger "rebuild", options {"rebuild_of": ID}) for the
/// commit of finished pipeline `pipeline_id`, with RebuildJobs of its jobs;
/// with nothing to rebuild, creates nothing (`pipeline` 0). Returns NotFound
/// for an unknown pipeline, FailedPrecondition for one still unfinished or
/// one never planned (planning it again needs the service's configuration:
/// `ci-run rebuild --config`), store errors as they are.
Result<RebuildOutcome> QueueRebuild(Store& store, int64_t pipeline_id, bool failed_only);

/// The pipeline rebuilding `pipeline` records: its options with
/// "rebuild_of", trigger "rebuild", no delivery id; trust unchanged.
PipelineInfo RebuildInfo(const PipelineRecord& pipeline);

/// What CancelPipeline did.
struct CancelOutcome {
  int cancelled = 0;   // queued jobs, cancelled with the cause
  int cancelling = 0;  // running jobs marked: their worker stops them (Store::RequestCancel)
};

/// Cancels every queued job of `pipeline_id` with `cause` (Store::CancelQueued)
/// and marks its running jobs for cancellation: the worker holding each kills
/// it on its next heartbeat, and it ends `cancelled`. NotFound for an
/// unknown pipeline.
Result<CancelOutcome> CancelPipeline(Store& store, int64_t pipeline_id, const std::string& cause);

}  // namespace cirun
