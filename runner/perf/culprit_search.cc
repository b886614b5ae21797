#include "runner/perf/culprit_search.h"

#include <chrono>
#include <filesystem>

#include "runner/common/paths.h"
#include "runner/perf/self_run.h"
#include "runner/pipeline/job_executor.h"
#include "runner/pipeline/pipeline_planner.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;

// A search builds and boots a few commits several times; an hour bounds it.
constexpr std::chrono::milliseconds kSearchTimeout = std::chrono::hours(1);
// The step's log keeps the end of the search's output.
constexpr size_t kLogCap = 64 << 10;

}  // namespace

bool SearchesCulprits(const PipelineRecord& pipeline) {
  return (pipeline.trigger == "push" || pipeline.trigger == "nightly") && !pipeline.untrusted &&
         !pipeline.dirty && IsCommitId(pipeline.commit);
}

std::vector<std::string> CulpritSearchArgv(const std::string& self, const JobEnvironment& env,
                                           const ClaimedJob& claimed, const std::string& work_dir) {
  std::vector<std::string> argv = {self,
                                   "bisect",
                                   claimed.pipeline.repo,
                                   "--pipeline",
                                   std::to_string(claimed.pipeline.id),
                                   "--job",
                                   std::to_string(claimed.job.id),
                                   "--work-dir",
                                   work_dir,
                                   "--plain"};
  AppendStateFlags(env, &argv);
  return argv;
}

std::optional<StepRecord> SearchCulprit(const JobEnvironment& env, const ClaimedJob& claimed,
                                        const std::string& work_dir, const CancelToken* cancel) {
  if (!SearchesCulprits(claimed.pipeline)) return std::nullopt;
  env.progress->StepStarted(claimed.job, "bisect");
  std::error_code ec;
  fs::create_directories(work_dir, ec);
  std::vector<std::string> argv = CulpritSearchArgv(SelfExecutable(), env, claimed, work_dir);
  StepRecord step;
  step.name = "bisect";
  SelfRunResult run = RunSelf(env, argv, kSearchTimeout, kLogCap, cancel);
  const ProcessExit& exit = run.exit;
  step.command = run.command;
  fs::remove_all(work_dir, ec);
  step.log = run.log;
  step.duration_ms = exit.elapsed.count();
  // bisect exits 0 (a culprit, or nothing to bisect) or 1 (not confirmed):
  // either way the search ran and stored what it found.
  if (exit.kind == ProcessExit::Kind::kCancelled) {
    step.outcome = "cancelled";
    step.cause = "cancelled";
  } else if (exit.kind == ProcessExit::Kind::kExited && (exit.code == 0 || exit.code == 1)) {
    step.outcome = "passed";
  } else {
    step.outcome = "skipped";
    step.cause = "no culprit search: ci-run bisect " + exit.Describe();
  }
  return step;
}

}  // namespace cirun
