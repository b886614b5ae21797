#include "runner/pipeline/job_pool.h"

#include <atomic>
#include <condition_variable>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include <nlohmann/json.hpp>

#include "runner/store/store_labels.h"

namespace cirun {
namespace {

// The longest time between two heartbeats of a running job.
constexpr std::chrono::milliseconds kMaxHeartbeatPeriod{2000};

// One running job as seen by the lease keeper.
struct RunningJob {
  int64_t id;
  int attempt;
  std::string unikernel;
  CancelToken cancel;
  std::atomic<bool> cancel_requested{false};  // the store said so (Store::RequestCancel)
};

class Pool {
 public:
  Pool(const JobEnvironment& env, const JobPoolOptions& options, const CancelToken& stop,
       JobRunFunction run)
      : env_(env), options_(options), stop_(stop), run_(std::move(run)) {}

  int Run() {
    std::thread keeper([this] { KeepLeases(); });
    std::vector<std::thread> slots;
    for (int i = 0; i < std::max(1, options_.slots); ++i) slots.emplace_back([this] { Slot(); });
    for (auto& t : slots) t.join();
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    wake_.notify_all();
    keeper.join();
    if (options_.announce) Retire();
    return finished_;
  }

 private:
  // One worker thread: claim, run, finish, repeat.
  void Slot() {
    while (!stop_.cancelled()) {
      if (options_.stop_claiming && options_.stop_claiming->cancelled()) return;
      if (!Healthy()) {
        std::unique_lock lock(mu_);
        wake_.wait_for(lock, options_.poll);
        continue;
      }
      auto claimed = Claim();
      if (!claimed) {
        if (options_.stop_when_idle && Idle()) return;
        std::unique_lock lock(mu_);
        wake_.wait_for(lock,
                       options_.stop_when_idle ? std::chrono::milliseconds(50) : options_.poll);
        continue;
      }
      RunOne(claimed->first, claimed->second);
    }
  }

  // Claims a job this pool may run and registers it as running before the
  // claim lock is released, so that the next claim sees it (max_parallel).
  std::optional<std::pair<ClaimedJob, std::shared_ptr<RunningJob>>> Claim() {
    ClaimRequest request{options_.worker, options_.labels, options_.lease, options_.pipeline_id,
                         Excluded()};
    std::lock_guard claim_lock(claim_mu_);  // one claim at a time: keeps max_parallel exact
    auto claimed = env_.store->ClaimJob(request);
    if (!claimed.ok()) {
      env_.progress->Message("warning: cannot claim a job: " + claimed.status().ToString());
      return std::nullopt;
    }
    if (!*claimed) return std::nullopt;
    const JobRecord& job = (*claimed)->job;
    if (AtParallelLimit(job.unikernel)) {
      // Not released: the job stays ours until its lease expires and the
      // reaper queues it again; only later, not lost.
      if (Status s = env_.store->ReleaseJob(job.id, options_.worker, job.attempt); !s.ok())
        env_.progress->Message("warning: cannot release job " + std::to_string(job.id) + ": " +
                               s.ToString());
      return std::nullopt;
    }
    auto running = std::make_shared<RunningJob>();
    running->id = job.id;
    running->attempt = job.attempt;
    running->unikernel = job.unikernel;
    {
      std::lock_guard lock(mu_);
      running_.push_back(running);
    }
    return std::pair{**claimed, running};
  }

  bool AtParallelLimit(const std::string& unikernel) {
    auto it = options_.max_parallel.find(unikernel);
    if (it == options_.max_parallel.end() || it->second <= 0) return false;
    std::lock_guard lock(mu_);
    int running = 0;
    for (const auto& r : running_) running += r->unikernel == unikernel;
    return running >= it->second;
  }

  // True when this pool has nothing running: a claim just found nothing this
  // pool may run, so nothing will change unless a running job finishes.
  bool Idle() {
    std::lock_guard lock(mu_);
    return running_.empty();
  }

