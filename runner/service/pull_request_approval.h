// What approving a pull request does to the store: its pipelines waiting for
// approval (trust_policy.h) are queued. Used by `serve` for a trusted user's
// `/ci-run approve` comment (through the PlanQueue, off the HTTP thread).
// `ci-run approve PIPELINE` calls Store::ApprovePipeline directly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "runner/store/store.h"
#include "runner/service/webhook_event.h"

namespace cirun {

struct ApprovalOutcome {
  std::vector<int64_t> pipelines;  // approved, oldest first
  int jobs = 0;                    // jobs queued by the approval
  std::string head;                // the commit approved; "" if nothing was waiting
};

/// Queues the waiting pipelines of the pull request `request` names
/// (repo_name and ref) at its head: the commit of its newest waiting
/// pipeline, i.e. the head the service last saw. Waiting pipelines of older
/// heads stay waiting. Nothing waiting: an empty outcome. Returns the store's
/// error (some pipelines may have been approved before it).
Result<ApprovalOutcome> ApprovePullRequest(Store& store, const ApprovalRequest& request);

/// One line for the log: "approval of example/repo refs/pull/7/head by alice
/// (COLLABORATOR): pipeline 5 at 0123456789ab, 3 jobs queued", or "...:
/// nothing was waiting".
std::string DescribeApproval(const ApprovalRequest& request, const ApprovalOutcome& outcome);

}  // namespace cirun
