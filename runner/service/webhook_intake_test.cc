// The webhook endpoint over real HTTP: HttpServer + WebhookIntake, driven by
// the libcurl client, as GitHub would call it.
#include "runner/service/webhook_intake.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "runner/service/http_client.h"
#include "runner/service/webhook_signature.h"

namespace cirun {
namespace {

const std::string kSha = "0123456789abcdef0123456789abcdef01234567";
constexpr const char* kSecret = "w3bh00k";

struct Endpoint {
  Endpoint(size_t max_body = 1 << 20, bool accept = true) {
    auto c = ParseServiceConfig("repositories: {example/repo: {url: /srv/repo}}\n", "svc.yml", "/");
    REQUIRE(c.ok());
    config = *c;
    intake = std::make_unique<WebhookIntake>(
        config, kSecret,
        [this, accept](PipelineRequest r) {
          std::lock_guard lock(mu);
          if (accept) queued.push_back(r);
          return accept;
        },
        [this, accept](ApprovalRequest a) {
          std::lock_guard lock(mu);
          if (accept) approvals.push_back(a);
          return accept;
        },
        [this](const std::string& event, const std::string& result, const std::string&) {
          std::lock_guard lock(mu);
          results.push_back(event + ":" + result);
        });
    auto s = HttpServer::Start(
        "127.0.0.1", 0, max_body,
        {{"POST", "/hooks/github", [this](const IncomingRequest& r) { return intake->Handle(r); }},
         {"GET", "/healthz", [](const IncomingRequest&) {
            return HttpReply{200, "text/plain", "ok\n"};
          }}});
    REQUIRE(s.ok());
    server = std::move(s).value();
  }

  HttpResponse Send(const std::string& event, const std::string& delivery, const std::string& body,
                    const std::string& signature, const std::string& path = "/hooks/github",
                    const std::string& method = "POST") {
    HttpRequest r;
    r.method = method;
    r.url = "http://127.0.0.1:" + std::to_string(server->port()) + path;
    r.headers = {{"Content-Type", "application/json"},
                 {"X-GitHub-Event", event},
                 {"X-GitHub-Delivery", delivery}};
    if (!signature.empty()) r.headers.emplace_back("X-Hub-Signature-256", signature);
    r.body = body;
    return http->Send(r);
  }
  HttpResponse Signed(const std::string& event, const std::string& delivery,
                      const std::string& body) {
    return Send(event, delivery, body, GitHubSignature(kSecret, body));
  }

  ServiceConfig config;
  std::unique_ptr<WebhookIntake> intake;
  std::unique_ptr<HttpServer> server;
  std::unique_ptr<HttpClient> http = MakeCurlHttpClient();
  std::mutex mu;
  std::vector<PipelineRequest> queued;
  std::vector<ApprovalRequest> approvals;
  std::vector<std::string> results;
};

std::string Push(const std::string& repo = "example/repo") {
  return R"({"ref":"refs/heads/main","after":")" + kSha + R"(","repository":{"full_name":")" +
         repo + R"("},"head_commit":{"message":"m"}})";
}

TEST_CASE("A signed push is queued once, its redelivery creates nothing new") {
  Endpoint e;
  auto first = e.Signed("push", "delivery-1", Push());
  CHECK(first.status == 202);
  CHECK(nlohmann::json::parse(first.body)["result"] == "queued");
  auto again = e.Signed("push", "delivery-1", Push());
  CHECK(again.status == 200);
  CHECK(nlohmann::json::parse(again.body)["result"] == "duplicate");
  REQUIRE(e.queued.size() == 1);
  CHECK(e.queued[0].commit == kSha);
  CHECK(e.queued[0].delivery_id == "delivery-1");
  CHECK(e.results == std::vector<std::string>{"push:queued", "push:duplicate"});
  CHECK(e.Signed("push", "delivery-2", Push()).status == 202);
  CHECK(e.queued.size() == 2);
}

std::string Comment(const std::string& body, const std::string& association) {
  return nlohmann::json{
      {"action", "created"},
      {"issue", {{"number", 7}, {"pull_request", {{"url", "x"}}}}},
      {"comment",
       {{"body", body}, {"author_association", association}, {"user", {{"login", "alice"}}}}},
      {"repository", {{"full_name", "example/repo"}}}}
      .dump();
}

