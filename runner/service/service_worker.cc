#include "runner/service/service_worker.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "harness/boot.h"
#include "harness/boot_backend.h"
#include "harness/duration_text.h"
#include "runner/common/paths.h"
#include "runner/perf/bench_step.h"
#include "runner/perf/culprit_search.h"
#include "runner/perf/history_step.h"
#include "runner/pipeline/build_cache.h"
#include "runner/pipeline/fuzz_step.h"
#include "runner/pipeline/job_placement.h"
#include "runner/pipeline/job_pool.h"
#include "runner/pipeline/reproducible_step.h"
#include "runner/pipeline/worker_health.h"
#include "runner/pipeline/xen_sweep.h"
#include "runner/sources/source_checkout.h"

namespace cirun {
namespace {

// A worker name as a directory name.
std::string DirName(const std::string& name) {
  std::string out = name;
  for (char& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') c = '_';
  }
  return out.empty() ? "worker" : out;
}

}  // namespace

std::string DefaultWorkerName() {
  char host[256] = "localhost";
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}

std::vector<std::string> WorkerLabels(const ServiceConfig& config, ToolchainProbe& probe,
                                      ProcessRunner& runner) {
  if (!config.worker_labels.empty()) return config.worker_labels;
  return HostLabels(config.host, probe, runner);
}

int RunServiceJobs(const ServiceConfig& config, Store& store, ServiceLog& log,
                   const WorkerSettings& settings, const CancelToken& stop,
                   const CancelToken* stop_claiming) {
  ProcessRunner& runner = RealProcessRunner();
  // Xen domains a crashed worker of this host left running cost money: destroy
  // them before taking jobs (names carry the ci-run pid; live ones are kept).
  for (const std::string& line : SweepXenLeftovers(config.host.targets, runner)) log.Line(line);
  ToolchainProbe probe(runner);
  SourceCheckout sources(config.cache_dir);
  BuildCache cache(config.cache_dir + "/builds");
  JobEnvironment env;
  env.runner = &runner;
  env.store = &store;
  env.host = &config.host;
  env.toolchains = &probe;
  env.sources = &sources;
  env.cache = &cache;
  env.progress = &log;
  env.work_root = config.data_dir + "/work/" + DirName(settings.name);
  env.self_command = SelfCommand();
  // The steps after a passing boot, as in `ci-run local`; each reads its
  // settings from the pipeline's options_json (see PipelineRequest).
  FuzzStep fuzz_step(settings.slots);
  const BenchStep bench_step;
  const HistoryStep history_step;
  const ReproducibleStep reproducible_step;
  env.after_boot = {&fuzz_step, &bench_step, &history_step, &reproducible_step};
  // A push or nightly job that fails searches for the commit that broke its
  // cell before it finishes (culprit_search.h).
  env.after_failure = SearchCulprit;
  env.store_url = config.database;
  env.cache_dir = config.cache_dir;
  if (std::error_code ec; !config.file.empty())
    env.service_config_file = std::filesystem::absolute(config.file, ec).string();
  // What a job's sandbox must never show, and the values no stored text may hold.
  if (!env.service_config_file.empty()) env.sandbox_hidden.push_back(env.service_config_file);
  if (!config.database.starts_with("postgres"))
    env.sandbox_hidden.push_back(config.database.starts_with("sqlite:") ? config.database.substr(7)
                                                                        : config.database);
  for (const SecretSource* secret : {&config.github_token, &config.webhook_secret}) {
    if (!secret->file.empty()) env.sandbox_hidden.push_back(secret->file);
    if (!secret->configured()) continue;
    if (auto value = ReadSecret(*secret, "secret"); value.ok()) env.secrets.push_back(*value);
  }
  // Health (worker_health.h): the last main boot that passed here, per
  // target, is this worker's health boot; unboxed, as it is trusted code.
  WorkerHealth health({config.unhealthy_after, config.health_check}, env.work_root + "/health",
                      [&config, &runner](const HealthBoot& boot) {
                        const TargetSpec* target = config.host.FindTarget(boot.target);
                        if (!target) {
                          BootResult r;
                          r.cause = "no target named \"" + boot.target + "\" on this host";
                          return r;
                        }
                        return Boot(boot.request, *MakeBootBackend(*target, runner), runner,
                                    nullptr, {});
                      });
  env.boot_passed = [&health](const std::string& target, const BootRequest& request) {
    health.BootPassed(target, request);
  };
  JobPoolOptions pool;
  pool.slots = settings.slots;
  pool.infra_retries = config.infra_retries;
  pool.health = &health;
  pool.worker = settings.name;
  pool.labels = settings.labels;
  pool.lease = config.lease;
  pool.stop_when_idle = false;
  pool.poll = std::chrono::milliseconds(500);
  pool.stop_claiming = stop_claiming;
  pool.release_when_stopped = true;
  pool.announce = true;
  std::error_code ec;
  std::filesystem::create_directories(env.work_root, ec);
  return RunJobPool(env, pool, stop);
}

std::chrono::milliseconds ReaperPeriod(std::chrono::milliseconds lease) {
  return std::clamp(lease / 4, std::chrono::milliseconds(1'000), std::chrono::milliseconds(15'000));
}

LeaseReaper::LeaseReaper(Store& store, ServiceLog& log, std::chrono::milliseconds period,
                         std::chrono::milliseconds queue_timeout)
    : store_(store), log_(log) {
  thread_ = std::thread([this, period, queue_timeout] {
    std::unique_lock lock(mu_);
    while (!wake_.wait_for(lock, period, [this] { return stopping_; })) {
      lock.unlock();
      auto requeued = store_.RequeueExpired();
      if (!requeued.ok()) {
        log_.Line("warning: cannot re-queue expired jobs: " + requeued.status().ToString());
      } else if (*requeued > 0) {
        log_.Line("re-queued " + std::to_string(*requeued) +
                  " job(s) whose worker stopped renewing its lease");
      }
      LogWorkerHealth();
      if (queue_timeout.count() > 0) {
        auto expired = store_.ExpireUnclaimed(queue_timeout);
        if (!expired.ok()) {
          log_.Line("warning: cannot expire unclaimed jobs: " + expired.status().ToString());
        } else if (*expired > 0) {
          log_.Line("ended " + std::to_string(*expired) +
                    " job(s) as infra: no worker offering their labels claimed them within " +
                    FormatSettingDuration(queue_timeout) + " (worker.queue-timeout)");
        }
      }
      lock.lock();
    }
  });
}

void LeaseReaper::LogWorkerHealth() {
  auto workers = store_.ListWorkers();
  if (!workers.ok()) return;
  std::map<std::string, std::string> now;
  for (const WorkerRecord& w : *workers)
    if (!w.unhealthy.empty()) now[w.name] = w.unhealthy;
  for (const auto& [name, why] : now)
    if (!unhealthy_.count(name))
      log_.Line("worker " + name + " is unhealthy (" + why + "): its jobs go to other workers");
  for (const auto& [name, why] : unhealthy_) {
    if (now.count(name)) continue;
    const bool live = std::any_of(workers->begin(), workers->end(),
                                  [&](const WorkerRecord& w) { return w.name == name; });
    log_.Line(
        "worker " + name +
        (live ? " passed its health boot: it takes jobs again" : " is gone (it was unhealthy)"));
  }
  unhealthy_ = std::move(now);
}

LeaseReaper::~LeaseReaper() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

}  // namespace cirun
