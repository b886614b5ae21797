// WebhookIntake: the POST /hooks/github handler. Checks the signature,
// decides what the delivery means (webhook_event.h), and queues the pipelines
// to plan and the approvals to apply; it never fetches, plans or touches the
// store itself.
//
// Answers: 401 bad or missing signature; 400 missing headers, form-encoded or
// malformed payload; 200 `ping` and a delivery seen before (duplicate); 202
// queued, or ignored with the reason; 503 when the plan queue is full (GitHub
// shows the failure and the delivery can be redelivered). Bodies are JSON.
#pragma once

#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>

#include "runner/host/service_config.h"
#include "runner/service/http_server.h"
#include "runner/service/webhook_event.h"

namespace cirun {

class WebhookIntake {
 public:
  using Enqueue = std::function<bool(PipelineRequest)>;
  using EnqueueApproval = std::function<bool(ApprovalRequest)>;
  /// Called once per delivery with its event and result: "pong", "queued",
  /// "duplicate", "ignored", "approval", "unauthorized", "malformed",
  /// "overloaded".
  using Observe = std::function<void(const std::string& event, const std::string& result,
                                     const std::string& detail)>;

  /// `config` outlives the intake; `secret` is the webhook secret. `enqueue`
  /// and `approve` queue work and return false when the queue is full.
  WebhookIntake(const ServiceConfig& config, std::string secret, Enqueue enqueue,
                EnqueueApproval approve, Observe observe)
      : config_(config),
        secret_(std::move(secret)),
        enqueue_(std::move(enqueue)),
        approve_(std::move(approve)),
        observe_(std::move(observe)) {}

  /// Handles one request. Thread-safe.
  HttpReply Handle(const IncomingRequest& request);

 private:
  // Remembers `delivery` (the last 10000); false if it was remembered already.
  bool Remember(const std::string& delivery);
  void Forget(const std::string& delivery);

  const ServiceConfig& config_;
  const std::string secret_;
  Enqueue enqueue_;
  EnqueueApproval approve_;
  Observe observe_;
  std::mutex mu_;
  std::set<std::string> seen_;     // guarded by mu_
  std::deque<std::string> order_;  // guarded by mu_; oldest first
};

}  // namespace cirun
