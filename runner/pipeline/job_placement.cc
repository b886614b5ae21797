#include "runner/pipeline/job_placement.h"

#include <map>
#include <nlohmann/json.hpp>

#include "harness/boot_backend.h"
#include "harness/xen_host.h"
#include "runner/pipeline/job_spec_json.h"

namespace cirun {
namespace {

// Why this host cannot run `plan`, or "" if it can. Probe results are memoised in `seen`.
std::string SkipReason(const JobPlan& plan, const HostConfig& host, ToolchainProbe& probe,
                       ProcessRunner& runner, std::map<std::string, std::string>& seen) {
  if (!plan.compiler.empty()) {
    const std::string key = "toolchain:" + plan.compiler;
    if (!seen.count(key)) {
      const ToolchainSpec* t = host.FindToolchain(plan.compiler);
      if (!t) {
        seen[key] = "no toolchain named \"" + plan.compiler + "\" on this host";
      } else {
        auto id = probe.Identity(*t);
        seen[key] = id.ok() ? "" : "toolchain " + plan.compiler + ": " + id.status().message();
      }
    }
    if (!seen[key].empty()) return seen[key];
    if (std::string why = ToolchainTargetProblem(*host.FindToolchain(plan.compiler), plan.target);
        !why.empty())
      return why;
  }
  const std::string key = "target:" + plan.target;
  if (!seen.count(key)) {
    const TargetSpec* t = host.FindTarget(plan.target);
    if (!t) {
      seen[key] = "no target named \"" + plan.target + "\" on this host";
    } else {
      Status s = MakeBootBackend(*t, runner)->CheckAvailable();
      seen[key] = s.ok() ? "" : "target " + plan.target + ": " + s.message();
    }
  }
  return seen[key];
}

}  // namespace

std::vector<std::string> JobLabels(const JobPlan& plan) {
  std::vector<std::string> labels = {"target:" + plan.target};
  if (!plan.compiler.empty()) labels.push_back("toolchain:" + plan.compiler);
  return labels;
}

std::vector<JobInfo> JobsForHost(const std::vector<JobPlan>& plans, const HostConfig& host,
                                 ToolchainProbe& probe, ProcessRunner& runner, bool check_host) {
  std::map<std::string, std::string> seen;
  std::vector<JobInfo> jobs;
  for (const JobPlan& plan : plans) {
    JobInfo job;
    job.name = plan.Name();
    job.unikernel = plan.unikernel;
    job.cell_key = plan.cell.Key();
    job.cell_label = plan.cell.Label();
    job.compiler = plan.compiler;
    job.target = plan.target;
    job.labels = JobLabels(plan);
    job.spec_json = JobPlanToJson(plan);
    if (check_host) {
      job.cause = SkipReason(plan, host, probe, runner, seen);
      if (!job.cause.empty()) job.state = JobState::kSkipped;
    }
    jobs.push_back(std::move(job));
  }
  return jobs;
}

std::vector<std::string> HostLabels(const HostConfig& host, ToolchainProbe& probe,
                                    ProcessRunner& runner) {
  std::vector<std::string> labels;
  for (const TargetSpec& t : host.targets) {
    if (MakeBootBackend(t, runner)->CheckAvailable().ok()) labels.push_back("target:" + t.name);
  }
  for (const ToolchainSpec& t : host.toolchains) {
    if (probe.Identity(t).ok()) labels.push_back("toolchain:" + t.name);
  }
  for (const TargetSpec& t : host.targets) {  // real Xen, not the QEMU fallback
    if (t.backend == BackendKind::kXen && ProbeXenHost(t.xen, runner).ok()) {
      labels.push_back("xen-host");
      break;
    }
  }
  return labels;
}

}  // namespace cirun
