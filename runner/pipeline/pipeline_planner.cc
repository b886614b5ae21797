#include "runner/pipeline/pipeline_planner.h"

#include <nlohmann/json.hpp>

#include "jobs/repo_config_parser.h"
#include "runner/pipeline/job_placement.h"
#include "runner/pipeline/pipeline_options.h"
#include "runner/sources/git_mirror.h"

namespace cirun {
namespace {

constexpr const char* kConfigName = ".ci-run.yml";

PlannedPipeline Unplannable(PipelineInfo info, JobState state, const std::string& cause) {
  JobInfo job;
  job.name = kPlanJobName;
  job.state = state;
  job.cause = cause;
  job.spec_json = "{}";
  return {std::move(info), {std::move(job)}};
}

}  // namespace

bool IsCommitId(const std::string& s) {
  return s.size() == 40 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

bool IsPlanJob(const JobRecord& job) {
  return job.unikernel.empty() && job.name == kPlanJobName;
}

Result<PlannedJobs> PlanJobsFromConfig(const std::string& config_text,
                                       const std::string& config_file, const PlanOptions& options,
                                       const HostConfig& host, ToolchainProbe& probe,
                                       ProcessRunner& runner, bool check_host) {
  auto config = ParseRepoConfig(config_text, config_file);
  if (!config.ok()) return config.status();
  auto plans = PlanJobs(*config, options);
  if (!plans.ok()) return plans.status();
  PlannedJobs out;
  out.jobs = JobsForHost(*plans, host, probe, runner, check_host);
  out.options_json = PipelineOptionsJson(*config);
  out.config = std::move(config).value();
  out.plans = std::move(plans).value();
  return out;
}

std::string MergeOptionsJson(const std::string& base, const std::string& extra) {
  auto merged = nlohmann::json::parse(base, nullptr, false);
  if (!merged.is_object()) merged = nlohmann::json::object();
  auto more = nlohmann::json::parse(extra, nullptr, false);
  if (more.is_object()) {
    for (const auto& [key, value] : more.items()) merged[key] = value;
  }
  return merged.dump();
}

PlannedPipeline PlanServicePipeline(const PipelineRequest& request,
                                    const ServicePlanContext& context) {
  PipelineInfo info;
  info.repo = request.url;
  info.repo_name = request.repo_name;
  info.commit = request.commit;
  info.ref = request.ref;
  info.trigger = request.trigger;
  info.title = request.title;
  info.delivery_id = request.delivery_id;
  info.untrusted = request.untrusted;
  info.options_json = MergeOptionsJson("{}", request.options_json);

  // Until it is resolved, a branch name (nightly) is no commit id.
  if (!IsCommitId(info.commit)) info.commit.clear();
  auto mirror = GitMirror::Sync(context.cache_dir, request.url);
  if (!mirror.ok()) {
    return Unplannable(info, JobState::kInfra,
                       "fetch " + request.url + ": " + mirror.status().message());
  }
  auto commit = mirror->ResolveCommit(request.commit);
  if (!commit.ok()) {
    return Unplannable(
        info, JobState::kInfra,
        "commit " + request.commit + " is not in " + request.url + " after fetching");
  }
  info.commit = *commit;
  if (info.title.empty()) {
    if (auto summary = mirror->Summary(*commit); summary.ok()) info.title = *summary;
  }
  auto text = mirror->ReadFile(*commit, kConfigName);
  if (!text.ok()) {
    if (text.status().code() == Status::Code::kNotFound) {
      return Unplannable(info, JobState::kFailed,
                         std::string("no ") + kConfigName + " in " + request.repo_name + " at " +
                             commit->substr(0, 12));
    }
    return Unplannable(info, JobState::kInfra, text.status().message());
  }
  auto planned = PlanJobsFromConfig(*text, kConfigName, PlanOptions{}, *context.host,
                                    *context.probe, *context.runner, context.check_host);
  if (!planned.ok()) return Unplannable(info, JobState::kFailed, planned.status().message());
  info.options_json = MergeOptionsJson(planned->options_json, request.options_json);
  if (!request.waits_for_approval.empty()) {
    for (JobInfo& job : planned->jobs) {
      if (job.state != JobState::kQueued) continue;
      job.state = JobState::kWaiting;
      job.cause = "waiting for approval: " + request.waits_for_approval;
    }
  }
  return {std::move(info), std::move(planned->jobs)};
}

}  // namespace cirun
