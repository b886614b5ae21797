#include "runner/service/webhook_event.h"

#include <cctype>
#include <nlohmann/json.hpp>

#include "runner/perf/bench_step.h"
#include "runner/pipeline/pipeline_planner.h"

namespace cirun {
namespace {

using json = nlohmann::json;

WebhookDecision Ignored(std::string reason) {
  return {WebhookDecision::Kind::kIgnored, std::move(reason), {}, {}};
}
WebhookDecision Malformed(std::string reason) {
  return {WebhookDecision::Kind::kMalformed, std::move(reason), {}, {}};
}

// The string at `path` (e.g. {"pull_request", "head", "sha"}), or "" if absent.
std::string StringAt(const json& doc, std::initializer_list<const char*> path) {
  const json* node = &doc;
  for (const char* key : path) {
    if (!node->is_object() || !node->contains(key)) return "";
    node = &(*node)[key];
  }
  return node->is_string() ? node->get<std::string>() : "";
}

std::string FirstLine(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

constexpr const char* kApproveCommand = "/ci-run approve";

// "mallory (NONE)", for messages; GitHub may leave either out.
std::string Who(const std::string& login, const std::string& association) {
  return (login.empty() ? "an unnamed user" : login) + " (" +
         (association.empty() ? "no author_association" : association) + ")";
}

WebhookDecision Push(const json& doc, const RepositoryConfig& repo, PipelineRequest request) {
  const std::string ref = StringAt(doc, {"ref"});
  const std::string after = StringAt(doc, {"after"});
  if (ref.empty() || after.empty()) return Malformed("push without \"ref\" or \"after\"");
  if (doc.value("deleted", false) || after == std::string(40, '0')) {
    return Ignored(ref + " was deleted");
  }
  if (!ref.starts_with("refs/heads/")) return Ignored(ref + " is not a branch");
  const std::string branch = ref.substr(11);
  if (!repo.WantsBranch(branch)) {
    return Ignored("branch " + branch + " is not among the tested branches of " + repo.name);
  }
  if (!IsCommitId(after)) return Malformed("push: \"after\" is not a commit id");
  request.trigger = "push";
  request.commit = after;
  request.ref = ref;
  request.title = FirstLine(StringAt(doc, {"head_commit", "message"}));
  return {WebhookDecision::Kind::kPipeline, "", std::move(request), {}};
}

WebhookDecision PullRequest(const json& doc, const RepositoryConfig& repo,
                            PipelineRequest request) {
  const std::string action = StringAt(doc, {"action"});
  if (action.empty()) return Malformed("pull_request without \"action\"");
  if (action != "opened" && action != "synchronize" && action != "reopened") {
    return Ignored("pull_request action \"" + action + "\" runs nothing");
  }
  if (!repo.pull_requests) return Ignored(repo.name + " does not test pull requests");
  const json* pr = doc.contains("pull_request") ? &doc["pull_request"] : nullptr;
  if (!pr || !pr->is_object() || !pr->contains("number") || !(*pr)["number"].is_number_integer())
    return Malformed("pull_request without \"pull_request.number\"");
  const std::string sha = StringAt(doc, {"pull_request", "head", "sha"});
  if (!IsCommitId(sha)) return Malformed("pull_request without a \"head.sha\" commit id");
  const int64_t number = (*pr)["number"].get<int64_t>();
  request.trigger = "pull_request";
  request.untrusted = true;  // nobody reviewed this code, whoever wrote it
  request.commit = sha;
  request.ref = "refs/pull/" + std::to_string(number) + "/head";
  request.title = "#" + std::to_string(number) + " " + StringAt(doc, {"pull_request", "title"});
  // The bench step compares the head with the base branch's commit, both
  // built and run interleaved (what `ci-run compare BASE HEAD` does).
  const std::string base = StringAt(doc, {"pull_request", "base", "sha"});
  if (IsCommitId(base)) request.options_json = WithBenchOptions(request.options_json, {true, base});
  const std::string author = StringAt(doc, {"pull_request", "user", "login"});
  const std::string association = StringAt(doc, {"pull_request", "author_association"});
  if (!repo.trusted.Trusts(association, author)) {
    request.waits_for_approval = "pull request by " + Who(author, association) +
                                 ", who is not trusted (" + repo.trusted.Describe() + ")";
  }
  return {WebhookDecision::Kind::kPipeline, "", std::move(request), {}};
}

// `/ci-run approve` in a comment on a pull request.
WebhookDecision IssueComment(const json& doc, const RepositoryConfig& repo) {
  const std::string action = StringAt(doc, {"action"});
  if (action.empty()) return Malformed("issue_comment without \"action\"");
  if (action != "created") return Ignored("issue_comment action \"" + action + "\" runs nothing");
  const json* issue = doc.contains("issue") ? &doc["issue"] : nullptr;
  if (!issue || !issue->is_object()) return Malformed("issue_comment without \"issue\"");
  if (!issue->contains("pull_request")) return Ignored("a comment on an issue, not a pull request");
  if (!issue->contains("number") || !(*issue)["number"].is_number_integer())
    return Malformed("issue_comment without \"issue.number\"");
  std::string body = StringAt(doc, {"comment", "body"});
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back()))) body.pop_back();
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.front()))) body.erase(0, 1);
  if (body != kApproveCommand) return Ignored("a comment other than \"/ci-run approve\"");
  if (!repo.pull_requests) return Ignored(repo.name + " does not test pull requests");
  const std::string login = StringAt(doc, {"comment", "user", "login"});
  const std::string association = StringAt(doc, {"comment", "author_association"});
  const std::string number = std::to_string((*issue)["number"].get<int64_t>());
  if (!repo.trusted.Trusts(association, login)) {
    return Ignored("approval of #" + number + " by " + Who(login, association) +
                   " ignored: not trusted (" + repo.trusted.Describe() + ")");
  }
  WebhookDecision d{WebhookDecision::Kind::kApproval, "", {}, {}};
  d.approval.repo_name = repo.name;
  d.approval.ref = "refs/pull/" + number + "/head";
  d.approval.approver = Who(login, association);
  return d;
}

}  // namespace

