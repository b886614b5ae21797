#include "runner/perf/bench_measurement.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>

#include "harness/bench_values.h"
#include "harness/boot.h"
#include "harness/process_backend.h"
#include "runner/common/paths.h"

namespace cirun {
namespace {

std::atomic<int> instance_counter{0};

BootRequest BenchRequest(const BenchSubject& s) {
  const BootCase& boot = s.plan.boots.at(0);
  BootRequest request;
  request.image = s.image;
  request.args = s.plan.bench ? s.plan.bench->args : boot.args;
  request.expect = boot.expect;
  request.fail = boot.fail;
  request.timeout = boot.timeout;
  request.exit_codes = boot.exit_codes;
  request.work_dir = s.workspace;
  request.instance_name = "ci-run-bench-" + std::to_string(getpid()) + "-" +
                          std::to_string(instance_counter.fetch_add(1));
  request.count_instructions = CountsInstructions(s.plan, *s.backend);
  if (request.count_instructions) {
    Result<std::string> plugin = FindInstructionCountPlugin();
    if (plugin.ok()) request.instruction_count_plugin = *plugin;
  }
  return request;
}

// Why a boot printed no `instructions` metric, when ci-run's plugin is the cause.
std::string MissingPluginNote(const BootRequest& request, const std::vector<std::string>& metrics) {
  if (std::find(metrics.begin(), metrics.end(), kInstructionsMetric) == metrics.end()) return "";
  if (!request.count_instructions)
    return " (the instructions metric needs `clock: instructions` on a QEMU backend, or on the "
           "unix target with QEMU's user mode, " +
           ProcessBackend::HostUserModeEmulator() + " from Debian's qemu-user)";
  if (request.instruction_count_plugin.empty())
    return " (" + FindInstructionCountPlugin().status().message() + ")";
  return "";
}

Status MeasureOnce(ProcessRunner& runner, const BenchSubject& s,
                   const std::vector<std::string>& metrics, BenchSamples* out,
                   const CancelToken* cancel) {
  BootRequest request = BenchRequest(s);
  BootResult result = Boot(request, *s.backend, runner, cancel);
  if (result.outcome == BootOutcome::kInfra && !(cancel && cancel->cancelled()))
    result = Boot(request, *s.backend, runner, cancel);
  if (cancel && cancel->cancelled()) return Status::Cancelled("interrupted");
  auto values = BenchValues(result, metrics);
  if (!values.ok()) {
    const std::string why = values.status().code() == Status::Code::kNotFound
                                ? MissingPluginNote(request, metrics)
                                : "";
    return Status::FailedPrecondition(s.label + " " + s.plan.Name() + ": " +
                                      values.status().message() + why);
  }
  for (const BenchValue& v : *values) {
    out->values[v.metric].push_back(v.value);
    out->units[v.metric] = v.unit;
  }
  ++out->runs;
  return Status::Ok();
}

}  // namespace

bool CountsInstructions(const JobPlan& plan, const BootBackend& backend) {
  return plan.bench && plan.bench->clock == BenchClock::kInstructions &&
         backend.CountsInstructions();
}

std::string SampleHost(const std::string& host, const JobPlan& plan, const BootBackend& backend) {
  return CountsInstructions(plan, backend) ? host + "/instructions" : host;
}

// True if the metrics the unikernel times with its own clock are exact.
static bool GuestClockCounts(const JobPlan& plan, const BootBackend& backend) {
  return CountsInstructions(plan, backend) && backend.GuestClockCountsInstructions();
}

std::vector<std::string> DecidingMetrics(const JobPlan& plan, const BootBackend& backend,
                                         BenchDecide decide) {
  std::vector<std::string> out;
  if (decide != BenchDecide::kExact || !CountsInstructions(plan, backend)) return out;
  const bool guest_clock = GuestClockCounts(plan, backend);
  for (const std::string& m : BenchMetricNames(plan)) {
    const bool exact = guest_clock
                           ? m != kBootMsMetric && m != kCpuMsMetric && m != kImageBytesMetric
                           : m == kInstructionsMetric;
    if (exact) out.push_back(m);
  }
  return out;
}

std::vector<std::string> HostClockMetrics(const JobPlan& plan, const BootBackend& backend) {
  const bool guest_clock = GuestClockCounts(plan, backend);
  std::vector<std::string> out;
  for (const std::string& m : BenchMetricNames(plan)) {
    const bool host_timing = m == kBootMsMetric || m == kCpuMsMetric;
    if (host_timing || (!guest_clock && m != kImageBytesMetric && m != kInstructionsMetric))
      out.push_back(m);
  }
  return out;
}

std::vector<std::string> BenchMetricNames(const JobPlan& plan) {
  std::vector<std::string> names;
  if (plan.bench)
    for (const BenchMetric& m : plan.bench->metrics) names.push_back(m.name);
  if (names.empty()) names.push_back(kBootMsMetric);
  return names;
}

std::map<std::string, bool> BenchDirections(const JobPlan& plan) {
  std::map<std::string, bool> out;
  if (plan.bench)
    for (const BenchMetric& m : plan.bench->metrics) out[m.name] = m.lower_is_better;
  return out;
}

Status RunInterleaved(ProcessRunner& runner, const std::vector<BenchSubject>& subjects, int rounds,
                      const std::vector<std::string>& metrics, std::vector<BenchSamples>* samples,
                      const BenchProgress& progress, const CancelToken* cancel) {
  samples->resize(subjects.size());
  std::vector<int> done(subjects.size(), 0);
  for (int round = 0; round < rounds; ++round) {
    for (size_t k = 0; k < subjects.size(); ++k) {
      const size_t i = round % 2 == 0 ? k : subjects.size() - 1 - k;
      CIRUN_RETURN_IF_ERROR(MeasureOnce(runner, subjects[i], metrics, &(*samples)[i], cancel));
      ++done[i];
      if (progress) progress(i, done[i], rounds);
    }
  }
  return Status::Ok();
}

Result<InterleavedComparison> CompareInterleaved(
    ProcessRunner& runner, const BenchSubject& base, const BenchSubject& head,
    const std::vector<std::string>& metrics, const std::map<std::string, bool>& directions,
    const CompareOptions& options, const BenchProgress& progress, const CancelToken* cancel) {
  InterleavedComparison out;
  std::vector<BenchSamples> samples(2);
  const int batch = std::max(1, options.runs);
  while (true) {
    CIRUN_RETURN_IF_ERROR(
        RunInterleaved(runner, {base, head}, batch, metrics, &samples, progress, cancel));
    out.runs += batch;
    for (const std::string& m : metrics)
      out.metrics[m] = CompareSamples(samples[0].values[m], samples[1].values[m],
                                      VerdictFor(options.verdict, directions, m));
    BatchDecision next = AfterBatch(out.metrics, options, out.runs);
    if (next.more) continue;
    out.undecided = std::move(next.undecided);
    break;
  }
  out.base = std::move(samples[0]);
  out.head = std::move(samples[1]);
  return out;
}

BatchDecision AfterBatch(const std::map<std::string, MetricComparison>& metrics,
                         const CompareOptions& options, int runs) {
  BatchDecision out;
  bool waiting = false;  // a deciding metric is inconclusive
  for (const auto& [name, c] : metrics) {
    if (c.verdict != PerfVerdict::kInconclusive) continue;
    out.undecided.push_back(name);
    waiting =
        waiting || options.deciding.empty() ||
        std::find(options.deciding.begin(), options.deciding.end(), name) != options.deciding.end();
  }
  const int batch = std::max(1, options.runs);
  const bool at_max = runs + batch > std::max(options.max_runs, batch);
  out.more = waiting && !at_max;
  if (waiting || at_max) out.undecided.clear();  // ran to the end: the verdicts say it
  return out;
}

VerdictOptions VerdictFor(VerdictOptions options, const std::map<std::string, bool>& directions,
                          const std::string& metric) {
  auto d = directions.find(metric);
  options.lower_is_better = d == directions.end() || d->second;
  return options;
}

}  // namespace cirun
