#include "runner/cli/serve_command.h"

#include <malloc.h>
#include <signal.h>

#include <atomic>
#include <optional>
#include <thread>

#include "runner/common/interrupt.h"
#include "runner/service/github_status.h"
#include "runner/service/http_client.h"
#include "runner/service/http_server.h"
#include "runner/service/pipeline_watcher.h"
#include "runner/service/plan_queue.h"
#include "runner/service/service_jobs.h"
#include "runner/service/service_metrics.h"
#include "runner/service/status_reporter.h"
#include "runner/service/webhook_intake.h"
#include "runner/store/postgres_store.h"
#include "runner/web/commit_order.h"
#include "runner/web/dashboard.h"

namespace cirun {
namespace {

int ConfigError(const std::string& message) {
  fprintf(stderr, "%s\nci-run serve: configuration rejected\n", message.c_str());
  return 2;
}

// What GET /healthz reports: whether the store answered recently.
class Health {
 public:
  void Ok() {
    std::lock_guard lock(mu_);
    error_.clear();
  }
  void Failed(const std::string& error) {
    std::lock_guard lock(mu_);
    error_ = error;
  }
  HttpReply Reply() const {
    std::lock_guard lock(mu_);
    if (!error_.empty())
      return {503, "text/plain; charset=utf-8", "store unavailable: " + error_ + "\n"};
    return {200, "text/plain; charset=utf-8", "ok\n"};
  }

