#include "runner/cli/serve_command.h"

#include <malloc.h>
#include <signal.h>

#include <atomic>
#include <optional>
#include <thread>

#include "runner/common/exit_code.h"
#include "runner/common/interrupt.h"
#include "runner/pipeline/failure_lines.h"
#include "runner/service/commit_status_reporter.h"
#include "runner/service/failure_signature_recorder.h"
#include "runner/service/github_commit_status.h"
#include "runner/service/http_client.h"
#include "runner/service/http_server.h"
#include "runner/service/pipeline_watcher.h"
#include "runner/service/plan_queue.h"
#include "runner/service/service_metrics.h"
#include "runner/service/service_worker.h"
#include "runner/service/webhook_intake.h"
#include "runner/store/postgres_store.h"
#include "runner/web/commit_order.h"
#include "runner/web/dashboard.h"

namespace cirun {
namespace {

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

// The webhook secret, the GitHub token and the dashboard's token ("" when
// none is configured): read from their files or environment variables, never
// printed.
struct ServeSecrets {
  std::string webhook;
  std::string github_token;
  std::string dashboard_token;
};

Result<ServeSecrets> ReadServeSecrets(const ServiceConfig& c) {
  if (!c.webhook_secret.configured()) {
    return Status::InvalidArgument(
        c.file +
        ": github.webhook-secret-file or github.webhook-secret-env is required by "
        "serve (the secret entered on GitHub's webhook page)");
  }
  ServeSecrets secrets;
  auto secret = ReadSecret(c.webhook_secret, "webhook secret");
  if (!secret.ok()) return secret.status();
  secrets.webhook = *secret;
  if (c.github_token.configured()) {
    auto read = ReadSecret(c.github_token, "GitHub token");
    if (!read.ok()) return read.status();
    secrets.github_token = *read;
  }
  if (c.web.token.configured()) {
    auto read = ReadSecret(c.web.token, "dashboard token");
    if (!read.ok()) return read.status();
    secrets.dashboard_token = *read;
  }
  if (c.web.require_login && secrets.dashboard_token.empty())
    return Status::InvalidArgument(c.file +
                                   ": web.require-login needs web.token-file or web.token-env");
  return secrets;
}

// Posts commit statuses to GitHub with `token`, counting each outcome in
// `metrics` and logging retries and failures.
void StartStatusSender(HttpClient& http, const ServiceConfig& c, const std::string& token,
                       ServiceMetrics& metrics, ServiceLog& log,
                       std::optional<StatusSender>* sender) {
  StatusSenderOptions options;
  options.api = c.github_api;
  options.token = token;
  options.first_retry = c.status_retry_delay;
  options.attempts = c.status_attempts;
  sender->emplace(http, options,
                  [&metrics, &log](const CommitStatus& s, const std::string& outcome,
                                   const std::string& detail) {
                    metrics.StatusOutcome(outcome);
                    if (outcome == "retry" || outcome == "failed") {
                      log.Line("status " + s.context + " " + s.state + " for " + s.repo + "@" +
                               s.sha.substr(0, 12) + ": " + outcome + ": " + detail);
                    }
                  });
}

// The routes of `ci-run serve` besides the dashboard's: the webhook,
// /metrics and /healthz.
std::vector<HttpRoute> ServeRoutes(WebhookIntake& intake, ServiceMetrics& metrics,
                                   const Health& health) {
  return {
      {"POST", "/hooks/github", [&intake](const IncomingRequest& r) { return intake.Handle(r); }},
      {"GET", "/metrics",
       [&metrics](const IncomingRequest&) {
         return HttpReply{200, "text/plain; version=0.0.4; charset=utf-8", metrics.Serialize()};
       }},
      {"GET", "/healthz", [&health](const IncomingRequest&) { return health.Reply(); }},
  };
}

// Until `stop`: polls the store every second (at once when `poll_now` is
// set), keeping `health` and the plan queue's depth current; an error is
// logged once, until the store answers again.
void WatchStore(PipelineWatcher& watcher, Health& health, ServiceMetrics& metrics,
                const PlanQueue& plans, ServiceLog& log, const CancelToken& stop,
                std::atomic<bool>* poll_now) {
  bool started = false;
  std::string last_error;
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
    SleepUnlessCancelled(stop, std::chrono::seconds(1), poll_now);
  }
}

// The webhook's intake: deliveries become plan requests and approvals on
// `plans`, each counted in `metrics` and logged.
WebhookIntake MakeIntake(const ServiceConfig& c, const std::string& secret, PlanQueue& plans,
                         ServiceMetrics& metrics, ServiceLog& log) {
  return WebhookIntake(
      c, secret,
      [&plans, &metrics](PipelineRequest r) {
        bool queued = plans.Enqueue(std::move(r));
        metrics.PlanQueueDepth(plans.Depth());
        return queued;
      },
      [&plans, &metrics](ApprovalRequest a) {
        bool queued = plans.EnqueueApproval(std::move(a));
        metrics.PlanQueueDepth(plans.Depth());
        return queued;
      },
      [&metrics, &log](const std::string& event, const std::string& result,
                       const std::string& detail) {
        metrics.WebhookDelivery(event, result);
        log.Line("webhook " + (event.empty() ? "(no event)" : event) + ": " + result +
                 (detail.empty() ? "" : ": " + detail));
      });
}

// Starts the HTTP server on the configured address with `routes`, and logs
// where it listens.
Result<std::unique_ptr<HttpServer>> StartFrontDoor(const ServiceConfig& c,
                                                   const std::vector<HttpRoute>& routes,
                                                   ServiceLog& log) {
  // The front door's limits (http_server.h): slow or idle clients are cut
  // off, bodies over max-webhook-bytes refused before they are read. Blocks
  // of 1 MiB and more (request bodies) are mapped and unmapped on their own:
  // glibc's default threshold grows after the first free, and a flood of
  // large bodies would then leave serve at its peak memory for good.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  HttpServerOptions door;
  door.max_body = c.max_webhook_bytes;
  auto server = HttpServer::Start(c.listen_host, c.listen_port, door, routes);
  if (!server.ok()) return server.status();
  log.Line("ci-run serve: listening on http://" + c.listen_host + ":" +
           std::to_string((*server)->port()) +
           " (dashboard /, webhook /hooks/github, /metrics, /healthz); store " +
           RedactDatabaseUrl(c.database) + "; " + std::to_string(c.repositories.size()) +
           " repositories");
  return server;
}

// A thread running jobs in-process until `stop` (serve-runs-jobs), or no
// thread when the configuration leaves jobs to workers.
std::thread StartInProcessJobs(const ServiceConfig& c, Store& store, ToolchainProbe& probe,
                               ProcessRunner& runner, ServiceLog& log, const CancelToken& stop) {
  if (!c.serve_runs_jobs) return {};
  WorkerSettings settings{DefaultWorkerName(), c.worker_slots, {}};
  settings.labels = WorkerLabels(c, probe, runner);
  log.Line("running jobs in-process: " + std::to_string(settings.slots) + " slot(s) as " +
           settings.name);
  return std::thread([&c, &store, &log, &stop, settings] {
    RunServiceJobs(c, store, log, settings, stop, nullptr);
  });
}

}  // namespace

