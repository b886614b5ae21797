// From a GitHub webhook delivery to what the service does with it. Pure: no
// I/O; the HTTP handler (webhook_intake.h) checks the signature first.
#pragma once

#include <string>

#include "runner/host/service_config.h"
#include "runner/pipeline/pipeline_request.h"

namespace cirun {

/// A trusted user's `/ci-run approve` comment on a pull request: its waiting
/// pipelines at its head are to be queued (pull_request_approval.h).
struct ApprovalRequest {
  std::string repo_name;    // "owner/name" as configured
  std::string ref;          // the pull request's "refs/pull/N/head"
  std::string approver;     // "alice (COLLABORATOR)", for logs
  std::string delivery_id;  // X-GitHub-Delivery
};

struct WebhookDecision {
  enum class Kind {
    kPong,       // a `ping`: answer 200
    kIgnored,    // valid, but nothing to run (reason says why): answer 202
    kPipeline,   // `request` should become a pipeline: answer 202
    kApproval,   // `approval` should release waiting pipelines: answer 202
    kMalformed,  // not JSON, or fields missing (reason): answer 400
  };
  Kind kind = Kind::kMalformed;
  std::string reason;
  PipelineRequest request;
  ApprovalRequest approval;
};

/// "pong", "ignored", "pipeline", "approval", "malformed".
const char* WebhookDecisionName(WebhookDecision::Kind kind);

/// Decides what the delivery `delivery_id` of `event` (X-GitHub-Event) with
/// JSON `body` means under `config`:
/// - `ping` -> kPong;
/// - `push` of a configured branch (not a deletion, not a tag) -> kPipeline
///   with the pushed commit (`after`);
/// - `pull_request` opened, synchronize or reopened, when the repository
///   takes pull requests -> kPipeline with the head commit and ref
///   refs/pull/N/head (which the mirror fetches, also for forks), untrusted;
///   when the repository's TrustPolicy does not trust its author
///   (pull_request.user.login, pull_request.author_association), with
///   `waits_for_approval` set;
/// - `issue_comment` created on a pull request of a repository that takes
///   them, whose body is "/ci-run approve" -> kApproval when the commenter
///   (comment.user.login, comment.author_association) is trusted, else
///   kIgnored saying who was not trusted;
/// - any other event, action, branch or repository -> kIgnored with a reason.
WebhookDecision DecideWebhook(const std::string& event, const std::string& delivery_id,
                              const std::string& body, const ServiceConfig& config);

}  // namespace cirun