 private:
  mutable std::mutex mu_;
  std::string error_;  // guarded by mu_; "" when healthy
};

// Sleeps up to `d`, waking early when `stop` is cancelled.
// Sleeps `d` in steps of 50 ms; returns early when `stop` fires or when
// `wake` (if given) is set, which it clears.
void SleepUnlessCancelled(const CancelToken& stop, std::chrono::milliseconds d,
                          std::atomic<bool>* wake = nullptr) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (!stop.cancelled() && std::chrono::steady_clock::now() < until) {
    if (wake && wake->exchange(false)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace

int RunServe(const std::string& config_path) {
  // Phase 1: configuration and secrets (never printed).
  auto config = LoadServiceConfig(config_path);
  if (!config.ok()) return ConfigError(config.status().message());
  const ServiceConfig& c = *config;
  if (!c.webhook_secret.configured()) {
    return ConfigError(c.file +
                       ": github.webhook-secret-file or github.webhook-secret-env is required by "
                       "serve (the secret entered on GitHub's webhook page)");
  }
  auto secret = ReadSecret(c.webhook_secret, "webhook secret");
  if (!secret.ok()) return ConfigError(secret.status().message());
  std::string token;
  if (c.github_token.configured()) {
    auto read = ReadSecret(c.github_token, "GitHub token");
    if (!read.ok()) return ConfigError(read.status().message());
    token = *read;
  }
  DashboardOptions dashboard;
  dashboard.require_login = c.web.require_login;
  if (c.web.token.configured()) {
    auto read = ReadSecret(c.web.token, "dashboard token");
    if (!read.ok()) return ConfigError(read.status().message());
    dashboard.token = *read;
  }
  if (dashboard.require_login && dashboard.token.empty())
    return ConfigError(c.file + ": web.require-login needs web.token-file or web.token-env");
  ServiceLog log;
  if (token.empty())
    log.Line("warning: no GitHub token configured: commit statuses are not posted");

  // Phase 2: the store.
  auto store = OpenStore(c.database);
  if (!store.ok()) {
    log.Line("ci-run serve: " + store.status().message());
    return store.status().code() == Status::Code::kInvalidArgument ? 2 : 1;
  }
  CancelToken stop;
  CancelOnInterrupt(&stop);

  // Phase 3: reporting: metrics and GitHub statuses follow the store.
  ServiceMetrics metrics(**store);
  std::unique_ptr<HttpClient> http = MakeCurlHttpClient();
  std::optional<StatusSender> sender;
  if (!token.empty()) {
    StatusSenderOptions options;
    options.api = c.github_api;
    options.token = token;
    options.first_retry = c.status_retry_delay;
    options.attempts = c.status_attempts;
    sender.emplace(
        *http, options,
        [&](const CommitStatus& s, const std::string& outcome, const std::string& detail) {
          metrics.StatusOutcome(outcome);
          if (outcome == "retry" || outcome == "failed") {
            log.Line("status " + s.context + " " + s.state + " for " + s.repo + "@" +
                     s.sha.substr(0, 12) + ": " + outcome + ": " + detail);
          }
        });
  }
  StatusReporter reporter([&](CommitStatus s) { sender->Enqueue(std::move(s)); },
                          [&](const PipelineRecord& p) {
                            return p.trigger != "local" && c.FindRepository(p.repo_name);
                          },
                          c.web.public_url);
  std::vector<PipelineListener*> listeners = {&metrics};
  if (sender) listeners.push_back(&reporter);
  PipelineWatcher watcher(**store, listeners);

  // Phase 4: planning and the webhook.
  ProcessRunner& runner = RealProcessRunner();
  ToolchainProbe probe(runner);
  ServicePlanContext plan_context{c.cache_dir, &c.host, &probe, &runner, c.OneMachine()};
  // A pipeline planned here is looked at at once, so its pending statuses go
  // out before its first jobs can finish (others wait for the next poll).
  std::atomic<bool> poll_now{false};
  PlanQueue plans(**store, plan_context, log, [&](int64_t) { poll_now = true; });
  WebhookIntake intake(
      c, *secret,
      [&](PipelineRequest r) {
        bool queued = plans.Enqueue(std::move(r));
        metrics.PlanQueueDepth(plans.Depth());
        return queued;
      },
      [&](ApprovalRequest a) {
        bool queued = plans.EnqueueApproval(std::move(a));
        metrics.PlanQueueDepth(plans.Depth());
        return queued;
      },
      [&](const std::string& event, const std::string& result, const std::string& detail) {
        metrics.WebhookDelivery(event, result);
        log.Line("webhook " + (event.empty() ? "(no event)" : event) + ": " + result +
                 (detail.empty() ? "" : ": " + detail));
      });
  Health health;
  std::vector<HttpRoute> routes = {
      {"POST", "/hooks/github", [&](const IncomingRequest& r) { return intake.Handle(r); }},
      {"GET", "/metrics",
       [&](const IncomingRequest&) {
         return HttpReply{200, "text/plain; version=0.0.4; charset=utf-8", metrics.Serialize()};
       }},
      {"GET", "/healthz", [&](const IncomingRequest&) { return health.Reply(); }},
  };
  // The dashboard: its pages (/ included), JSON and actions (runner/web/).
  CommitOrder order(c.cache_dir);
  dashboard.history = [&](const std::string& repo, const std::string& rev) {
    return order.History(repo, rev);
  };
  for (HttpRoute& route : DashboardRoutes(**store, dashboard)) routes.push_back(std::move(route));
  // The front door's limits (http_server.h): slow or idle clients are cut
  // off, bodies over max-webhook-bytes refused before they are read. Blocks
  // of 1 MiB and more (request bodies) are mapped and unmapped on their own:
  // glibc's default threshold grows after the first free, and a flood of
  // large bodies would then leave serve at its peak memory for good.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  HttpServerOptions door;
  door.max_body = c.max_webhook_bytes;
  auto server = HttpServer::Start(c.listen_host, c.listen_port, door, routes);
  if (!server.ok()) {
    log.Line("ci-run serve: " + server.status().message());
    return 1;
  }
  log.Line("ci-run serve: listening on http://" + c.listen_host + ":" +
           std::to_string((*server)->port()) +
           " (dashboard /, webhook /hooks/github, /metrics, /healthz); store " +
           RedactDatabaseUrl(c.database) + "; " + std::to_string(c.repositories.size()) +
           " repositories");

  // Phase 5: the loops: store watcher, lease reaper, in-process jobs.
  std::thread watching([&] {
    bool started = false;
    std::string last_error;  // logged once, until the store answers again
    while (!stop.cancelled()) {
      Status s = started ? watcher.Poll() : watcher.Start();
      if (s.ok()) {
        started = true;
        health.Ok();
        if (!last_error.empty()) log.Line("the store answers again");
        last_error.clear();
      } else {
        health.Failed(s.message());
        if (s.message() != last_error) log.Line("warning: " + s.ToString());
        last_error = s.message();
      }
      metrics.PlanQueueDepth(plans.Depth());
      SleepUnlessCancelled(stop, std::chrono::seconds(1), &poll_now);
    }
  });
  LeaseReaper reaper(**store, log, ReaperPeriod(c.lease), c.queue_timeout);
  std::thread jobs;
  if (c.serve_runs_jobs) {
    WorkerSettings settings{DefaultWorkerName(), c.worker_slots, {}};
    settings.labels = WorkerLabels(c, probe, runner);
    log.Line("running jobs in-process: " + std::to_string(settings.slots) + " slot(s) as " +
             settings.name);
    jobs = std::thread([&, settings] { RunServiceJobs(c, **store, log, settings, stop, nullptr); });
  }

  // Phase 6: run until a signal, then stop in order: no new work first.
  while (!stop.cancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  log.Line("ci-run serve: stopping");
  (*server)->Stop();
  plans.Stop();
  if (jobs.joinable()) jobs.join();  // running jobs were handed back to the queue
  watching.join();
  watcher.Poll();  // the statuses of jobs that ended or were handed back meanwhile
  if (sender) sender->Stop(std::chrono::seconds(5));  // a few seconds to send what is queued
  log.Line("ci-run serve: stopped");
  return LastInterrupt() == SIGINT ? 130 : 0;
}

void SetupServeCommand(CLI::App* sub, int* exit_code) {
  auto config = std::make_shared<std::string>();
  sub->add_option("--config", *config, "service configuration file (YAML)")->required();
  sub->callback([config, exit_code] { *exit_code = RunServe(*config); });
}

}  // namespace cirun
