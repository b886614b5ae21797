// PipelineReport: a finished (or running) pipeline read back from the store,
// and the ways ci-run presents it: terminal summary, JUnit XML, JSON.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "base/status.h"
#include "runner/store/store.h"

namespace cirun {

struct JobReport {
  JobRecord job;
  std::vector<StepRecord> steps;  // of the job's current attempt
  std::string manifest_json;      // its manifest (job_manifest.h); "" if none
  std::string environment_note;   // a red cell's "same source as pipeline N (green); ..."
};

struct PipelineReport {
  PipelineRecord pipeline;
  std::vector<JobReport> jobs;              // plan order
  std::vector<BisectionRecord> bisections;  // of its failures (cell_bisect.h), oldest first
  std::vector<CaseRunRecord> case_runs;     // every recorded case run of its repository and ref
  std::vector<FailureSignatureRecord> signatures;  // the stored history of its failures'
                                                   // signatures (failure_groups.h)
};

/// Reads pipeline `id` with all its jobs, steps and manifests
/// (job_manifest_report.h).
Result<PipelineReport> LoadPipelineReport(Store& store, int64_t id);

/// The summary a developer reads at the end: one row per job (state, build,
/// boot time, tests), then each failure's one-line cause and reproducer, then
/// the skipped cells grouped by reason.
void PrintSummary(FILE* out, const PipelineReport& report, bool color);

/// The step logs of the jobs `job` names (a job name such as "hello gcc/virtio",
/// or its id), or when `job` is empty of every job that failed or hit an
/// infrastructure error: one header per step (job, step, outcome, cause,
/// command), then its log as stored (the end of a long one). Returns how many
/// jobs matched.
int PrintStepLogs(FILE* out, const PipelineReport& report, const std::string& job);

/// JUnit XML: one <testsuite> per unikernel, one <testcase> per unikernel x
/// cell x case (build, boot, each test), failures with their cause and the
/// tail of the log, skipped cells with their reason.
std::string JUnitXml(const PipelineReport& report);

/// The whole report as a JSON document (pipeline, jobs, steps, counts).
std::string PipelineJson(const PipelineReport& report);

/// ExitCodeForStates of the jobs: 0 if every job passed or was skipped, 1 if
/// any failed (or was cancelled), else 3 if some were infra.
int PipelineExitCode(const PipelineReport& report);

}  // namespace cirun
