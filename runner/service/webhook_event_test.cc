#include "runner/service/webhook_event.h"

#include <doctest/doctest.h>

#include "runner/perf/bench_step.h"

namespace cirun {
namespace {

const std::string kSha = "0123456789abcdef0123456789abcdef01234567";

ServiceConfig Config() {
  auto c = ParseServiceConfig(R"(repositories:
  example/repo: {url: "file:///srv/repo", branches: [main, dev]}
  example/no-prs: {url: /srv/np, pull-requests: false}
)",
                              "svc.yml", "/");
  REQUIRE(c.ok());
  return *c;
}

std::string Push(const std::string& repo, const std::string& ref, const std::string& after,
                 bool deleted = false) {
  return R"({"ref":")" + ref + R"(","after":")" + after + R"(","deleted":)" +
         (deleted ? "true" : "false") + R"(,"repository":{"full_name":")" + repo +
         R"("},"head_commit":{"message":"Fix the thing\n\nLonger text"}})";
}

std::string PullRequest(const std::string& repo, const std::string& action,
                        const std::string& association = "COLLABORATOR",
                        const std::string& login = "alice") {
  return R"({"action":")" + action +
         R"(","number":7,"pull_request":{"number":7,"title":"Add X",)"
         R"("author_association":")" +
         association + R"(","user":{"login":")" + login + R"("},"head":{"sha":")" + kSha +
         R"(","ref":"feature"},"base":{"sha":")" + std::string(40, 'b') +
         R"(","ref":"main"}},"repository":{"full_name":")" + repo + R"("}})";
}

// An issue_comment delivery: `body` commented on pull request 7 (or on an issue).
std::string Comment(const std::string& body, const std::string& association,
                    const std::string& login = "alice", const std::string& action = "created",
                    bool on_pull_request = true) {
  return R"({"action":")" + action + R"(","issue":{"number":7)" +
         (on_pull_request ? R"(,"pull_request":{"url":"u"})" : "") + R"(},"comment":{"body":")" +
         body + R"(","author_association":")" + association + R"(","user":{"login":")" + login +
         R"("}},"repository":{"full_name":"example/repo"}})";
}

TEST_CASE("A push to a tested branch becomes a pipeline request") {
  auto d = DecideWebhook("push", "d-1", Push("example/repo", "refs/heads/main", kSha), Config());
  REQUIRE(d.kind == WebhookDecision::Kind::kPipeline);
  CHECK(d.request.repo_name == "example/repo");
  CHECK(d.request.url == "file:///srv/repo");
  CHECK(d.request.commit == kSha);
  CHECK(d.request.ref == "refs/heads/main");
  CHECK(d.request.trigger == "push");
  CHECK(!d.request.untrusted);
  CHECK(d.request.title == "Fix the thing");
  CHECK(d.request.delivery_id == "d-1");
  // GitHub names are case-insensitive.
  CHECK(DecideWebhook("push", "d", Push("Example/Repo", "refs/heads/dev", kSha), Config()).kind ==
        WebhookDecision::Kind::kPipeline);
}

TEST_CASE("Pushes that run nothing are ignored with a reason") {
  auto other_branch =
      DecideWebhook("push", "d", Push("example/repo", "refs/heads/x", kSha), Config());
  CHECK(other_branch.kind == WebhookDecision::Kind::kIgnored);
  CHECK(other_branch.reason == "branch x is not among the tested branches of example/repo");
  auto tag = DecideWebhook("push", "d", Push("example/repo", "refs/tags/v1", kSha), Config());
  CHECK(tag.reason == "refs/tags/v1 is not a branch");
  auto deleted = DecideWebhook(
      "push", "d", Push("example/repo", "refs/heads/main", std::string(40, '0'), true), Config());
  CHECK(deleted.reason == "refs/heads/main was deleted");
  auto unknown =
      DecideWebhook("push", "d", Push("someone/else", "refs/heads/main", kSha), Config());
  CHECK(unknown.kind == WebhookDecision::Kind::kIgnored);
  CHECK(unknown.reason == "repository someone/else is not configured");
  auto issues = DecideWebhook("issues", "d", R"({"action":"opened"})", Config());
  CHECK(issues.kind == WebhookDecision::Kind::kIgnored);
  CHECK(issues.reason == "event \"issues\" runs nothing (push, pull_request and issue_comment do)");
}

