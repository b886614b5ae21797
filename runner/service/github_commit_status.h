// GitHub commit statuses: what ci-run reports for a pipeline, and the
// background queue that posts them (POST {api}/repos/{owner}/{repo}/statuses/{sha}).
//
// Contexts: "ci-run" (the summary) and "ci-run/<unikernel>/<cell label>",
// e.g. "ci-run/hello/gcc/virtio" for the cell {compiler: gcc, target: virtio}.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runner/service/http_client.h"
#include "runner/store/store.h"

namespace cirun {

struct CommitStatus {
  std::string repo;         // "owner/name"
  std::string sha;          // full commit id
  std::string state;        // "pending", "success", "failure", "error"
  std::string context;      // "ci-run" or "ci-run/<unikernel>/<cell label>"
  std::string description;  // one line, at most 140 characters (GitHub's limit)
  std::string target_url;   // the page it links to ("": none)
};

/// The dashboard's page of a pipeline under `public_url` (no trailing slash):
/// "URL/pipeline?id=12".
std::string PipelinePageUrl(const std::string& public_url, int64_t pipeline_id);
/// The dashboard's page of a job: "URL/job?pipeline=12&id=34".
std::string JobPageUrl(const std::string& public_url, const JobRecord& job);

/// GitHub's limit on a status description, in characters.
inline constexpr size_t kStatusDescriptionLimit = 140;

/// The first line of `text`, cut to at most `limit` characters (UTF-8 code
/// points, never splitting one) with "…" at the end when cut.
std::string OneLineDescription(const std::string& text, size_t limit = kStatusDescriptionLimit);

/// `text` without the job workspace part of its paths ("/srv/ci/work/w1/p2/j7/"):
/// a compiler's first error, "unikernels/runtime/console.c:18:5: error: ...",
/// keeps its point within the description's 140 characters.
std::string WithoutWorkspacePaths(const std::string& text);

/// The context of a job's cell: "ci-run/hello/gcc/virtio".
std::string JobStatusContext(const JobRecord& job);

/// What the statuses of a pipeline waiting for approval say (a pull request
/// whose author is not trusted; see trust_policy.h).
inline constexpr const char* kWaitingForApproval =
    "waiting for approval by a collaborator (comment \"/ci-run approve\")";

/// The status of one job in its current state: waiting/queued/running -> pending,
/// passed/skipped -> success, failed -> failure, infra/cancelled -> error;
/// the description is the state and its one-line cause (for a failure: the
/// key line of its excerpt, which the cause carries, without workspace paths).
CommitStatus JobCommitStatus(const PipelineRecord& pipeline, const JobRecord& job);

/// The summary status ("ci-run") of a pipeline with `jobs`: pending while any
/// job is queued or running, or waiting for approval (kWaitingForApproval), failure when one failed
/// (naming the first and its cause), error when one hit infra or was cancelled, else success.
/// With `bisections` of the pipeline's failures (culprit_search.h), a failed
/// pipeline's description names the first confirmed culprit:
/// "1 of 8 failed, culprit 3f2a1b9c5d2e; hello gcc/unix: build: ...".
CommitStatus SummaryCommitStatus(const PipelineRecord& pipeline, const std::vector<JobRecord>& jobs,
                                 const std::vector<BisectionRecord>& bisections = {});

/// The status a confirmed culprit gets on its own commit (`b.culprit`):
/// context "ci-run/culprit/<unikernel>/<cell key>", state failure,
/// description "first commit where <case> fails (confirmed); found by
/// pipeline N at <bad, short>". `b` must be confirmed.
CommitStatus CulpritCommitStatus(const PipelineRecord& pipeline, const BisectionRecord& b);

/// The JSON body GitHub expects for `status`.
std::string CommitStatusJson(const CommitStatus& status);

struct StatusSenderOptions {
  std::string api = "https://api.github.com";    // no trailing slash
  std::string token;                             // sent as "Authorization: Bearer"; never logged
  std::chrono::milliseconds first_retry{2'000};  // doubles after each failed attempt
  std::chrono::milliseconds max_retry{300'000};  // backoff ceiling
  int attempts = 6;                              // tries per status, first one included
};

/// What happened to one status: "sent", "retry" (will try again), "failed"
/// (gave up, or GitHub refused it: 4xx other than 429), "superseded" (a newer
/// status for the same context replaced it before it could be sent).
using StatusOutcome =
    std::function<void(const CommitStatus&, const std::string& outcome, const std::string& detail)>;

/// Posts statuses from a background thread, so reporting never blocks a job.
/// Retries network errors, 5xx, 429 and rate-limit 403s with exponential
/// backoff; other statuses go on meanwhile. Per (repo, sha, context) only the
/// newest status is kept: an older one waiting for a retry is dropped when a
/// newer one arrives, so a late retry never overwrites a newer state.
class StatusSender {
 public:
  /// `http` and `on_outcome` (may be null) must outlive the sender.
  StatusSender(HttpClient& http, StatusSenderOptions options, StatusOutcome on_outcome);
  ~StatusSender();  // Stop(0)

  /// Queues `status`; returns at once. Thread-safe.
  void Enqueue(CommitStatus status);

  /// Sends what is due within `drain` (retries included), then stops the
  /// thread; what is left is dropped (reported as "failed"). Idempotent.
  void Stop(std::chrono::milliseconds drain);

  /// Statuses queued or waiting for a retry.
  size_t Pending() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    CommitStatus status;
    int attempt = 0;  // attempts made so far
    Clock::time_point due;
  };
  void Loop();
  // Sends one; returns "sent", "retry" or "failed" and a detail line.
  std::pair<std::string, std::string> SendOnce(const CommitStatus& status);

  HttpClient& http_;
  const StatusSenderOptions options_;
  StatusOutcome on_outcome_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::map<std::string, Entry> waiting_;  // by repo/sha/context; guarded by mu_
  bool stopping_ = false;                 // guarded by mu_
  Clock::time_point drain_until_;         // guarded by mu_
  std::thread thread_;
};

}  // namespace cirun
