#include "runner/service/webhook_intake.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "runner/service/webhook_signature.h"

namespace cirun {
namespace {

constexpr size_t kRememberedDeliveries = 10'000;

HttpReply Json(int status, nlohmann::json body) {
  return {status, "application/json", body.dump() + "\n"};
}

}  // namespace

bool WebhookIntake::Remember(const std::string& delivery) {
  std::lock_guard lock(mu_);
  if (!seen_.insert(delivery).second) return false;
  order_.push_back(delivery);
  if (order_.size() > kRememberedDeliveries) {
    seen_.erase(order_.front());
    order_.pop_front();
  }
  return true;
}

void WebhookIntake::Forget(const std::string& delivery) {
  std::lock_guard lock(mu_);
  seen_.erase(delivery);
  order_.erase(std::remove(order_.begin(), order_.end(), delivery), order_.end());
}

HttpReply WebhookIntake::Handle(const IncomingRequest& request) {
  const std::string event = request.Header("X-GitHub-Event");
  const std::string delivery = request.Header("X-GitHub-Delivery");
  auto answer = [&](const std::string& result, const std::string& detail, HttpReply reply) {
    if (observe_) observe_(event, result, detail);
    return reply;
  };
  if (!VerifyGitHubSignature(secret_, request.body, request.Header("X-Hub-Signature-256"))) {
    return answer("unauthorized", "from " + request.remote,
                  Json(401, {{"error", "invalid or missing X-Hub-Signature-256"}}));
  }
  if (event.empty() || delivery.empty()) {
    return answer("malformed", "missing headers",
                  Json(400, {{"error", "missing X-GitHub-Event or X-GitHub-Delivery"}}));
  }
  if (request.Header("Content-Type").starts_with("application/x-www-form-urlencoded")) {
    return answer("malformed", "form-encoded",
                  Json(400, {{"error", "set the webhook's content type to application/json"}}));
  }
  WebhookDecision decision = DecideWebhook(event, delivery, request.body, config_);
  switch (decision.kind) {
    case WebhookDecision::Kind::kMalformed:
      return answer("malformed", decision.reason, Json(400, {{"error", decision.reason}}));
    case WebhookDecision::Kind::kPong:
      return answer("pong", "", Json(200, {{"result", "pong"}, {"zen", decision.reason}}));
    case WebhookDecision::Kind::kIgnored:
      return answer("ignored", decision.reason,
                    Json(202, {{"result", "ignored"}, {"reason", decision.reason}}));
    case WebhookDecision::Kind::kPipeline:
    case WebhookDecision::Kind::kApproval:
      break;
  }
  // A redelivery (same X-GitHub-Delivery) creates nothing new; after a restart
  // the store's unique delivery id catches it instead.
  if (!Remember(delivery)) {
    return answer("duplicate", delivery,
                  Json(200, {{"result", "duplicate"}, {"delivery", delivery}}));
  }
  if (decision.kind == WebhookDecision::Kind::kApproval) {
    const ApprovalRequest& a = decision.approval;
    const std::string what = a.repo_name + " " + a.ref + " by " + a.approver;
    if (!approve_(decision.approval)) {
      Forget(delivery);
      return answer("overloaded", what,
                    Json(503, {{"error", "too many deliveries waiting; retry later"}}));
    }
    return answer("approval", what,
                  Json(202, {{"result", "approval"}, {"delivery", delivery}, {"ref", a.ref}}));
  }
  const PipelineRequest& r = decision.request;
  const std::string what =
      r.trigger + " " + r.repo_name + " " + r.ref + " " + r.commit.substr(0, 12);
  if (!enqueue_(decision.request)) {
    Forget(delivery);
    return answer("overloaded", what,
                  Json(503, {{"error", "too many deliveries waiting to be planned; retry later"}}));
  }
  return answer("queued", what,
                Json(202, {{"result", "queued"}, {"delivery", delivery}, {"commit", r.commit}}));
}

}  // namespace cirun
