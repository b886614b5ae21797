#include "runner/service/service_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <mutex>

#include "runner/pipeline/step_detail.h"

namespace cirun {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;

struct ServiceMetrics::Families {
  explicit Families(prometheus::Registry& r)
      : jobs(prometheus::BuildGauge()
                 .Name("cirun_jobs")
                 .Help("Jobs in the store by state")
                 .Register(r)),
        queue_depth(prometheus::BuildGauge()
                        .Name("cirun_queue_depth")
                        .Help("Jobs waiting for a worker")
                        .Register(r)
                        .Add({})),
        pipelines(prometheus::BuildCounter()
                      .Name("cirun_pipelines_total")
                      .Help("Pipelines created, by trigger")
                      .Register(r)),
        finished(prometheus::BuildCounter()
                     .Name("cirun_jobs_finished_total")
                     .Help("Jobs that reached a final state, by state")
                     .Register(r)),
        job_seconds(prometheus::BuildHistogram()
                        .Name("cirun_job_duration_seconds")
                        .Help("Time from a job's claim to its result")
                        .Register(r)),
        boot_seconds(prometheus::BuildHistogram()
                         .Name("cirun_boot_duration_seconds")
                         .Help("Duration of each boot and end-to-end test case")
                         .Register(r)),
        deliveries(prometheus::BuildCounter()
                       .Name("cirun_webhook_deliveries_total")
                       .Help("GitHub webhook deliveries, by event and result")
                       .Register(r)),
        workers(prometheus::BuildGauge()
                    .Name("cirun_workers")
                    .Help("Live workers (announced within their lease)")
                    .Register(r)
                    .Add({})),
        worker_slots(prometheus::BuildGauge()
                         .Name("cirun_worker_slots")
                         .Help("Slots of the live workers")
                         .Register(r)
                         .Add({})),
        workers_unhealthy(prometheus::BuildGauge()
                              .Name("cirun_workers_unhealthy")
                              .Help("Live workers taking no jobs until they pass a health boot")
                              .Register(r)
                              .Add({})),
        worker_running(prometheus::BuildGauge()
                           .Name("cirun_worker_running")
                           .Help("Jobs the live workers run, as they last announced")
                           .Register(r)
                           .Add({})),
        plan_queue(prometheus::BuildGauge()
                       .Name("cirun_plan_queue_depth")
                       .Help("Webhook deliveries waiting to be planned")
                       .Register(r)
                       .Add({})),
        statuses(prometheus::BuildCounter()
                     .Name("cirun_github_statuses_total")
                     .Help("GitHub commit statuses, by outcome")
                     .Register(r)),
        findings(prometheus::BuildCounter()
                     .Name("cirun_fuzz_findings_total")
                     .Help("Findings reported by finished fuzz steps")
                     .Register(r)
                     .Add({})),
        regressions(prometheus::BuildCounter()
                        .Name("cirun_regressions_total")
                        .Help("Performance regressions reported by finished steps")
                        .Register(r)
                        .Add({})) {}

  Family<Gauge>& jobs;
  Gauge& queue_depth;
  Family<Counter>& pipelines;
  Family<Counter>& finished;
  Family<Histogram>& job_seconds;
  Family<Histogram>& boot_seconds;
  Family<Counter>& deliveries;
  Gauge& workers;
  Gauge& worker_slots;
  Gauge& workers_unhealthy;
  Gauge& worker_running;
  Gauge& plan_queue;
  Family<Counter>& statuses;
  Counter& findings;
  Counter& regressions;
  std::mutex mu;  // serialises Add() on families (prometheus-cpp's own lock covers the rest)
};

namespace {

const Histogram::BucketBoundaries kJobBuckets = {1,  2,   5,   10,  20,   30,
                                                 60, 120, 300, 600, 1800, 3600};
const Histogram::BucketBoundaries kBootBuckets = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                  1,    2.5,   5,    10,  30,   60};

}  // namespace

int64_t CountInDetail(const std::string& detail_json, const std::string& key) {
  return StepDetail::Parse(detail_json).Count(key);
}

ServiceMetrics::ServiceMetrics(Store& store)
    : store_(store),
      registry_(std::make_shared<prometheus::Registry>()),
      f_(std::make_unique<Families>(*registry_)) {
  // Every state appears from the start, so a scrape never misses a series.
  for (JobState s : kJobStates) {
    f_->jobs.Add({{"state", JobStateName(s)}});
  }
}

ServiceMetrics::~ServiceMetrics() = default;

std::string ServiceMetrics::Serialize() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

void ServiceMetrics::WebhookDelivery(const std::string& event, const std::string& result) {
  std::lock_guard lock(f_->mu);
  f_->deliveries.Add({{"event", event.empty() ? "none" : event}, {"result", result}}).Increment();
}

void ServiceMetrics::StatusOutcome(const std::string& outcome) {
  std::lock_guard lock(f_->mu);
  f_->statuses.Add({{"outcome", outcome}}).Increment();
}

void ServiceMetrics::PlanQueueDepth(size_t depth) {
  f_->plan_queue.Set(static_cast<double>(depth));
}

void ServiceMetrics::JobChanged(const PipelineRecord& pipeline, const JobRecord& job,
                                std::optional<JobState> before) {
  if (!IsFinal(job.state) || (before && IsFinal(*before))) return;
  std::lock_guard lock(f_->mu);
  f_->finished.Add({{"state", JobStateName(job.state)}}).Increment();
  if (job.state == JobState::kSkipped || job.state == JobState::kCancelled) return;
  f_->job_seconds.Add({{"state", JobStateName(job.state)}}, kJobBuckets)
      .Observe(job.duration_ms / 1000.0);
  auto steps = store_.ListSteps(job.id);
  if (!steps.ok()) return;
  for (const StepRecord& s : *steps) {
    if (s.name == "boot" || s.name.starts_with("test:")) {
      if (s.outcome != "skipped") {
        f_->boot_seconds.Add({{"target", job.target}, {"outcome", s.outcome}}, kBootBuckets)
            .Observe(s.duration_ms / 1000.0);
      }
    }
    if (s.name == "fuzz") f_->findings.Increment(CountInDetail(s.detail_json, "findings"));
    f_->regressions.Increment(CountInDetail(s.detail_json, "regressions"));
  }
}

void ServiceMetrics::PipelineSeen(const PipelineRecord& pipeline,
                                  const std::vector<JobRecord>& jobs) {
  std::lock_guard lock(f_->mu);
  f_->pipelines.Add({{"trigger", pipeline.trigger.empty() ? "none" : pipeline.trigger}})
      .Increment();
}

void ServiceMetrics::JobCounts(const std::vector<std::pair<std::string, int64_t>>& counts) {
  auto workers = store_.ListWorkers();  // on error: the last values stay
  std::lock_guard lock(f_->mu);
  if (workers.ok()) {
    int slots = 0, running = 0, unhealthy = 0;
    for (const WorkerRecord& w : *workers) {
      slots += w.slots;
      running += w.running;
      unhealthy += !w.unhealthy.empty();
    }
    f_->workers_unhealthy.Set(unhealthy);
    f_->workers.Set(static_cast<double>(workers->size()));
    f_->worker_slots.Set(slots);
    f_->worker_running.Set(running);
  }
  for (JobState s : kJobStates) {
    int64_t n = 0;
    for (const auto& [state, count] : counts)
      if (state == JobStateName(s)) n = count;
    f_->jobs.Add({{"state", JobStateName(s)}}).Set(static_cast<double>(n));
    if (s == JobState::kQueued) f_->queue_depth.Set(static_cast<double>(n));
  }
}

}  // namespace cirun
