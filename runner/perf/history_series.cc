#include "runner/perf/history_series.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "harness/sample_stats.h"
#include "runner/perf/perf_report.h"

namespace cirun {

int RunsOf(const BenchSamples& s, const std::string& metric) {
  auto it = s.values.find(metric);
  return it == s.values.end() ? 0 : static_cast<int>(it->second.size());
}

double LogMedian(const BenchSamples& s, const std::string& metric) {
  return std::log(Median(s.values.at(metric)));
}

void MergeSamples(BenchSamples* into, const BenchSamples& from) {
  for (const auto& [metric, values] : from.values) {
    auto& v = into->values[metric];
    v.insert(v.end(), values.begin(), values.end());
    if (auto unit = from.units.find(metric); unit != from.units.end())
      into->units[metric] = unit->second;
  }
  into->runs += from.runs;
}

Status MeasurePositions(HistoryContext& c, HistorySeries& series,
                        const std::vector<size_t>& positions, int rounds,
                        std::vector<BenchSamples>* fresh) {
  std::vector<BenchSubject> subjects;
  std::vector<size_t> measured;
  std::vector<std::string> labels;
  for (size_t p : positions) {
    auto subject = c.s.Prepare(c.commits[p], series.plans.at(p), ShortCommit(c.commits[p]));
    if (!subject.ok()) {
      if (subject.status().code() == Status::Code::kCancelled) return subject.status();
      printf("    %s: cannot be measured: %s\n", ShortCommit(c.commits[p]).c_str(),
             subject.status().message().c_str());
      series.unmeasurable.insert(p);
      continue;
    }
    subjects.push_back(*subject);
    measured.push_back(p);
    labels.push_back(ShortCommit(c.commits[p]));
  }
  std::vector<BenchSamples> samples;
  Status st = RunInterleaved(c.s.runner(), subjects, rounds, BenchMetricNames(series.plan),
                             &samples, c.s.Progress(series.plan.Name(), labels), &c.s.cancel());
  c.s.EndProgress();
  if (!st.ok()) return st;
  for (size_t i = 0; i < measured.size(); ++i) {
    const size_t p = measured[i];
    c.s.SaveSamples(c.commits[p], series.plans.at(p), samples[i], "history");
    MergeSamples(&series.samples[p], samples[i]);
  }
  if (fresh) *fresh = std::move(samples);
  return Status::Ok();
}

Result<InterleavedComparison> CompareCommits(HistoryContext& c, const HistorySeries& series,
                                             size_t base, size_t head,
                                             const CompareOptions& options,
                                             const std::string& base_label,
                                             const std::string& head_label) {
  auto base_subject = c.s.Prepare(c.commits[base], series.plans.at(base), base_label);
  if (!base_subject.ok()) return base_subject.status();
  auto head_subject = c.s.Prepare(c.commits[head], series.plans.at(head), head_label);
  if (!head_subject.ok()) return head_subject.status();
  auto comparison =
      CompareInterleaved(c.s.runner(), *base_subject, *head_subject, BenchMetricNames(series.plan),
                         BenchDirections(series.plan), options,
                         c.s.Progress(series.plan.Name(), {base_label, head_label}), &c.s.cancel());
  c.s.EndProgress();
  if (!comparison.ok()) return comparison.status();
  for (const auto& [p, samples] : {std::pair{base, &comparison->base}, {head, &comparison->head}})
    c.s.SaveSamples(c.commits[p], series.plans.at(p), *samples, "history");
  return comparison;
}

bool IsDeciding(const std::vector<std::string>& deciding, const std::string& metric) {
  return std::find(deciding.begin(), deciding.end(), metric) != deciding.end();
}

bool IsPoint(const HistorySeries& series, size_t p, const std::string& metric) {
  auto it = series.samples.find(p);
  return !series.unmeasurable.count(p) && it != series.samples.end() &&
         RunsOf(it->second, metric) >= kMinHistorySamples;
}

std::vector<size_t> MeasuredPoints(const HistorySeries& series) {
  const std::vector<std::string> metrics = BenchMetricNames(series.plan);
  std::vector<size_t> out;
  for (size_t p : series.positions)
    if (std::all_of(metrics.begin(), metrics.end(),
                    [&](const std::string& m) { return IsPoint(series, p, m); }))
      out.push_back(p);
  return out;
}

Status MeasureTogether(HistoryContext& c, HistorySeries& series, size_t before, size_t after,
                       HistorySuspect* changed) {
  CompareOptions options = c.s.CompareOptionsFor(series.plan);
  options.verdict.alpha = std::max(options.verdict.alpha, 0.01);
  auto comparison = CompareCommits(c, series, before, after, options, "older", "newer");
  if (!comparison.ok()) return comparison.status();
  MergeSamples(&series.samples[before], comparison->base);
  MergeSamples(&series.samples[after], comparison->head);
  changed->metrics.clear();
  changed->primary.clear();
  changed->primary_change = 0;
  changed->primary_exact = false;
  for (const std::string& metric : BenchMetricNames(series.plan)) {
    const MetricComparison& m = comparison->metrics.at(metric);
    printf("    %-14s %s\n", metric.c_str(),
           DescribeComparison(m, comparison->head.units[metric]).c_str());
    if (m.verdict != PerfVerdict::kSlower && m.verdict != PerfVerdict::kFaster) continue;
    changed->Add(metric, std::fabs(std::log(m.ratio)), IsDeciding(options.deciding, metric));
  }
  const ClockResolution resolution = HostClockResolution({&comparison->base, &comparison->head},
                                                         c.s.HostClockMetricsFor(series.plan));
  if (const std::string note = ResolutionNote(resolution); !note.empty())
    printf("    %s\n", note.c_str());
  if (const std::string note = UndecidedNote(*comparison, options.deciding); !note.empty())
    printf("    %s\n", note.c_str());
  fflush(stdout);
  return Status::Ok();
}

}  // namespace cirun
