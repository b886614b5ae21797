// Planning pipelines: the phases shared by `ci-run local`, the webhook,
// `ci-run nightly` and `ci-run rebuild`: configuration -> matrix -> jobs for
// this host, and (for the service) fetching the commit first.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "harness/process_runner.h"
#include "jobs/job_plan.h"
#include "jobs/repo_config.h"
#include "runner/host/host_config.h"
#include "runner/host/toolchain.h"
#include "runner/pipeline/pipeline_request.h"
#include "runner/store/store.h"

namespace cirun {

/// The name of the job that stands for a pipeline that could not be planned
/// (fetch failure, missing or invalid .ci-run.yml): its cause says why.
inline constexpr const char* kPlanJobName = "plan";

/// True for that job (no unikernel, named "plan").
bool IsPlanJob(const JobRecord& job);

/// True for a full commit id (40 lowercase hex digits).
bool IsCommitId(const std::string& s);

/// Configuration and planning, parsed and validated before anything runs.
struct PlannedJobs {
  RepoConfig config;
  std::vector<JobPlan> plans;
  std::vector<JobInfo> jobs;  // one per plan, kSkipped with the reason where this host cannot
  std::string options_json;   // PipelineOptionsJson(config)
};

/// Parses `config_text` (from `config_file`), plans the selected jobs and
/// turns them into store-ready jobs (see JobsForHost for `check_host`).
/// Returns InvalidArgument: for configuration errors every problem as
/// "FILE:LINE:COL: message", one per line; for planning errors (unknown
/// unikernel, empty selection) one line.
Result<PlannedJobs> PlanJobsFromConfig(const std::string& config_text,
                                       const std::string& config_file, const PlanOptions& options,
                                       const HostConfig& host, ToolchainProbe& probe,
                                       ProcessRunner& runner, bool check_host);

/// What the service plans with. Everything outlives the call.
struct ServicePlanContext {
  std::string cache_dir;  // mirrors
  const HostConfig* host = nullptr;
  ToolchainProbe* probe = nullptr;
  ProcessRunner* runner = nullptr;
  bool check_host = false;  // true when this host runs the jobs itself (one machine)
};

/// A store-ready pipeline.
struct PlannedPipeline {
  PipelineInfo info;
  std::vector<JobInfo> jobs;
};

/// Plans `request`: syncs the repository's mirror, resolves the commit, reads
/// its .ci-run.yml and plans the full matrix. Never fails: a problem of the
/// commit or the host (fetch error, unknown commit, no or invalid
/// .ci-run.yml) becomes a pipeline with one final job named "plan" whose
/// cause is the message (FILE:LINE:COL for configuration errors): kFailed for
/// the commit's fault, kInfra for the host's. The pipeline's commit is ""
/// when a branch name could not be resolved. Options: the config's
/// (PipelineOptionsJson) with `request.options_json`'s keys over them. When
/// `request.waits_for_approval` is set, the jobs that would be queued wait
/// for approval instead (kWaiting, the reason as their cause).
PlannedPipeline PlanServicePipeline(const PipelineRequest& request,
                                    const ServicePlanContext& context);

/// `base` (a JSON object) with every key of `extra` (a JSON object) set over
/// it. Malformed input counts as {}.
std::string MergeOptionsJson(const std::string& base, const std::string& extra);

}  // namespace cirun