const char* WebhookDecisionName(WebhookDecision::Kind kind) {
  switch (kind) {
    case WebhookDecision::Kind::kPong:
      return "pong";
    case WebhookDecision::Kind::kIgnored:
      return "ignored";
    case WebhookDecision::Kind::kPipeline:
      return "pipeline";
    case WebhookDecision::Kind::kApproval:
      return "approval";
    case WebhookDecision::Kind::kMalformed:
      return "malformed";
  }
  return "unknown";
}

WebhookDecision DecideWebhook(const std::string& event, const std::string& delivery_id,
                              const std::string& body, const ServiceConfig& config) {
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Malformed("the body is not valid JSON");
  if (!doc.is_object()) return Malformed("the body is not a JSON object");
  if (event == "ping") return {WebhookDecision::Kind::kPong, StringAt(doc, {"zen"}), {}, {}};
  if (event != "push" && event != "pull_request" && event != "issue_comment") {
    return Ignored("event \"" + event +
                   "\" runs nothing (push, pull_request and issue_comment do)");
  }
  const std::string full_name = StringAt(doc, {"repository", "full_name"});
  if (full_name.empty()) return Malformed(event + " without \"repository.full_name\"");
  const RepositoryConfig* repo = config.FindRepository(full_name);
  if (!repo) return Ignored("repository " + full_name + " is not configured");
  if (event == "issue_comment") {
    WebhookDecision d = IssueComment(doc, *repo);
    d.approval.delivery_id = delivery_id;
    return d;
  }
  PipelineRequest request;
  request.repo_name = repo->name;
  request.url = repo->url;
  request.delivery_id = delivery_id;
  request.options_json = "{}";
  return event == "push" ? Push(doc, *repo, std::move(request))
                         : PullRequest(doc, *repo, std::move(request));
}

}  // namespace cirun
