#include "runner/service/pull_request_approval.h"

namespace cirun {

Result<ApprovalOutcome> ApprovePullRequest(Store& store, const ApprovalRequest& request) {
  auto waiting = store.ListWaitingPipelines();
  if (!waiting.ok()) return waiting.status();
  ApprovalOutcome out;
  for (const PipelineRecord& p : *waiting) {  // oldest first: the last match is the head
    if (p.repo_name == request.repo_name && p.ref == request.ref) out.head = p.commit;
  }
  if (out.head.empty()) return out;
  for (const PipelineRecord& p : *waiting) {
    if (p.repo_name != request.repo_name || p.ref != request.ref || p.commit != out.head) continue;
    auto jobs = store.ApprovePipeline(p.id);
    if (!jobs.ok()) return jobs.status();
    out.pipelines.push_back(p.id);
    out.jobs += *jobs;
  }
  return out;
}

std::string DescribeApproval(const ApprovalRequest& request, const ApprovalOutcome& outcome) {
  std::string line =
      "approval of " + request.repo_name + " " + request.ref + " by " + request.approver + ": ";
  if (outcome.pipelines.empty()) return line + "nothing was waiting";
  line += outcome.pipelines.size() == 1 ? "pipeline " : "pipelines ";
  for (size_t i = 0; i < outcome.pipelines.size(); ++i)
    line += (i ? ", " : "") + std::to_string(outcome.pipelines[i]);
  return line + " at " + outcome.head.substr(0, 12) + ", " + std::to_string(outcome.jobs) +
         " jobs queued";
}

}  // namespace cirun