  // Runs a job Claim registered in running_, writes its result, and
  // removes it from running_.
  void RunOne(const ClaimedJob& claimed, const std::shared_ptr<RunningJob>& running) {
    JobResult result = run_(claimed, &running->cancel);
    // A job cut short by `stop` has no verdict: another worker runs it again.
    // One that reached a verdict before the stop took effect keeps it.
    const bool cut_short = result.state == JobState::kCancelled || result.state == JobState::kInfra;
    const bool stopped = stop_.cancelled();
    if (running->cancel_requested && cut_short && !stopped) {
      result.state = JobState::kCancelled;
      result.cause = "cancelled while it ran (ci-run's cancel action)";
    }
    if (result.state == JobState::kInfra && !stopped) CountInfra(claimed, result);
    if (result.state == JobState::kInfra && !stopped && RetryElsewhere(claimed)) {
      Status released =
          env_.store->ReleaseJob(claimed.job.id, options_.worker, claimed.job.attempt);
      env_.progress->Message("pipeline " + std::to_string(claimed.job.pipeline_id) + " job " +
                             std::to_string(claimed.job.id) + " " + claimed.job.name + ": infra (" +
                             result.cause + "), " +
                             (released.ok()
                                  ? "handed back to the queue for another worker (attempt " +
                                        std::to_string(claimed.job.attempt) + " of " +
                                        std::to_string(options_.infra_retries + 1) + ")"
                                  : "not handed back: " + released.message()));
      if (released.ok()) {
        std::lock_guard lock(mu_);
        handed_back_[claimed.job.id] = {claimed.job.attempt, claimed.job.labels};
        // The oldest go first: they were long since run elsewhere.
        while (handed_back_.size() > kHandedBackKept) handed_back_.erase(handed_back_.begin());
      }
    } else if (options_.release_when_stopped && stopped && cut_short) {
      Status released =
          env_.store->ReleaseJob(claimed.job.id, options_.worker, claimed.job.attempt);
      env_.progress->Message(
          "pipeline " + std::to_string(claimed.job.pipeline_id) + " job " +
          std::to_string(claimed.job.id) + " " + claimed.job.name + ": " +
          (released.ok() ? "handed back to the queue" : "not handed back: " + released.message()));
    } else if (Status written = env_.store->FinishJob(claimed.job.id, options_.worker,
                                                      claimed.job.attempt, result);
               written.ok()) {
      ++finished_;
      if (options_.health && result.state != JobState::kInfra &&
          result.state != JobState::kCancelled)
        options_.health->JobEnded(result.state, "");
      JobRecord job = claimed.job;
      job.state = result.state;
      env_.progress->JobFinished(job, result);
      if (result.state == JobState::kFailed && FailFast(claimed)) CancelRest(job);
    } else {
      env_.progress->Message(claimed.job.name + ": result not written: " + written.message());
    }
    std::lock_guard lock(mu_);
    running_.remove(running);
    wake_.notify_all();
  }

  // True unless options_.health says this worker is unhealthy; runs its
  // health boot when one is due.
  bool Healthy() {
    if (!options_.health) return true;
    if (options_.health->Unhealthy().empty()) return true;
    if (auto line = options_.health->CheckIfDue())
      env_.progress->Message("worker " + options_.worker + ": " + *line);
    return options_.health->Unhealthy().empty();
  }

  // Counts an infra job towards this worker's health; logs when it turns it
  // unhealthy.
  void CountInfra(const ClaimedJob& claimed, const JobResult& result) {
    if (!options_.health) return;
    if (!options_.health->JobEnded(JobState::kInfra, claimed.job.name + ": " + result.cause))
      return;
    env_.progress->Message("worker " + options_.worker + " is unhealthy (" +
                           options_.health->Unhealthy() +
                           "): taking no jobs until it passes a health boot");
  }

  // True if an infra job `claimed` may be handed to another worker: retries
  // remain and another live, healthy worker offers its labels.
  bool RetryElsewhere(const ClaimedJob& claimed) {
    if (claimed.job.attempt > options_.infra_retries) return false;
    auto workers = env_.store->ListWorkers();
    return workers.ok() && OfferedElsewhere(*workers, claimed.job.labels);
  }

  // True if a live, healthy worker other than this one offers `labels`.
  bool OfferedElsewhere(const std::vector<WorkerRecord>& workers,
                        const std::vector<std::string>& labels) const {
    for (const WorkerRecord& w : workers) {
      if (w.name != options_.worker && w.unhealthy.empty() && LabelsSatisfied(labels, w.labels))
        return true;
    }
    return false;
  }

  // The jobs this pool handed back after infra, at the attempt it ran, that
  // another worker can run. The store hands them back here once another
  // worker tried them (a later attempt), so two workers that both handed a
  // job back do not leave it queued forever.
  std::vector<ExcludedJob> Excluded() {
    std::map<int64_t, HandedBack> handed_back;
    {
      std::lock_guard lock(mu_);
      handed_back = handed_back_;
    }
    if (handed_back.empty()) return {};
    auto workers = env_.store->ListWorkers();
    if (!workers.ok()) return {};
    std::vector<ExcludedJob> out;
    for (const auto& [id, job] : handed_back)
      if (OfferedElsewhere(*workers, job.labels)) out.push_back({id, job.attempt});
    return out;
  }

  // True if a failure of `claimed` cancels its unikernel's queued jobs.
  bool FailFast(const ClaimedJob& claimed) const {
    const std::string& unikernel = claimed.job.unikernel;
    if (options_.fail_fast_unikernels.count(unikernel)) return true;
    JobPoolOptions pipeline;
    ApplyPipelineOptions(claimed.pipeline.options_json, &pipeline);
    return pipeline.fail_fast_unikernels.count(unikernel) > 0;
  }