TEST_CASE("A collaborator's /ci-run approve is queued once, anyone else's is ignored") {
  Endpoint e;
  auto approve = e.Signed("issue_comment", "c-1", Comment("/ci-run approve", "COLLABORATOR"));
  CHECK(approve.status == 202);
  CHECK(nlohmann::json::parse(approve.body)["result"] == "approval");
  CHECK(e.Signed("issue_comment", "c-1", Comment("/ci-run approve", "COLLABORATOR")).status ==
        200);  // a redelivery
  REQUIRE(e.approvals.size() == 1);
  CHECK(e.approvals[0].ref == "refs/pull/7/head");
  CHECK(e.approvals[0].approver == "alice (COLLABORATOR)");
  CHECK(e.approvals[0].delivery_id == "c-1");
  auto stranger = e.Signed("issue_comment", "c-2", Comment("/ci-run approve", "NONE"));
  CHECK(stranger.status == 202);
  CHECK(nlohmann::json::parse(stranger.body)["result"] == "ignored");
  CHECK(nlohmann::json::parse(stranger.body)["reason"] ==
        "approval of #7 by alice (NONE) ignored: not trusted (owners, members, collaborators)");
  CHECK(e.approvals.size() == 1);
  CHECK(e.queued.empty());
  CHECK(e.results == std::vector<std::string>{"issue_comment:approval", "issue_comment:duplicate",
                                              "issue_comment:ignored"});
}

TEST_CASE("A wrong or missing signature gets 401 and queues nothing") {
  Endpoint e;
  CHECK(e.Send("push", "d1", Push(), GitHubSignature("wrong secret", Push())).status == 401);
  CHECK(e.Send("push", "d2", Push(), "").status == 401);
  CHECK(e.Send("push", "d3", Push(), GitHubSignature(kSecret, Push() + " ")).status == 401);
  CHECK(e.Send("push", "d4", Push(), "sha1=" + HmacSha256Hex(kSecret, Push())).status == 401);
  CHECK(e.queued.empty());
  CHECK(e.results == std::vector<std::string>{"push:unauthorized", "push:unauthorized",
                                              "push:unauthorized", "push:unauthorized"});
}

TEST_CASE("Malformed JSON gets 400, an unknown repository a 2xx ignored, ping a pong") {
  Endpoint e;
  auto bad = e.Signed("push", "d1", "{\"ref\": ");
  CHECK(bad.status == 400);
  CHECK(nlohmann::json::parse(bad.body)["error"] == "the body is not valid JSON");
  auto unknown = e.Signed("push", "d2", Push("someone/else"));
  CHECK(unknown.status == 202);
  CHECK(nlohmann::json::parse(unknown.body)["result"] == "ignored");
  CHECK(nlohmann::json::parse(unknown.body)["reason"] ==
        "repository someone/else is not configured");
  auto ping = e.Signed("ping", "d3", R"({"zen":"Design for failure."})");
  CHECK(ping.status == 200);
  CHECK(nlohmann::json::parse(ping.body)["result"] == "pong");
  CHECK(e.Signed("", "d4", Push()).status == 400);  // no X-GitHub-Event
  CHECK(e.queued.empty());
}

TEST_CASE("The webhook endpoint limits the body size and knows its routes") {
  Endpoint e(4096);
  std::string big = Push();
  big.insert(big.size() - 1, ",\"pad\":\"" + std::string(8192, 'x') + "\"");
  CHECK(e.Signed("push", "d1", big).status == 413);
  CHECK(e.queued.empty());
  CHECK(e.results.empty());  // refused before the handler
  CHECK(e.Send("push", "d2", "", "", "/nope").status == 404);
  CHECK(e.Send("push", "d3", "", "", "/hooks/github", "GET").status == 405);
  CHECK(e.Send("", "", "", "", "/healthz", "GET").status == 200);
}

TEST_CASE("A full plan queue answers 503 and forgets the delivery") {
  Endpoint e(1 << 20, /*accept=*/false);
  CHECK(e.Signed("push", "d1", Push()).status == 503);
  CHECK(e.Signed("push", "d1", Push()).status == 503);  // not "duplicate": it was never queued
}

}  // namespace
}  // namespace cirun
