#include "runner/cli/status_command.h"

#include <map>
#include <thread>

#include "runner/common/exit_code.h"
#include "runner/common/interrupt.h"
#include "runner/common/terminal_progress.h"
#include "runner/pipeline/pipeline_report.h"
#include "runner/store/store_labels.h"

namespace cirun {
namespace {

std::string Age(int64_t since_ms) {
  int64_t s = std::max<int64_t>(0, (NowMs() - since_ms) / 1000);
  if (s < 60) return std::to_string(s) + "s ago";
  if (s < 3600) return std::to_string(s / 60) + "m ago";
  if (s < 86400) return std::to_string(s / 3600) + "h ago";
  return std::to_string(s / 86400) + "d ago";
}

// "24 passed", "3/24 done, 2 running", "0/3 done, 0 running, 3 waiting",
// "1 failed, 23 passed".
std::string JobCounts(const std::vector<JobRecord>& jobs) {
  std::map<std::string, int> counts;
  int active = 0;
  for (const JobRecord& j : jobs) {
    ++counts[JobStateName(j.state)];
    active += !IsFinal(j.state);
  }
  std::string out;
  if (active > 0) {
    out = std::to_string(jobs.size() - active) + "/" + std::to_string(jobs.size()) + " done, " +
          std::to_string(counts["running"]) + " running";
    if (counts["failed"]) out += ", " + std::to_string(counts["failed"]) + " failed";
    if (counts["waiting"]) out += ", " + std::to_string(counts["waiting"]) + " waiting";
    return out;
  }
  for (const auto& [state, n] : counts)
    out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + state;
  return out.empty() ? "no jobs" : out;
}

// Queued jobs wait for a worker offering all their labels: say which, and
// which live workers offer them (none: only a new worker can take them).
void PrintWaiting(Store& store, const PipelineReport& report) {
  if (report.pipeline.state == "waiting") {
    printf(
        "\nWaiting for approval: a trusted user's \"/ci-run approve\" comment on the pull "
        "request, or `ci-run approve %lld`, runs it.\n",
        static_cast<long long>(report.pipeline.id));
  }
  std::map<std::vector<std::string>, int> waiting;  // labels -> jobs
  for (const JobReport& j : report.jobs)
    if (j.job.state == JobState::kQueued) ++waiting[j.job.labels];
  if (waiting.empty()) return;
  auto workers = store.ListWorkers();
  printf("\nQueued, waiting for a worker offering:\n");
  for (const auto& [labels, n] : waiting) {
    std::string offered = "live workers unknown: " + workers.status().message();
    if (workers.ok()) {
      std::string names;
      for (const std::string& w : WorkersOffering(labels, *workers))
        names += (names.empty() ? "" : ", ") + w;
      offered = names.empty() ? "no live worker offers these" : "offered by " + names;
    }
    printf("  %d job%s: %s (%s)\n", n, n == 1 ? "" : "s",
           labels.empty() ? "(no labels)" : JoinLabels(labels).c_str(), offered.c_str());
  }
}

// The live workers (--workers).
int ListWorkers(Store& store) {
  auto workers = store.ListWorkers();
  if (!workers.ok()) {
    fprintf(stderr, "ci-run status: cannot list workers: %s\n", workers.status().message().c_str());
    return 1;
  }
  if (workers->empty()) {
    printf("no live worker\n");
    return 0;
  }
  printf("%-24s %-9s %-10s %-12s %s\n", "WORKER", "RUNNING", "SEEN", "UP SINCE", "LABELS");
  for (const WorkerRecord& w : *workers) {
    const std::string running = std::to_string(w.running) + "/" + std::to_string(w.slots);
    printf("%-24s %-9s %-10s %-12s %s\n", w.name.c_str(), running.c_str(), Age(w.seen_ms).c_str(),
           Age(w.started_ms).c_str(), JoinLabels(w.labels).c_str());
    if (!w.unhealthy.empty()) printf("  unhealthy: %s\n", w.unhealthy.c_str());
  }
  return 0;
}

int ListPipelines(Store& store, const StatusOptions& o) {
  auto pipelines = store.ListPipelines(o.limit);
  if (!pipelines.ok()) {
    return ReportError("ci-run status", pipelines.status());
  }
  if (pipelines->empty()) {
    printf("no pipelines yet\n");
    return 0;
  }
  printf("%-6s %-9s %-13s %-24s %-20s %-12s %-28s %s\n", "ID", "STATE", "TRIGGER", "REPOSITORY",
         "REF", "COMMIT", "JOBS", "CREATED");
  for (const PipelineRecord& p : *pipelines) {
    auto jobs = store.ListJobs(p.id);
    std::string ref = p.ref.starts_with("refs/heads/") ? p.ref.substr(11) : p.ref;
    printf("%-6lld %-9s %-13s %-24s %-20s %-12s %-28s %s\n", static_cast<long long>(p.id),
           p.state.c_str(), p.trigger.c_str(), p.repo_name.c_str(), ref.c_str(),
           p.commit.substr(0, 12).c_str(), jobs.ok() ? JobCounts(*jobs).c_str() : "?",
           Age(p.created_ms).c_str());
  }
  return 0;
}

}  // namespace

int RunStatus(const StatusOptions& o) {
  auto opened = OpenStoreFromFlags(o.store);
  if (!opened.ok()) {
    return ReportError("ci-run status", opened.status());
  }
  Store& store = *opened->store;
  if (o.workers) {
    if (o.pipeline != 0 || o.wait || o.json || o.logs || !o.job.empty()) {
      fprintf(stderr, "ci-run status: --workers takes no PIPELINE and no other option\n");
      return 2;
    }
    return ListWorkers(store);
  }
  if (o.pipeline == 0) {
    if (o.wait || o.json || o.logs || !o.job.empty()) {
      fprintf(stderr, "ci-run status: --wait, --json, --logs and --job need a PIPELINE id\n");
      return 2;
    }
    return ListPipelines(store, o);
  }
  CancelToken interrupted;
  if (o.wait) CancelOnInterrupt(&interrupted);
  while (true) {
    auto report = LoadPipelineReport(store, o.pipeline);
    if (!report.ok()) {
      return ReportError("ci-run status", report.status());
    }
    const bool finished = !IsUnfinishedPipeline(report->pipeline.state);
    if (o.wait && !finished) {
      if (interrupted.cancelled()) return 130;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      continue;
    }
    if (o.logs || !o.job.empty()) {
      if (PrintStepLogs(stdout, *report, o.job) == 0) {
        if (!o.job.empty()) {
          fprintf(stderr, "ci-run status: pipeline %lld has no job \"%s\"; its jobs:\n",
                  static_cast<long long>(o.pipeline), o.job.c_str());
          for (const JobReport& j : report->jobs)
            fprintf(stderr, "  %lld  %s\n", static_cast<long long>(j.job.id), j.job.name.c_str());
          return 2;
        }
        printf("no failed job in pipeline %lld (--job NAME shows one job's logs)\n",
               static_cast<long long>(o.pipeline));
      }
    } else if (o.json) {
      fputs(PipelineJson(*report).c_str(), stdout);
    } else {
      const auto& p = report->pipeline;
      printf("Pipeline %lld: %s, %s of %s %s (%s), created %s\n", static_cast<long long>(p.id),
             p.state.c_str(), p.trigger.c_str(), p.repo_name.c_str(), p.ref.c_str(),
             p.commit.substr(0, 12).c_str(), Age(p.created_ms).c_str());
      PrintSummary(stdout, *report, TerminalProgress::IsInteractive(stdout));
      PrintWaiting(store, *report);
    }
    return o.wait ? PipelineExitCode(*report) : 0;
  }
}

void SetupStatusCommand(CLI::App* sub, int* exit_code) {
  auto o = std::make_shared<StatusOptions>();
  sub->add_option("pipeline", o->pipeline, "pipeline id (default: list the newest pipelines)");
  AddStoreFlags(sub, &o->store);
  sub->add_option("-n,--limit", o->limit, "pipelines listed (default 20)");
  auto* json = sub->add_flag("--json", o->json, "print the pipeline as JSON");
  sub->add_flag("--wait", o->wait,
                "wait until the pipeline has finished; exit 0 if every job passed or was skipped");
  sub->add_flag("--logs", o->logs,
                "print the step logs of the pipeline's failed jobs (with --job: of that job)")
      ->excludes(json);
  sub->add_option("--job", o->job,
                  "print the step logs of this job: its name (\"hello gcc/virtio\") or id")
      ->excludes(json);
  sub->add_flag("--workers", o->workers,
                "list the live workers (announced within their lease) instead of pipelines");
  sub->callback([o, exit_code] { *exit_code = RunStatus(*o); });
}

}  // namespace cirun
