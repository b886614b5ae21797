// PipelineRequest: a commit of a configured repository to plan into a
// pipeline, whoever asked for it (a webhook delivery, `ci-run nightly`,
// `ci-run rebuild`). Plain data: planning it is pipeline_planner.h's.
#pragma once

#include <string>

namespace cirun {

/// A commit of a configured repository to plan into a pipeline.
struct PipelineRequest {
  std::string repo_name;     // "owner/name" as configured
  std::string url;           // clone URL from the service config
  std::string commit;        // full commit id, or a branch name for `nightly` (resolved later)
  std::string ref;           // "refs/heads/main", "refs/pull/7/head"
  std::string trigger;       // "push", "pull_request", "nightly", "rebuild"
  std::string title;         // first line of the head commit's message, or the PR's title
  std::string delivery_id;   // X-GitHub-Delivery (or nightly's "nightly:<repo>:<date>")
  std::string options_json;  // extra pipeline options merged over the config's ({} if none)
  bool untrusted = false;    // code from a pull request (PipelineInfo::untrusted)
  // Why its jobs wait for a trusted user's approval ("pull request by mallory
  // (NONE), who is not trusted"); "" : they are queued at once.
  std::string waits_for_approval;
};

}  // namespace cirun
