#include "runner/cli/worker_command.h"

#include <signal.h>

#include <atomic>
#include <thread>

#include "jobs/repo_config_parser.h"
#include "runner/common/exit_code.h"
#include "runner/common/interrupt.h"
#include "runner/service/service_worker.h"
#include "runner/store/postgres_store.h"

namespace cirun {

int RunWorker(const WorkerOptions& o) {
  auto config = LoadServiceConfig(o.config);
  if (!config.ok()) return ReportConfigError("ci-run worker", config.status());
  auto grace = ParseDuration(o.grace);
  if (!grace.ok()) {
    fprintf(stderr, "ci-run worker: --grace %s: %s\n", o.grace.c_str(),
            grace.status().message().c_str());
    return 2;
  }
  ServiceLog log;
  auto store = OpenStore(config->database);
  if (!store.ok()) {
    log.Line("ci-run worker: " + store.status().message());
    return store.status().code() == Status::Code::kInvalidArgument ? 2 : 1;
  }
  ProcessRunner& runner = RealProcessRunner();
  ToolchainProbe probe(runner);
  WorkerSettings settings;
  settings.name = o.name.empty() ? DefaultWorkerName() : o.name;
  settings.slots = o.slots > 0 ? o.slots : config->worker_slots;
  settings.labels = o.labels.empty() ? WorkerLabels(*config, probe, runner) : o.labels;
  std::string labels;
  for (const std::string& l : settings.labels) labels += " " + l;
  log.Line("ci-run worker " + settings.name + ": " + std::to_string(settings.slots) +
           " slot(s), store " + RedactDatabaseUrl(config->database) + ", labels:" + labels);

  // The first signal stops claiming; after the grace period, `stop` kills
  // what still runs, and those jobs are handed back.
  CancelToken stop_claiming, stop;
  CancelOnInterrupt(&stop_claiming);
  std::atomic<bool> done{false};
  std::thread grace_keeper([&] {
    while (!done && !stop_claiming.cancelled())
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (done) return;
    log.Line("ci-run worker " + settings.name + ": stopping: no new jobs; running jobs get " +
             o.grace + " to finish, then go back to the queue");
    const auto until = std::chrono::steady_clock::now() + *grace;
    while (!done && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stop.Cancel();
  });
  int finished;
  {
    LeaseReaper reaper(**store, log, ReaperPeriod(config->lease), config->queue_timeout);
    finished = RunServiceJobs(*config, **store, log, settings, stop, &stop_claiming);
  }
  done = true;
  grace_keeper.join();
  log.Line("ci-run worker " + settings.name + ": stopped after " + std::to_string(finished) +
           " job(s)");
  return LastInterrupt() == SIGINT ? 130 : 0;
}

void SetupWorkerCommand(CLI::App* sub, int* exit_code) {
  auto o = std::make_shared<WorkerOptions>();
  sub->add_option("--config", o->config, "service configuration file (YAML)")->required();
  sub->add_option("--name", o->name, "worker name, unique among live workers (default HOST:PID)");
  sub->add_option("--slots", o->slots, "jobs run at once (default: worker.slots of the config)");
  sub->add_option("--labels", o->labels,
                  "labels this worker offers, comma-separated, e.g. target:xen,toolchain:gcc "
                  "(default: worker.labels of the config, else the targets and toolchains that "
                  "work on this host)")
      ->delimiter(',');
  sub->add_option("--grace", o->grace,
                  "after SIGTERM, how long running jobs may finish before they are handed back "
                  "(default 30s)");
  sub->callback([o, exit_code] { *exit_code = RunWorker(*o); });
}

}  // namespace cirun
