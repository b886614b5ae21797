// ServiceMetrics: what `serve` exposes at GET /metrics (Prometheus text
// format, prometheus-cpp registry serialised by us on the service's own HTTP
// port). Fed by the PipelineWatcher (so jobs run by workers on other machines
// count too), the webhook intake and the status sender. Thread-safe.
//
//   cirun_jobs{state}                      gauge: jobs in the store by state
//   cirun_queue_depth                      gauge: queued jobs
//   cirun_workers                          gauge: live workers (announced within their lease)
//   cirun_worker_slots                     gauge: their slots
//   cirun_worker_running                   gauge: jobs they run
//   cirun_pipelines_total{trigger}         counter: pipelines seen created
//   cirun_jobs_finished_total{state}       counter
//   cirun_job_duration_seconds{state}      histogram: claim to result
//   cirun_boot_duration_seconds{target,outcome}  histogram: each boot and test case
//   cirun_webhook_deliveries_total{event,result}  counter
//   cirun_plan_queue_depth                 gauge: deliveries waiting to be planned
//   cirun_github_statuses_total{outcome}   counter: sent, retry, failed, superseded
//   cirun_fuzz_findings_total              counter: "findings" of finished fuzz steps
//   cirun_regressions_total                counter: "regressions" of finished steps
#pragma once

#include <memory>
#include <string>

#include "runner/service/pipeline_watcher.h"

namespace prometheus {
class Registry;
}

namespace cirun {

class ServiceMetrics final : public PipelineListener {
 public:
  /// `store` is read for the steps of finished jobs and for the live workers
  /// (at each JobCounts); it outlives this object.
  explicit ServiceMetrics(Store& store);
  ~ServiceMetrics() override;

  /// The registry in Prometheus' text exposition format (version 0.0.4).
  std::string Serialize() const;

  void WebhookDelivery(const std::string& event, const std::string& result);
  void StatusOutcome(const std::string& outcome);
  void PlanQueueDepth(size_t depth);

  // PipelineListener
  void JobChanged(const PipelineRecord& pipeline, const JobRecord& job,
                  std::optional<JobState> before) override;
  void PipelineSeen(const PipelineRecord& pipeline, const std::vector<JobRecord>& jobs) override;
  void JobCounts(const std::vector<std::pair<std::string, int64_t>>& counts) override;

 private:
  struct Families;
  Store& store_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Families> f_;
};

/// Counts in a step's detail_json under `key`: a number, or the length of an
/// array; 0 if absent or malformed.
int64_t CountInDetail(const std::string& detail_json, const std::string& key);

}  // namespace cirun
