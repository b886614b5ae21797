#include "runner/pipeline/pipeline_report.h"
#include "harness/duration_text.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "runner/common/byte_text.h"
#include "runner/common/exit_code.h"
#include "runner/common/xml_escape.h"
#include "runner/pipeline/case_runs.h"
#include "runner/pipeline/failure_groups.h"
#include "runner/pipeline/failure_lines.h"
#include "runner/pipeline/fuzz_report.h"
#include "runner/pipeline/job_manifest_report.h"
#include "runner/pipeline/job_spec_json.h"
#include "runner/pipeline/metric_summary.h"
#include "runner/pipeline/step_detail.h"

namespace cirun {
namespace {

const StepRecord* FindStep(const JobReport& j, const std::string& name) {
  for (const auto& s : j.steps)
    if (s.name == name) return &s;
  return nullptr;
}

std::string BuildColumn(const JobReport& j) {
  const StepRecord* s = FindStep(j, "build");
  if (!s) return "-";
  if (s->outcome == "passed") return FormatDuration(std::chrono::milliseconds(s->duration_ms));
  return s->outcome;
}

std::string BootColumn(const JobReport& j) {
  const StepRecord* s = FindStep(j, "boot");
  if (!s) return "-";
  if (s->outcome != "passed") return s->outcome;
  return FormatDuration(std::chrono::milliseconds(s->success_ms.value_or(s->duration_ms)));
}

std::string TestsColumn(const JobReport& j) {
  int total = 0, passed = 0;
  for (const auto& s : j.steps) {
    if (!s.name.starts_with("test:")) continue;
    ++total;
    passed += s.outcome == "passed";
  }
  return total == 0 ? "-" : std::to_string(passed) + "/" + std::to_string(total);
}

const char* Color(JobState s) {
  switch (s) {
    case JobState::kPassed:
      return "\x1b[32m";
    case JobState::kFailed:
      return "\x1b[31m";
    case JobState::kInfra:
      return "\x1b[35m";
    default:
      return "\x1b[33m";
  }
}

// The case names a job has, from its spec: build, boot, test:<name>...; and
// fuzz when it ran a fuzz step.
std::vector<std::string> CaseNames(const JobReport& j) {
  std::vector<std::string> names = {"build", "boot"};
  auto plan = JobPlanFromJson(j.job.spec_json);
  if (plan.ok()) {
    for (size_t i = 1; i < plan->boots.size(); ++i) names.push_back("test:" + plan->boots[i].name);
  }
  if (FindStep(j, "fuzz")) names.push_back("fuzz");
  return names;
}

void AppendTestcase(std::ostringstream& x, const JobReport& j, const std::string& name) {
  const StepRecord* s = FindStep(j, name);
  x << "    <testcase classname=\"" << XmlEscape(j.job.unikernel + "." + j.job.cell_label)
    << "\" name=\"" << XmlEscape(name) << "\" time=\"" << (s ? s->duration_ms / 1000.0 : 0.0)
    << "\">\n";
  if (!s) {
    std::string why = j.job.state == JobState::kSkipped ? j.job.cause : "not run: " + j.job.cause;
    x << "      <skipped message=\"" << XmlEscape(why) << "\"/>\n";
  } else if (s->outcome == "skipped") {
    x << "      <skipped message=\"" << XmlEscape(s->cause) << "\"/>\n";
  } else if (s->outcome == "flaky" && !CountsAsFailure(j, *s)) {
    // Passed on a rerun: Maven Surefire's element for it.
    x << "      <flakyFailure type=\"flaky\" message=\"" << XmlEscape(s->cause) << "\">"
      << XmlEscape(s->excerpt) << "</flakyFailure>\n";
  } else if (s->outcome != "passed" && s->outcome != "cached") {
    const char* tag = s->outcome == "infra" ? "error" : "failure";
    // The lines that matter when there are some, else the end of the log.
    const std::string& text = s->excerpt.empty() ? Tail(s->log, 4000) : s->excerpt;
    x << "      <" << tag << " type=\"" << s->outcome << "\" message=\"" << XmlEscape(s->cause)
      << "\">" << XmlEscape(text) << "</" << tag << ">\n";
  }
  if (s && !s->log.empty())
    x << "      <system-out>" << XmlEscape(Tail(s->log, 20000)) << "</system-out>\n";
  x << "    </testcase>\n";
}

// "Benchmarks:": each bench step's verdicts against its base, improvements
// as well as slowdowns (detail "summary"), and its notes (the host clock's
// resolution, metrics left undecided).
void PrintBenchVerdicts(FILE* out, const PipelineReport& r) {
  bool any = false;
  for (const auto& j : r.jobs) {
    const StepRecord* s = FindStep(j, "bench");
    if (!s) continue;
    const StepDetail detail = StepDetail::Parse(s->detail_json);
    const std::optional<std::string> summary = detail.String("summary");
    if (!summary) continue;
    if (!any) fprintf(out, "\nBenchmarks:\n");
    any = true;
    fprintf(out, "  %s: %s\n", j.job.name.c_str(), summary->c_str());
    const nlohmann::json& notes =
        detail.Json().contains("notes") ? detail.Json()["notes"] : nlohmann::json::array();
    if (!notes.is_array()) continue;
    for (const nlohmann::json& note : notes)
      if (note.is_string()) fprintf(out, "    %s\n", note.get<std::string>().c_str());
  }
}

}  // namespace

Result<PipelineReport> LoadPipelineReport(Store& store, int64_t id) {
  PipelineReport report;
  auto pipeline = store.GetPipeline(id);
  if (!pipeline.ok()) return pipeline.status();
  report.pipeline = *pipeline;
  auto jobs = store.ListJobs(id);
  if (!jobs.ok()) return jobs.status();
  for (const JobRecord& job : *jobs) {
    auto steps = store.ListSteps(job.id);
    if (!steps.ok()) return steps.status();
    report.jobs.push_back({job, *steps, {}, {}});
  }
  AttachManifests(store, &report);
  // A store without bisections: the report without them.
  report.bisections = PipelineBisections(store, report.pipeline);
  report.signatures = StoredSignatures(store, report);
  if (auto runs = store.ListCaseRuns(report.pipeline.repo, report.pipeline.ref); runs.ok())
    report.case_runs = std::move(*runs);
  return report;
}

void PrintSummary(FILE* out, const PipelineReport& r, bool color) {
  std::map<std::string, int> counts;
  size_t width = 24;
  for (const auto& j : r.jobs) {
    ++counts[JobStateName(j.job.state)];
    width = std::max(width, j.job.name.size() + 2);
  }
  const auto& p = r.pipeline;
  fprintf(out, "\n%sSummary%s: pipeline %lld, %s @ %s%s%s\n", color ? "\x1b[1m" : "",
          color ? "\x1b[0m" : "", static_cast<long long>(p.id), p.repo_name.c_str(),
          p.commit.substr(0, 12).c_str(), p.dirty ? " + uncommitted changes" : "",
          p.title.empty() ? "" : (" \"" + p.title + "\"").c_str());
  fprintf(out, "%-*s %-9s %-9s %-9s %s\n", static_cast<int>(width), "JOB", "STATE", "BUILD", "BOOT",
          "TESTS");
  for (const auto& j : r.jobs) {
    const char* state = JobStateName(j.job.state);
    fprintf(out, "%-*s %s%-9s%s %-9s %-9s %s\n", static_cast<int>(width), j.job.name.c_str(),
            color ? Color(j.job.state) : "", state, color ? "\x1b[0m" : "", BuildColumn(j).c_str(),
            BootColumn(j).c_str(), TestsColumn(j).c_str());
  }
  bool any_failure = false;
  for (const auto& j : r.jobs) {
    if (j.job.state != JobState::kFailed && j.job.state != JobState::kInfra) continue;
    if (!any_failure) fprintf(out, "\nFailures:\n");
    any_failure = true;
    fprintf(out, "  %s: %s\n    reproduce: %s\n", j.job.name.c_str(), j.job.cause.c_str(),
            j.job.reproducer.c_str());
    if (!j.environment_note.empty()) fprintf(out, "    %s\n", j.environment_note.c_str());
    for (const auto& s : j.steps) {
      if (s.outcome == "passed" || s.outcome == "cached" || s.outcome == "skipped") continue;
      if (auto again = StepDetail::Parse(s.detail_json).String("reproducer"))
        fprintf(out, "    boot again: %s\n", again->c_str());
    }
    if (const StepRecord* decided = DecidingStep(j))
      PrintExcerpt(out, decided->name, decided->excerpt, 4);
  }
  bool any_warning = false;  // steps that passed with a warning (e.g. a bench slowdown)
  for (const auto& j : r.jobs) {
    for (const auto& s : j.steps) {
      const std::optional<std::string> warning = StepDetail::Parse(s.detail_json).String("warning");
      if (!warning) continue;
      if (!any_warning) fprintf(out, "\nWarnings:\n");
      any_warning = true;
      fprintf(out, "  %s: %s: %s\n", j.job.name.c_str(), s.name.c_str(), warning->c_str());
      if (s.outcome != "flaky") continue;
      const std::string rate = BranchPassRateText(
          r.pipeline.ref, SumCaseRuns(r.case_runs, j.job.unikernel, j.job.cell_key, s.name));
      if (!rate.empty()) fprintf(out, "    %s\n", rate.c_str());
    }
  }
  PrintBenchVerdicts(out, r);
  PrintFailureGroups(out, r);
  PrintBisections(out, r);
  PrintFuzzSummary(out, r);
  std::map<std::string, std::set<std::string>> notes;  // backend remark -> jobs
  for (const auto& j : r.jobs) {
    for (const auto& s : j.steps) {
      const std::string note = StepDetail::Parse(s.detail_json).String("note").value_or("");
      if (!note.empty()) notes[note].insert(j.job.name);
    }
  }
  if (!notes.empty()) fprintf(out, "\nNotes:\n");
  for (const auto& [note, names] : notes) {
    fprintf(out, "  %zu job%s: %s\n", names.size(), names.size() == 1 ? "" : "s", note.c_str());
  }
  PrintMetricSummary(out, r);
  std::map<std::string, std::vector<std::string>> skipped;  // reason -> jobs
  for (const auto& j : r.jobs) {
    if (j.job.state == JobState::kSkipped || j.job.state == JobState::kCancelled)
      skipped[j.job.cause].push_back(j.job.name);
  }
  if (!skipped.empty()) fprintf(out, "\nSkipped or cancelled:\n");
  for (const auto& [reason, names] : skipped) {
    fprintf(out, "  %zu job%s: %s\n", names.size(), names.size() == 1 ? "" : "s", reason.c_str());
  }
  std::string totals;
  for (const auto& [state, n] : counts)
    totals += (totals.empty() ? "" : ", ") + std::to_string(n) + " " + state;
  int64_t elapsed = p.finished_ms > 0 ? p.finished_ms - p.created_ms : 0;
  fprintf(out, "\n%zu jobs: %s%s\n", r.jobs.size(), totals.c_str(),
          elapsed > 0 ? (" in " + FormatDuration(std::chrono::milliseconds(elapsed))).c_str() : "");
}

int PrintStepLogs(FILE* out, const PipelineReport& r, const std::string& job) {
  int matched = 0;
  for (const auto& j : r.jobs) {
    const bool wanted = job.empty()
                            ? (j.job.state == JobState::kFailed || j.job.state == JobState::kInfra)
                            : (j.job.name == job || std::to_string(j.job.id) == job);
    if (!wanted) continue;
    ++matched;
    fprintf(out, "%s== %s (job %lld, %s%s)\n", matched > 1 ? "\n" : "", j.job.name.c_str(),
            static_cast<long long>(j.job.id), JobStateName(j.job.state),
            j.job.attempt > 1 ? (", attempt " + std::to_string(j.job.attempt)).c_str() : "");
    if (j.steps.empty()) fprintf(out, "(no steps: %s)\n", j.job.cause.c_str());
    for (const auto& s : j.steps) {
      fprintf(out, "-- %s: %s%s%s\n", s.name.c_str(), s.outcome.c_str(),
              s.cause.empty() ? "" : ": ", s.cause.c_str());
      if (!s.command.empty()) fprintf(out, "$ %s\n", s.command.c_str());
      fputs(s.log.c_str(), out);
      if (!s.log.empty() && s.log.back() != '\n') fputc('\n', out);
    }
  }
  return matched;
}

std::string JUnitXml(const PipelineReport& r) {
  std::map<std::string, std::vector<const JobReport*>> by_unikernel;
  std::vector<std::string> order;
  for (const auto& j : r.jobs) {
    if (!by_unikernel.count(j.job.unikernel)) order.push_back(j.job.unikernel);
    by_unikernel[j.job.unikernel].push_back(&j);
  }
  std::ostringstream x;
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x << "<testsuites name=\"ci-run pipeline " << r.pipeline.id << "\">\n";
  for (const auto& name : order) {
    std::ostringstream cases;
    int tests = 0, failures = 0, errors = 0, skipped = 0;
    for (const JobReport* j : by_unikernel[name]) {
      for (const auto& c : CaseNames(*j)) {
        ++tests;
        const StepRecord* s = FindStep(*j, c);
        if (!s || s->outcome == "skipped")
          ++skipped;
        else if (s->outcome == "infra")
          ++errors;
        else if (CountsAsFailure(*j, *s))
          ++failures;
        AppendTestcase(cases, *j, c);
      }
    }
    x << "  <testsuite name=\"" << XmlEscape(name) << "\" tests=\"" << tests << "\" failures=\""
      << failures << "\" errors=\"" << errors << "\" skipped=\"" << skipped << "\">\n"
      << BisectionProperties(r, name) << cases.str() << "  </testsuite>\n";
  }
  x << "</testsuites>\n";
  return x.str();
}

std::string PipelineJson(const PipelineReport& r) {
  using nlohmann::json;
  const auto& p = r.pipeline;
  json out;
  out["pipeline"] = {{"id", p.id},
                     {"repo", p.repo},
                     {"repo_name", p.repo_name},
                     {"commit", p.commit},
                     {"ref", p.ref},
                     {"trigger", p.trigger},
                     {"dirty", p.dirty},
                     {"untrusted", p.untrusted},
                     {"title", p.title},
                     {"state", p.state},
                     {"created_ms", p.created_ms},
                     {"finished_ms", p.finished_ms}};
  json jobs = json::array();
  std::map<std::string, int> counts;
  for (const auto& j : r.jobs) {
    ++counts[JobStateName(j.job.state)];
    json cell = json::object();
    auto plan = JobPlanFromJson(j.job.spec_json);
    if (plan.ok())
      for (const auto& [k, v] : plan->cell.values) cell[k] = v;
    json steps = json::array();
    for (const auto& s : j.steps) {
      json step = {{"name", s.name},
                   {"outcome", s.outcome},
                   {"cause", s.cause},
                   {"duration_ms", s.duration_ms},
                   {"command", s.command}};
      if (s.first_byte_ms) step["first_byte_ms"] = *s.first_byte_ms;
      if (s.success_ms) step["success_ms"] = *s.success_ms;
      if (!s.excerpt.empty()) step["excerpt"] = s.excerpt;
      if (const BranchPassRate rate =
              SumCaseRuns(r.case_runs, j.job.unikernel, j.job.cell_key, s.name);
          rate.runs > 0)
        step["branch_runs"] = {{"branch", r.pipeline.ref},
                               {"runs", rate.runs},
                               {"passes", rate.passes},
                               {"pipelines", rate.jobs}};
      const StepDetail detail = StepDetail::Parse(s.detail_json);
      if (!detail.Empty()) step["detail"] = detail.Json();
      steps.push_back(step);
    }
    jobs.push_back({{"id", j.job.id},
                    {"name", j.job.name},
                    {"unikernel", j.job.unikernel},
                    {"cell", cell},
                    {"state", JobStateName(j.job.state)},
                    {"cause", j.job.cause},
                    {"reproducer", j.job.reproducer},
                    {"attempt", j.job.attempt},
                    {"duration_ms", j.job.duration_ms},
                    {"worker", j.job.worker},
                    {"steps", steps}});
    auto manifest = json::parse(j.manifest_json, nullptr, false);
    if (!manifest.is_discarded()) jobs.back()["manifest"] = manifest;
    if (!j.environment_note.empty()) jobs.back()["environment_note"] = j.environment_note;
  }
  out["jobs"] = jobs;
  if (!r.bisections.empty()) out["bisections"] = BisectionsJson(r);
  if (nlohmann::json groups = FailureGroupsJson(r); !groups.empty()) out["failure_groups"] = groups;
  out["counts"] = counts;
  out["exit_code"] = PipelineExitCode(r);
  return out.dump(2) + "\n";
}

int PipelineExitCode(const PipelineReport& r) {
  std::vector<JobState> states;
  for (const auto& j : r.jobs) states.push_back(j.job.state);
  return ExitCodeForStates(states);
}

}  // namespace cirun