int RunServe(const std::string& config_path) {
  // Phase 1: configuration and secrets (never printed).
  auto config = LoadServiceConfig(config_path);
  if (!config.ok()) return ReportConfigError("ci-run serve", config.status());
  const ServiceConfig& c = *config;
  auto secrets = ReadServeSecrets(c);
  if (!secrets.ok()) return ReportConfigError("ci-run serve", secrets.status());
  const std::string& token = secrets->github_token;
  ServiceLog log;
  if (token.empty())
    log.Line("warning: no GitHub token configured: commit statuses are not posted");

  // Phase 2: the store.
  auto store = OpenStore(c.database);
  if (!store.ok()) {
    log.Line("ci-run serve: " + store.status().message());
    return ExitCodeForStatus(store.status());
  }
  CancelToken stop;
  CancelOnInterrupt(&stop);

  // Phase 3: reporting: metrics and GitHub statuses follow the store.
  ServiceMetrics metrics(**store);
  std::unique_ptr<HttpClient> http = MakeCurlHttpClient();
  std::optional<StatusSender> sender;
  if (!token.empty()) StartStatusSender(*http, c, token, metrics, log, &sender);
  CommitStatusReporter reporter(
      [&](CommitStatus s) { sender->Enqueue(std::move(s)); },
      [&](const PipelineRecord& p) {
        return p.trigger != "local" && c.FindRepository(p.repo_name);
      },
      c.web.public_url, [&](const PipelineRecord& p) { return PipelineBisections(**store, p); });
  FailureSignatureRecorder signatures(**store, [&](const std::string& e) { log.Line(e); });
  std::vector<PipelineListener*> listeners = {&metrics, &signatures};
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
  WebhookIntake intake = MakeIntake(c, secrets->webhook, plans, metrics, log);
  Health health;
  std::vector<HttpRoute> routes = ServeRoutes(intake, metrics, health);
  // The dashboard: its pages (/ included), JSON and actions (runner/web/).
  DashboardOptions dashboard;
  dashboard.token = secrets->dashboard_token;
  dashboard.require_login = c.web.require_login;
  CommitOrder order(c.cache_dir);
  dashboard.history = [&](const std::string& repo, const std::string& rev) {
    return order.History(repo, rev);
  };
  for (HttpRoute& route : DashboardRoutes(**store, dashboard)) routes.push_back(std::move(route));
  auto server = StartFrontDoor(c, routes, log);
  if (!server.ok()) {
    log.Line("ci-run serve: " + server.status().message());
    return 1;
  }

  // Phase 5: the loops: store watcher, lease reaper, in-process jobs.
  std::thread watching([&] { WatchStore(watcher, health, metrics, plans, log, stop, &poll_now); });
  LeaseReaper reaper(**store, log, ReaperPeriod(c.lease), c.queue_timeout);
  std::thread jobs = StartInProcessJobs(c, **store, probe, runner, log, stop);

  // Phase 6: run until a signal, then stop in order: no new work first.
  while (!stop.cancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  log.Line("ci-run serve: stopping");
  (*server)->Stop();
  plans.Stop();
  if (jobs.joinable()) jobs.join();  // running jobs were handed back to the queue
  watching.join();
  // The statuses of jobs that ended or were handed back meanwhile.
  if (Status s = watcher.Poll(); !s.ok()) log.Line("warning: " + s.ToString());
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
