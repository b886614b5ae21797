// From a GitHub webhook delivery to what the service does with it. Pure: no
// I/O; the HTTP handler (webhook_intake.h) checks the signature first.
#pragma once

#include <string>

#include "runner/host/service_config.h"
#include "runner/pipeline/pipeline_request.h"

namespace cirun {

struct WebhookDecision {
  enum class Kind {
    kPong,       // a `ping`: answer 200
    kIgnored,    // valid, but nothing to run (reason says why): answer 202
    kPipeline,   // `request` should become a pipeline: answer 202
    kMalformed,  // not JSON, or fields missing (reason): answer 400
  };
  Kind kind = Kind::kMalformed;
  std::string reason;
  PipelineRequest request;
};

/// "pong", "ignored", "pipeline", "malformed".
const char* WebhookDecisionName(WebhookDecision::Kind kind);

/// Decides what the delivery `delivery_id` of `event` (X-GitHub-Event) with
/// JSON `body` means under `config`:
/// - `ping` -> kPong;
/// - `push` of a configured branch (not a deletion, not a tag) -> kPipeline
///   with the pushed commit (`after`);
/// - `pull_request` opened, synchronize or reopened, when the repository
///   takes pull requests -> kPipeline with the head commit and ref
///   refs/pull/N/head (which the mirror fetches, also for forks);
/// - any other event, action, branch or repository -> kIgnored with a reason.
WebhookDecision DecideWebhook(const std::string& event, const std::string& delivery_id,
                              const std::string& body, const ServiceConfig& config);

}  // namespace cirun