  void CancelRest(const JobRecord& failed) {
    auto jobs = env_.store->ListJobs(failed.pipeline_id);
    const std::string cause = "fail-fast: " + failed.name + " failed";
    auto n = env_.store->CancelQueued(failed.pipeline_id, failed.unikernel, cause);
    if (!jobs.ok() || !n.ok() || *n == 0) return;
    for (JobRecord job : *jobs) {
      if (job.state != JobState::kQueued || job.unikernel != failed.unikernel) continue;
      job.state = JobState::kCancelled;
      env_.progress->JobFinished(job, {JobState::kCancelled, cause, "", 0});
    }
  }

  // Renews leases and forwards `stop` to every running job, until done_.
  // Store calls happen outside mu_ on a snapshot of the running jobs.
  void KeepLeases() {
    auto next_heartbeat = std::chrono::steady_clock::now();
    while (true) {
      std::vector<std::shared_ptr<RunningJob>> snapshot;
      {
        std::unique_lock lock(mu_);
        wake_.wait_for(lock, std::chrono::milliseconds(50));
        if (done_) return;
        snapshot.assign(running_.begin(), running_.end());
      }
      for (auto& r : snapshot) {
        if (stop_.cancelled()) r->cancel.Cancel();
      }
      if (std::chrono::steady_clock::now() < next_heartbeat) continue;
      // Often enough that a cancel request (Heartbeat says Cancelled) stops
      // a job within seconds, even with a long lease.
      next_heartbeat = std::chrono::steady_clock::now() +
                       std::min<std::chrono::milliseconds>(options_.lease / 3, kMaxHeartbeatPeriod);
      for (auto& r : snapshot) {
        Status s = env_.store->Heartbeat(r->id, options_.worker, r->attempt, options_.lease);
        if (s.code() == Status::Code::kCancelled) r->cancel_requested = true;
        if (s.code() == Status::Code::kFailedPrecondition || s.code() == Status::Code::kCancelled)
          r->cancel.Cancel();
      }
      if (options_.announce) Announce(static_cast<int>(snapshot.size()));
    }
  }

  // Tells the store this worker is live, or, once it no longer claims jobs,
  // that it is gone. A store error is reported once, until it answers again.
  void Announce(int running) {
    const bool claiming =
        !stop_.cancelled() && !(options_.stop_claiming && options_.stop_claiming->cancelled());
    if (!claiming) return Retire();
    WorkerRecord me;
    me.name = options_.worker;
    me.labels = options_.labels;
    me.slots = std::max(1, options_.slots);
    me.running = running;
    me.lease = options_.lease;
    if (options_.health) me.unhealthy = options_.health->Unhealthy();
    Status s = env_.store->AnnounceWorker(me);
    if (!s.ok() && s.message() != announce_error_)
      env_.progress->Message("warning: cannot announce this worker: " + s.ToString());
    announce_error_ = s.ok() ? "" : s.message();
  }

  void Retire() {
    if (retired_) return;
    retired_ = env_.store->RetireWorker(options_.worker).ok();
  }

  const JobEnvironment& env_;
  const JobPoolOptions& options_;
  const CancelToken& stop_;
  const JobRunFunction run_;
  std::mutex claim_mu_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::list<std::shared_ptr<RunningJob>> running_;  // guarded by mu_
  bool done_ = false;                               // guarded by mu_
  // A job handed back after infra: the attempt it had here, and its labels.
  struct HandedBack {
    int attempt = 0;
    std::vector<std::string> labels;
  };
  static constexpr size_t kHandedBackKept = 256;
  std::map<int64_t, HandedBack> handed_back_;  // guarded by mu_: by job id
  std::atomic<int> finished_{0};
  std::string announce_error_;  // the last AnnounceWorker error (keeper thread)
  bool retired_ = false;        // RetireWorker succeeded (keeper thread, then Run)
};

}  // namespace

void ApplyPipelineOptions(const std::string& options_json, JobPoolOptions* options) {
  auto j = nlohmann::json::parse(options_json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return;
  if (j.contains("fail_fast") && j["fail_fast"].is_array()) {
    for (const auto& u : j["fail_fast"])
      if (u.is_string()) options->fail_fast_unikernels.insert(u.get<std::string>());
  }
  if (j.contains("max_parallel") && j["max_parallel"].is_object()) {
    for (const auto& [u, n] : j["max_parallel"].items())
      if (n.is_number_integer()) options->max_parallel[u] = n.get<int>();
  }
}

int RunJobPool(const JobEnvironment& env, const JobPoolOptions& options, const CancelToken& stop) {
  JobExecutor executor(env);
  return RunJobPool(env, options, stop,
                    [&executor](const ClaimedJob& c, const CancelToken* cancel) {
                      return executor.Run(c, cancel);
                    });
}

int RunJobPool(const JobEnvironment& env, const JobPoolOptions& options, const CancelToken& stop,
               const JobRunFunction& run) {
  Pool pool(env, options, stop, run);
  return pool.Run();
}

}  // namespace cirun
