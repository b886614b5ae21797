// The job side of the service, shared by `ci-run worker` and `ci-run serve`
// (which runs jobs in-process on a one-machine setup): a job pool claiming
// from the shared store in service mode, and the lease reaper that re-queues
// the jobs of workers that died.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness/process_runner.h"
#include "runner/common/progress.h"
#include "runner/host/service_config.h"
#include "runner/host/toolchain.h"
#include "runner/service/service_log.h"
#include "runner/store/store.h"

namespace cirun {

/// "HOST:PID": unique among the workers alive at once.
std::string DefaultWorkerName();

/// The labels a worker offers: the config's `worker.labels` if given, else
/// what this host has (HostLabels: available targets, working toolchains).
std::vector<std::string> WorkerLabels(const ServiceConfig& config, ToolchainProbe& probe,
                                      ProcessRunner& runner);

struct WorkerSettings {
  std::string name;                 // lease holder name (DefaultWorkerName())
  int slots = 2;                    // jobs at once
  std::vector<std::string> labels;  // WorkerLabels()
};

/// Claims and runs jobs from `store` until `stop` is cancelled (running jobs
/// are killed and handed back to the queue for another worker) or until
/// `stop_claiming` (may be null) is cancelled and the running jobs have ended.
/// Workspaces live in DATA-DIR/work/<name>; mirrors and the build cache in
/// CACHE-DIR, shared with other workers of the host. Returns the number of
/// jobs finished here.
int RunServiceJobs(const ServiceConfig& config, Store& store, ServiceLog& log,
                   const WorkerSettings& settings, const CancelToken& stop,
                   const CancelToken* stop_claiming);

/// Re-queues running jobs whose lease expired (their worker died or lost
/// the store), and ends as "infra" the jobs no worker claimed within
/// `queue_timeout` (0: never), every `period`, on its own thread, logging
/// what it did. Every worker and serve runs one: whichever comes first does
/// the work. It also logs when a worker turns unhealthy, and when it is
/// healthy again (WorkerRecord::unhealthy).
class LeaseReaper {
 public:
  LeaseReaper(Store& store, ServiceLog& log, std::chrono::milliseconds period,
              std::chrono::milliseconds queue_timeout);
  ~LeaseReaper();  // stops the thread

 private:
  void LogWorkerHealth();  // reaper thread

  Store& store_;
  ServiceLog& log_;
  std::map<std::string, std::string> unhealthy_;  // reaper thread: name -> why
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

/// How often to look for expired leases: a quarter of the lease, between 1 s
/// and 15 s.
std::chrono::milliseconds ReaperPeriod(std::chrono::milliseconds lease);

}  // namespace cirun
