#include "runner/web/dashboard_json.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "runner/pipeline/case_runs.h"
#include "runner/pipeline/failure_groups.h"
#include "runner/pipeline/failure_lines.h"

namespace cirun {
namespace {

using json = nlohmann::json;

// Console bytes may be anything: invalid UTF-8 becomes U+FFFD.
std::string Dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Parsed stored JSON, or null when it is not JSON.
json ParseOrNull(const std::string& text) {
  if (text.empty()) return nullptr;
  json parsed = json::parse(text, nullptr, false);
  return parsed.is_discarded() ? json(nullptr) : parsed;
}

// "main" for "refs/heads/main"; other refs as they are.
std::string Branch(const std::string& ref) {
  return ref.starts_with("refs/heads/") ? ref.substr(11) : ref;
}

json PipelineObject(const PipelineRecord& p) {
  const int64_t end = p.finished_ms ? p.finished_ms : NowMs();
  return {{"id", p.id},
          {"repo", p.repo},
          {"repo_name", p.repo_name},
          {"commit", p.commit},
          {"ref", p.ref},
          {"branch", Branch(p.ref)},
          {"trigger", p.trigger},
          {"title", p.title},
          {"dirty", p.dirty},
          {"untrusted", p.untrusted},
          {"state", p.state},
          {"created_ms", p.created_ms},
          {"finished_ms", p.finished_ms},
          {"duration_ms", std::max<int64_t>(0, end - p.created_ms)},
          {"options", ParseOrNull(p.options_json)}};
}

// What decided a job, for its square: the first step that did not pass
// (crashed, hung, rejected, failed, infra) when the job failed, "cached"
// for a passed job whose build came from the cache, else the job's state.
std::string JobOutcome(const JobRecord& job, const std::vector<StepSummary>& steps) {
  const std::string state = JobStateName(job.state);
  if (job.state == JobState::kFailed || job.state == JobState::kInfra) {
    for (const StepSummary& s : steps) {
      if (s.step.outcome != "passed" && s.step.outcome != "cached" && s.step.outcome != "skipped")
        return s.step.outcome;
    }
  }
  if (job.state == JobState::kPassed && !steps.empty() && steps.front().step.name == "build" &&
      steps.front().step.outcome == "cached")
    return "cached";
  return state;
}

json JobObject(const JobRecord& j, const std::string& outcome) {
  return {{"id", j.id},
          {"pipeline_id", j.pipeline_id},
          {"name", j.name},
          {"unikernel", j.unikernel},
          {"cell_key", j.cell_key},
          {"cell_label", j.cell_label},
          {"compiler", j.compiler},
          {"target", j.target},
          {"labels", j.labels},
          {"state", JobStateName(j.state)},
          {"outcome", outcome},
          {"cause", j.cause},
          {"reproducer", j.reproducer},
          {"worker", j.worker},
          {"attempt", j.attempt},
          {"started_ms", j.started_ms},
          {"finished_ms", j.finished_ms},
          {"duration_ms", j.duration_ms}};
}

// The end of a piece of `text` from `from`, at most `limit` bytes, moved
// back so that it does not split a UTF-8 sequence.
size_t PieceEnd(const std::string& text, size_t from, size_t limit) {
  size_t end = std::min(text.size(), from + limit);
  if (end == text.size()) return end;
  size_t back = end;
  while (back > from && back + 4 > end && (static_cast<unsigned char>(text[back]) & 0xC0) == 0x80)
    --back;
  return back > from ? back : end;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The steps of summaries, without their logs.
std::vector<StepRecord> StepsOf(const std::vector<StepSummary>& summaries) {
  std::vector<StepRecord> out;
  for (const StepSummary& s : summaries) out.push_back(s.step);
  return out;
}

// What the other reports say about a pipeline's failures, from a report
// without logs: failure groups (with their stored history), the culprit
// bisections, and the flaky cases with their pass rate on the branch.
// A store without failure records gives empty lists.
json FailureSections(Store& store, PipelineReport report) {
  report.bisections = PipelineBisections(store, report.pipeline);
  report.signatures = StoredSignatures(store, report);
  if (auto runs = store.ListCaseRuns(report.pipeline.repo, report.pipeline.ref); runs.ok())
    report.case_runs = std::move(*runs);
  json flaky = json::array();
  for (const JobReport& j : report.jobs) {
    for (const StepRecord& s : j.steps) {
      if (s.outcome != "flaky") continue;
      const BranchPassRate rate =
          SumCaseRuns(report.case_runs, j.job.unikernel, j.job.cell_key, s.name);
      flaky.push_back({{"job_id", j.job.id},
                       {"job", j.job.name},
                       {"step", s.name},
                       {"cause", s.cause},
                       {"branch", Branch(report.pipeline.ref)},
                       {"runs", rate.runs},
                       {"passes", rate.passes},
                       {"pipelines", rate.jobs}});
    }
  }
  return {{"failure_groups", FailureGroupsJson(report)},
          {"bisections", BisectionsJson(report)},
          {"flaky", flaky}};
}

// Job `job_id` of pipeline `pipeline_id`; NotFound naming both if the
// pipeline has no such job.
Result<JobRecord> FindJob(Store& store, int64_t pipeline_id, int64_t job_id) {
  auto jobs = store.ListJobs(pipeline_id);
  if (!jobs.ok()) return jobs.status();
  for (JobRecord& j : *jobs)
    if (j.id == job_id) return std::move(j);
  return Status::NotFound("no job " + std::to_string(job_id) + " in pipeline " +
                          std::to_string(pipeline_id));
}

}  // namespace

Result<std::string> PipelinesJson(Store& store, const PipelineQuery& query) {
  PipelineQuery q = query;
  q.limit = std::clamp(q.limit, 1, 200);
  ++q.limit;  // one more tells whether there is a next page
  auto page = store.ListPipelinesPage(q);
  if (!page.ok()) return page.status();
  const bool more = static_cast<int>(page->size()) == q.limit;
  if (more) page->pop_back();
  json rows = json::array();
  for (const PipelineRecord& p : *page) {
    json row = PipelineObject(p);
    auto jobs = store.ListJobs(p.id);
    if (!jobs.ok()) return jobs.status();
    std::map<std::string, int> counts;
    for (const JobRecord& j : *jobs) ++counts[JobStateName(j.state)];
    row["jobs"] = counts;
    rows.push_back(std::move(row));
  }
  json next = more ? json(page->back().id) : json(nullptr);
  return Dump({{"pipelines", rows}, {"next_before", next}});
}

Result<std::string> PipelineJson(Store& store, int64_t pipeline_id) {
  auto pipeline = store.GetPipeline(pipeline_id);
  if (!pipeline.ok()) return pipeline.status();
  auto jobs = store.ListJobs(pipeline_id);
  if (!jobs.ok()) return jobs.status();
  std::vector<std::string> unikernels, cells;
  json rows = json::array();
  std::map<std::string, int> counts;
  PipelineReport report;
  report.pipeline = *pipeline;
  for (const JobRecord& j : *jobs) {
    auto steps = store.ListStepsWithoutLogs(j.id);
    if (!steps.ok()) return steps.status();
    report.jobs.push_back({j, StepsOf(*steps), {}, {}});
    const std::string outcome = JobOutcome(j, *steps);
    ++counts[outcome];
    rows.push_back(JobObject(j, outcome));
    if (std::find(unikernels.begin(), unikernels.end(), j.unikernel) == unikernels.end())
      unikernels.push_back(j.unikernel);
    if (std::find(cells.begin(), cells.end(), j.cell_label) == cells.end())
      cells.push_back(j.cell_label);
  }
  json out = {{"pipeline", PipelineObject(*pipeline)},
              {"unikernels", unikernels},
              {"cells", cells},
              {"jobs", rows},
              {"counts", counts}};
  out.update(FailureSections(store, std::move(report)));
  return Dump(out);
}

Result<std::string> JobJson(Store& store, int64_t pipeline_id, int64_t job_id) {
  auto pipeline = store.GetPipeline(pipeline_id);
  if (!pipeline.ok()) return pipeline.status();
  Result<JobRecord> job = FindJob(store, pipeline_id, job_id);
  if (!job.ok()) return job.status();
  auto steps = store.ListStepsWithoutLogs(job_id);
  if (!steps.ok()) return steps.status();
  json rows = json::array();
  for (const StepSummary& summary : *steps) {
    const StepRecord& s = summary.step;
    rows.push_back({{"name", s.name},
                    {"outcome", s.outcome},
                    {"cause", s.cause},
                    {"duration_ms", s.duration_ms},
                    {"first_byte_ms", s.first_byte_ms ? json(*s.first_byte_ms) : json(nullptr)},
                    {"success_ms", s.success_ms ? json(*s.success_ms) : json(nullptr)},
                    {"command", s.command},
                    {"excerpt", s.excerpt},
                    {"log_bytes", summary.log_bytes},
                    {"detail", ParseOrNull(s.detail_json)}});
  }
  // The console of the step that runs now, while the job runs.
  json live = nullptr;
  if (!IsFinal(job->state)) {
    auto log = store.GetLiveLog(job_id);
    if (!log.ok()) return log.status();
    if (*log && (*log)->attempt == job->attempt)
      live = {{"step", (*log)->step}, {"text", (*log)->text}, {"updated_ms", (*log)->updated_ms}};
  }
  // Its pass rate on the branch, for each step recorded flaky.
  std::vector<CaseRunRecord> case_runs;
  if (auto runs = store.ListCaseRuns(pipeline->repo, pipeline->ref); runs.ok())
    case_runs = std::move(*runs);
  for (json& row : rows) {
    if (row["outcome"] != "flaky") continue;
    const BranchPassRate rate =
        SumCaseRuns(case_runs, job->unikernel, job->cell_key, row["name"].get<std::string>());
    row["branch_runs"] = {{"branch", Branch(pipeline->ref)},
                          {"runs", rate.runs},
                          {"passes", rate.passes},
                          {"pipelines", rate.jobs}};
  }
  // The environment it ran in (job_manifest.h); null without one.
  json manifest = nullptr;
  if (auto m = store.GetManifest(job_id); m.ok() && *m) manifest = ParseOrNull((*m)->manifest_json);
  return Dump({{"job", JobObject(*job, JobOutcome(*job, *steps))},
               {"pipeline", PipelineObject(*pipeline)},
               {"spec", ParseOrNull(job->spec_json)},
               {"steps", rows},
               {"manifest", manifest},
               {"live", live}});
}

Result<std::string> LogPieceJson(Store& store, int64_t pipeline_id, int64_t job_id, size_t step,
                                 size_t offset, size_t limit) {
  Result<JobRecord> job = FindJob(store, pipeline_id, job_id);
  if (!job.ok()) return job.status();
  auto steps = store.ListStepsWithoutLogs(job_id);
  if (!steps.ok()) return steps.status();
  const bool running = !IsFinal(job->state);
  if (step >= steps->size()) {
    return Dump({{"text", ""},
                 {"offset", offset},
                 {"next_offset", offset},
                 {"total", 0},
                 {"running", running}});
  }
  const StepSummary& s = (*steps)[step];
  const size_t total = static_cast<size_t>(s.log_bytes);
  const size_t from = std::min(offset, total);
  const size_t want = std::clamp<size_t>(limit, 1, kMaxLogPiece);
  // One byte more than the piece: whether it ends inside a UTF-8 sequence.
  auto read = store.ReadStepLog(s.id, static_cast<int64_t>(from), static_cast<int64_t>(want) + 1);
  if (!read.ok()) return read.status();
  std::string piece = std::move(*read);
  piece.resize(PieceEnd(piece, 0, want));
  const size_t end = from + piece.size();
  return Dump({{"text", std::move(piece)},
               {"offset", from},
               {"next_offset", end},
               {"total", total},
               {"running", running}});
}

Result<std::string> FindingsJson(Store& store, const std::string& repo_name,
                                 const std::string& unikernel, int scan) {
  struct Seen {
    FindingRecord newest;
    std::string repo_name, first_commit, last_commit;
    int64_t first_pipeline = 0, last_pipeline = 0;
    int pipelines = 0, hits = 0;
  };
  std::map<std::tuple<std::string, std::string, std::string>, Seen> by_signature;
  std::vector<std::tuple<std::string, std::string, std::string>> order;  // newest first
  PipelineQuery q;
  q.repo_name = repo_name;
  q.limit = std::max(1, scan);
  auto pipelines = store.ListPipelinesPage(q);
  if (!pipelines.ok()) return pipelines.status();
  for (const PipelineRecord& p : *pipelines) {  // newest first
    auto findings = store.ListFindings(p.id);
    if (!findings.ok()) return findings.status();
    std::set<std::tuple<std::string, std::string, std::string>> counted;
    for (const FindingRecord& f : *findings) {
      if (!unikernel.empty() && f.unikernel != unikernel) continue;
      auto key = std::make_tuple(p.repo_name, f.unikernel, f.signature);
      auto [it, inserted] = by_signature.try_emplace(key);
      Seen& seen = it->second;
      if (inserted) {
        order.push_back(key);
        seen.newest = f;
        seen.repo_name = p.repo_name;
        seen.last_commit = p.commit;
        seen.last_pipeline = p.id;
      }
      seen.first_commit = p.commit;  // older pipelines come later
      seen.first_pipeline = p.id;
      seen.hits += f.hits;
      if (counted.insert(key).second) ++seen.pipelines;
    }
  }
  json rows = json::array();
  for (const auto& key : order) {
    const Seen& s = by_signature[key];
    const FindingRecord& f = s.newest;
    rows.push_back({{"repo_name", s.repo_name},
                    {"unikernel", f.unikernel},
                    {"cell_key", f.cell_key},
                    {"signature", f.signature},
                    {"outcome", f.outcome},
                    {"cause", f.cause},
                    {"command_line", f.command_line},
                    {"original", f.original},
                    {"reproducer", f.reproducer},
                    {"boot_reproducer", f.boot_reproducer},
                    {"seed", f.seed},
                    {"job_id", f.job_id},
                    {"pipeline_id", f.pipeline_id},
                    {"first_commit", s.first_commit},
                    {"first_pipeline", s.first_pipeline},
                    {"last_commit", s.last_commit},
                    {"last_pipeline", s.last_pipeline},
                    {"pipelines", s.pipelines},
                    {"hits", s.hits}});
  }
  return Dump({{"findings", rows}});
}

namespace {

bool SameSeries(const PerfChangeRecord& c, const SampleQuery& s) {
  return c.repo == s.repo && c.unikernel == s.unikernel && c.cell_key == s.cell_key &&
         c.host == s.host && c.metric == s.metric;
}

json SeriesObject(const SampleQuery& s) {
  return {{"repo", s.repo},
          {"unikernel", s.unikernel},
          {"cell_key", s.cell_key},
          {"host", s.host},
          {"metric", s.metric}};
}

constexpr int kChangesScanned = 10'000;

}  // namespace

Result<std::string> PerfSeriesListJson(Store& store) {
  auto series = store.ListSampleSeries();
  if (!series.ok()) return series.status();
  auto changes = store.ListPerfChanges("", kChangesScanned);
  if (!changes.ok()) return changes.status();
  json rows = json::array();
  for (const SampleQuery& s : *series) {
    json row = SeriesObject(s);
    row["changes"] = std::count_if(changes->begin(), changes->end(),
                                   [&](const PerfChangeRecord& c) { return SameSeries(c, s); });
    rows.push_back(std::move(row));
  }
  return Dump({{"series", rows}});
}

Result<std::string> PerfSeriesJson(Store& store, const SampleQuery& series,
                                   const std::vector<std::string>& history) {
  SampleQuery q = series;
  q.commits.clear();
  auto samples = store.ListSamples(q);
  if (!samples.ok()) return samples.status();
  std::vector<std::string> commits;  // in the order first measured
  std::map<std::string, std::vector<double>> values;
  std::map<std::string, int64_t> first_ms;
  std::string unit;
  for (const SampleRecord& s : *samples) {
    if (!values.contains(s.commit)) {
      commits.push_back(s.commit);
      first_ms[s.commit] = s.created_ms;
    }
    values[s.commit].push_back(s.value);
    unit = s.unit;
  }
  std::map<std::string, size_t> age;  // 0: the oldest commit of `history`
  for (size_t i = 0; i < history.size(); ++i) age[history[i]] = history.size() - 1 - i;
  std::stable_sort(commits.begin(), commits.end(), [&](const std::string& a, const std::string& b) {
    const size_t x = age.contains(a) ? age[a] : history.size();
    const size_t y = age.contains(b) ? age[b] : history.size();
    return x < y;
  });
  const bool ordered = std::any_of(commits.begin(), commits.end(),
                                   [&](const std::string& c) { return age.contains(c); });
  json points = json::array();
  for (const std::string& c : commits) {
    const std::vector<double>& v = values[c];
    points.push_back({{"commit", c},
                      {"median", Median(v)},
                      {"min", *std::min_element(v.begin(), v.end())},
                      {"max", *std::max_element(v.begin(), v.end())},
                      {"n", v.size()},
                      {"first_ms", first_ms[c]}});
  }
  auto changes = store.ListPerfChanges(series.repo, kChangesScanned);
  if (!changes.ok()) return changes.status();
  json rows = json::array();
  for (const PerfChangeRecord& c : *changes) {
    if (!SameSeries(c, series)) continue;
    rows.push_back({{"id", c.id},
                    {"commit", c.commit},
                    {"base_commit", c.base_commit},
                    {"verdict", c.verdict},
                    {"ratio", c.ratio},
                    {"ci_low", c.ci_low},
                    {"ci_high", c.ci_high},
                    {"p_value", c.p_value},
                    {"base_median", c.base_median},
                    {"head_median", c.head_median},
                    {"base_n", c.base_n},
                    {"head_n", c.head_n},
                    {"source", c.source},
                    {"reproducer", c.reproducer},
                    {"created_ms", c.created_ms}});
  }
  json head = SeriesObject(series);
  head["unit"] = unit;
  return Dump({{"series", head},
               {"points", points},
               {"changes", rows},
               {"order", ordered ? "history" : "measured"}});
}

}  // namespace cirun
