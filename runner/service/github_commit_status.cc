#include "runner/service/github_commit_status.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>

namespace cirun {
namespace {

std::string Seconds(int64_t ms) {
  char buf[32];
  snprintf(buf, sizeof buf, ms < 10'000 ? "%.1fs" : "%.0fs", ms / 1000.0);
  return buf;
}

// Human words for a final job state, with its cause.
std::string Described(const std::string& what, const std::string& cause) {
  return cause.empty() ? what : what + ": " + cause;
}

}  // namespace

std::string OneLineDescription(const std::string& text, size_t limit) {
  std::string line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  // Count code points; remember where each one starts.
  std::vector<size_t> starts;
  for (size_t i = 0; i < line.size(); ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  if (starts.size() <= limit) return line;
  return line.substr(0, starts[limit - 1]) + "\xE2\x80\xA6";  // "…"
}

std::string WithoutWorkspacePaths(const std::string& text) {
  static const std::regex kWorkspace(R"([^\s:"']*/p[0-9]+/j[0-9]+/)");
  return std::regex_replace(text, kWorkspace, "");
}

std::string JobStatusContext(const JobRecord& job) {
  return "ci-run/" + job.unikernel + "/" + job.cell_label;
}

CommitStatus JobCommitStatus(const PipelineRecord& pipeline, const JobRecord& job) {
  CommitStatus s{pipeline.repo_name, pipeline.commit, "pending", JobStatusContext(job), ""};
  switch (job.state) {
    case JobState::kQueued:
      s.description = "queued";
      break;
    case JobState::kWaiting:
      s.description = kWaitingForApproval;
      break;
    case JobState::kRunning:
      s.description = "running" + (job.worker.empty() ? "" : " on " + job.worker);
      break;
    case JobState::kPassed:
      s.state = "success";
      s.description = "passed in " + Seconds(job.duration_ms);
      break;
    case JobState::kSkipped:
      s.state = "success";
      s.description = Described("skipped", job.cause);
      break;
    case JobState::kFailed:
      s.state = "failure";
      s.description = job.cause.empty() ? "failed" : WithoutWorkspacePaths(job.cause);
      break;
    case JobState::kInfra:
      s.state = "error";
      s.description = Described("infrastructure failure", job.cause);
      break;
    case JobState::kCancelled:
      s.state = "error";
      s.description = Described("cancelled", job.cause);
      break;
  }
  s.description = OneLineDescription(s.description);
  return s;
}

CommitStatus CulpritCommitStatus(const PipelineRecord& pipeline, const BisectionRecord& b) {
  CommitStatus s{pipeline.repo_name, b.culprit, "failure",
                 "ci-run/culprit/" + b.unikernel + "/" + b.cell_key, ""};
  s.description = "first commit where " + b.unikernel + " " + b.case_name +
                  " fails (confirmed); found by pipeline " + std::to_string(pipeline.id) + " at " +
                  b.bad.substr(0, 12);
  s.description = OneLineDescription(s.description);
  return s;
}

CommitStatus SummaryCommitStatus(const PipelineRecord& pipeline, const std::vector<JobRecord>& jobs,
                                 const std::vector<BisectionRecord>& bisections) {
  CommitStatus s{pipeline.repo_name, pipeline.commit, "pending", "ci-run", ""};
  std::map<JobState, int> counts;
  const JobRecord* first_failed = nullptr;
  const JobRecord* first_error = nullptr;
  for (const JobRecord& j : jobs) {
    ++counts[j.state];
    if (j.state == JobState::kFailed && !first_failed) first_failed = &j;
    if ((j.state == JobState::kInfra || j.state == JobState::kCancelled) && !first_error)
      first_error = &j;
  }
  const int total = static_cast<int>(jobs.size());
  const int active = counts[JobState::kQueued] + counts[JobState::kRunning];
  auto job_cause = [](const JobRecord& j) {
    const std::string cause = WithoutWorkspacePaths(j.cause);
    return j.unikernel.empty() ? cause : j.name + ": " + cause;
  };
  if (active == 0 && counts[JobState::kWaiting] > 0) {
    s.description = kWaitingForApproval;
  } else if (active > 0) {
    s.description = std::to_string(total - active) + "/" + std::to_string(total) + " jobs done, " +
                    std::to_string(counts[JobState::kRunning]) + " running";
  } else if (first_failed) {
    s.state = "failure";
    const int failed = counts[JobState::kFailed];
    auto culprit = std::find_if(bisections.begin(), bisections.end(),
                                [](const BisectionRecord& b) { return b.verdict == "confirmed"; });
    const std::string named =
        culprit == bisections.end() ? "" : ", culprit " + culprit->culprit.substr(0, 12);
    s.description = first_failed->unikernel.empty()
                        ? first_failed->cause
                        : std::to_string(failed) + " of " + std::to_string(total) + " failed" +
                              named + "; " + job_cause(*first_failed);
  } else if (first_error) {
    s.state = "error";
    s.description = std::to_string(counts[JobState::kInfra] + counts[JobState::kCancelled]) +
                    " of " + std::to_string(total) + " not judged; " + job_cause(*first_error);
  } else {
    s.state = "success";
    s.description = std::to_string(counts[JobState::kPassed]) + " passed";
    if (counts[JobState::kSkipped] > 0)
      s.description += ", " + std::to_string(counts[JobState::kSkipped]) + " skipped";
  }
  s.description = OneLineDescription(s.description);
  return s;
}

std::string CommitStatusJson(const CommitStatus& status) {
  nlohmann::json body = {
      {"state", status.state}, {"context", status.context}, {"description", status.description}};
  if (!status.target_url.empty()) body["target_url"] = status.target_url;
  return body.dump();
}

std::string PipelinePageUrl(const std::string& public_url, int64_t pipeline_id) {
  return public_url + "/pipeline?id=" + std::to_string(pipeline_id);
}

std::string JobPageUrl(const std::string& public_url, const JobRecord& job) {
  return public_url + "/job?pipeline=" + std::to_string(job.pipeline_id) +
         "&id=" + std::to_string(job.id);
}

StatusSender::StatusSender(HttpClient& http, StatusSenderOptions options, StatusOutcome on_outcome)
    : http_(http), options_(std::move(options)), on_outcome_(std::move(on_outcome)) {
  thread_ = std::thread([this] { Loop(); });
}

StatusSender::~StatusSender() {
  Stop(std::chrono::milliseconds(0));
}

void StatusSender::Enqueue(CommitStatus status) {
  const std::string key = status.repo + "\n" + status.sha + "\n" + status.context;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    auto it = waiting_.find(key);
    if (it != waiting_.end() && on_outcome_) on_outcome_(it->second.status, "superseded", "");
    waiting_[key] = Entry{std::move(status), 0, Clock::now()};
  }
  wake_.notify_all();
}

void StatusSender::Stop(std::chrono::milliseconds drain) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      stopping_ = true;
      drain_until_ = Clock::now() + drain;
    }
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

size_t StatusSender::Pending() const {
  std::lock_guard lock(mu_);
  return waiting_.size();
}

void StatusSender::Loop() {
  std::unique_lock lock(mu_);
  while (true) {
    const auto now = Clock::now();
    if (stopping_ && (waiting_.empty() || now >= drain_until_)) break;
    auto next =
        std::min_element(waiting_.begin(), waiting_.end(),
                         [](const auto& a, const auto& b) { return a.second.due < b.second.due; });
    if (next == waiting_.end()) {
      wake_.wait(lock);
      continue;
    }
    if (next->second.due > now) {
      auto until = next->second.due;
      if (stopping_) until = std::min(until, drain_until_);
      wake_.wait_until(lock, until);
      continue;
    }
    const std::string key = next->first;
    Entry entry = std::move(next->second);
    waiting_.erase(next);
    lock.unlock();
    auto [outcome, detail] = SendOnce(entry.status);
    lock.lock();
    ++entry.attempt;
    if (outcome == "retry") {
      if (waiting_.count(key)) {
        outcome = "superseded";
      } else if (entry.attempt >= options_.attempts) {
        outcome = "failed";
        detail = "gave up after " + std::to_string(entry.attempt) + " attempts: " + detail;
      } else {
        auto delay = options_.first_retry * (1 << std::min(entry.attempt - 1, 20));
        entry.due = Clock::now() + std::min(delay, options_.max_retry);
        waiting_[key] = entry;
      }
    }
    if (on_outcome_) on_outcome_(entry.status, outcome, detail);
  }
  for (const auto& [key, entry] : waiting_) {
    if (on_outcome_) on_outcome_(entry.status, "failed", "dropped at shutdown");
  }
  waiting_.clear();
}

std::pair<std::string, std::string> StatusSender::SendOnce(const CommitStatus& status) {
  HttpRequest request;
  request.method = "POST";
  request.url = options_.api + "/repos/" + status.repo + "/statuses/" + status.sha;
  request.headers = {{"Accept", "application/vnd.github+json"},
                     {"Content-Type", "application/json"},
                     {"User-Agent", "ci-run"},
                     {"X-GitHub-Api-Version", "2022-11-28"}};
  if (!options_.token.empty())
    request.headers.emplace_back("Authorization", "Bearer " + options_.token);
  request.body = CommitStatusJson(status);
  HttpResponse response = http_.Send(request);
  if (!response.error.empty()) return {"retry", response.error};
  const std::string detail =
      "HTTP " + std::to_string(response.status) +
      (response.body.empty() ? "" : ": " + OneLineDescription(response.body, 200));
  if (response.ok()) return {"sent", detail};
  const bool rate_limited =
      response.status == 429 ||
      (response.status == 403 && response.body.find("rate limit") != std::string::npos);
  if (response.status >= 500 || rate_limited) return {"retry", detail};
  return {"failed", detail};
}

}  // namespace cirun