TEST_CASE("Pull requests opened, synchronized or reopened test their head commit") {
  for (const char* action : {"opened", "synchronize", "reopened"}) {
    auto d = DecideWebhook("pull_request", "d", PullRequest("example/repo", action), Config());
    REQUIRE(d.kind == WebhookDecision::Kind::kPipeline);
    CHECK(d.request.commit == kSha);
    CHECK(d.request.ref == "refs/pull/7/head");
    CHECK(d.request.trigger == "pull_request");
    CHECK(d.request.untrusted);  // whoever opened it: its code is not reviewed
    CHECK(d.request.title == "#7 Add X");
    // Its benchmarks are compared with the base branch's commit, interleaved.
    CHECK(ReadBenchOptions(d.request.options_json).base_commit == std::string(40, 'b'));
    CHECK(ReadBenchOptions(d.request.options_json).enabled);
  }
  auto closed = DecideWebhook("pull_request", "d", PullRequest("example/repo", "closed"), Config());
  CHECK(closed.kind == WebhookDecision::Kind::kIgnored);
  CHECK(closed.reason == "pull_request action \"closed\" runs nothing");
  auto no_prs =
      DecideWebhook("pull_request", "d", PullRequest("example/no-prs", "opened"), Config());
  CHECK(no_prs.reason == "example/no-prs does not test pull requests");
}

TEST_CASE("A pull request from an author who is not trusted waits for approval") {
  for (const char* association : {"NONE", "FIRST_TIME_CONTRIBUTOR", "CONTRIBUTOR", ""}) {
    auto d =
        DecideWebhook("pull_request", "d",
                      PullRequest("example/repo", "synchronize", association, "mallory"), Config());
    REQUIRE(d.kind == WebhookDecision::Kind::kPipeline);
    CHECK(d.request.untrusted);
    CHECK(d.request.waits_for_approval.starts_with("pull request by mallory ("));
    CHECK(d.request.waits_for_approval.ends_with(
        "), who is not trusted (owners, members, collaborators)"));
  }
  for (const char* association : {"OWNER", "MEMBER", "COLLABORATOR"}) {
    auto d = DecideWebhook("pull_request", "d", PullRequest("example/repo", "opened", association),
                           Config());
    CHECK(d.request.untrusted);  // its code is still not reviewed
    CHECK(d.request.waits_for_approval.empty());
  }
  // Listed users are trusted whatever their association.
  ServiceConfig config = Config();
  config.repositories[0].trusted.users = {"Mallory"};
  CHECK(DecideWebhook("pull_request", "d", PullRequest("example/repo", "opened", "NONE", "mallory"),
                      config)
            .request.waits_for_approval.empty());
}

TEST_CASE("A trusted user's /ci-run approve comment approves the pull request's head") {
  auto d =
      DecideWebhook("issue_comment", "d-9", Comment("  /ci-run approve\\r\\n", "MEMBER"), Config());
  REQUIRE(d.kind == WebhookDecision::Kind::kApproval);
  CHECK(d.approval.repo_name == "example/repo");
  CHECK(d.approval.ref == "refs/pull/7/head");
  CHECK(d.approval.approver == "alice (MEMBER)");
  CHECK(d.approval.delivery_id == "d-9");
}

TEST_CASE("Comments that approve nothing are ignored with a reason") {
  auto untrusted =
      DecideWebhook("issue_comment", "d", Comment("/ci-run approve", "NONE", "mallory"), Config());
  CHECK(untrusted.kind == WebhookDecision::Kind::kIgnored);
  CHECK(untrusted.reason ==
        "approval of #7 by mallory (NONE) ignored: not trusted (owners, members, collaborators)");
  auto other = DecideWebhook("issue_comment", "d", Comment("LGTM", "OWNER"), Config());
  CHECK(other.reason == "a comment other than \"/ci-run approve\"");
  auto edited = DecideWebhook("issue_comment", "d",
                              Comment("/ci-run approve", "OWNER", "alice", "edited"), Config());
  CHECK(edited.reason == "issue_comment action \"edited\" runs nothing");
  auto issue =
      DecideWebhook("issue_comment", "d",
                    Comment("/ci-run approve", "OWNER", "alice", "created", false), Config());
  CHECK(issue.reason == "a comment on an issue, not a pull request");
  CHECK(DecideWebhook("issue_comment", "d",
                      R"({"action":"created","repository":{"full_name":"example/repo"}})", Config())
            .kind == WebhookDecision::Kind::kMalformed);
}

TEST_CASE("Malformed deliveries and pings") {
  CHECK(DecideWebhook("push", "d", "{not json", Config()).kind ==
        WebhookDecision::Kind::kMalformed);
  CHECK(DecideWebhook("push", "d", "[1, 2]", Config()).reason == "the body is not a JSON object");
  CHECK(DecideWebhook("push", "d", R"({"ref":"refs/heads/main"})", Config()).reason ==
        "push without \"repository.full_name\"");
  CHECK(
      DecideWebhook("push", "d", Push("example/repo", "refs/heads/main", "xyz"), Config()).reason ==
      "push: \"after\" is not a commit id");
  CHECK(DecideWebhook("pull_request", "d",
                      R"({"action":"opened","repository":{"full_name":"example/repo"}})", Config())
            .reason == "pull_request without \"pull_request.number\"");
  auto ping =
      DecideWebhook("ping", "d", R"({"zen":"Keep it logically awesome.","hook_id":1})", Config());
  CHECK(ping.kind == WebhookDecision::Kind::kPong);
  CHECK(ping.reason == "Keep it logically awesome.");
}

}  // namespace
}  // namespace cirun
