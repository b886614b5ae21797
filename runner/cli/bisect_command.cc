#include "runner/cli/bisect_command.h"

#include "runner/pipeline/run_flags.h"

#include <algorithm>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "runner/common/exit_code.h"
#include "runner/host/service_config.h"
#include "runner/perf/cell_bisect.h"
#include "runner/pipeline/pipeline_report.h"

namespace cirun {
namespace {

struct BisectOptionsCli {
  PerfOptions perf;
  std::string good, bad = "HEAD";
  std::string only, unikernel, case_name;
  int confirm = 3;
  int64_t pipeline = 0, job = 0;  // --pipeline N --job J: that job's new failure
};

nlohmann::json BisectionJson(const BisectionRecord& b) {
  return {{"id", b.id},          {"repo", b.repo},       {"unikernel", b.unikernel},
          {"cell", b.cell_key},  {"case", b.case_name},  {"good", b.good},
          {"bad", b.bad},        {"verdict", b.verdict}, {"culprit", b.culprit},
          {"summary", b.summary}};
}

// The store --pipeline/--job read: --db, else the service configuration's.
Result<std::unique_ptr<Store>> OpenStoreOf(const PerfOptions& o) {
  if (!o.run.db.empty()) return OpenStore(o.run.db);
  if (o.service_config.empty())
    return Status::InvalidArgument("--pipeline needs --db or --service-config (the store)");
  auto config = LoadServiceConfig(o.service_config);
  if (!config.ok()) return config.status().WithContext("--service-config");
  return OpenStore(config->database);
}

// --pipeline N --job J: the bisection of J's failure, as after a pipeline
// (NewFailures): J's cell and failing case, the pipeline's commit as the bad
// end, the nearest earlier commit where the cell passed as the good one.
// Exit 0 with a line when J is no new failure (flaky, nothing passed before).
int BisectJobFailure(const BisectOptionsCli& o) {
  auto store = OpenStoreOf(o.perf);
  if (!store.ok()) return ReportError("ci-run bisect", store.status());
  auto report = LoadPipelineReport(**store, o.pipeline);
  if (!report.ok()) return ReportError("ci-run bisect", report.status());
  auto job = std::find_if(report->jobs.begin(), report->jobs.end(),
                          [&o](const JobReport& j) { return j.job.id == o.job; });
  if (job == report->jobs.end()) {
    fprintf(stderr, "ci-run bisect: pipeline %lld has no job %lld\n",
            static_cast<long long>(o.pipeline), static_cast<long long>(o.job));
    return kExitUsage;
  }
  // A worker asks before it stores the job's end: the job is read as failed.
  JobReport failed = *job;
  failed.job.state = JobState::kFailed;
  report->jobs = {failed};
  auto session = PerfSession::Open(o.perf, report->pipeline.commit, /*allow_dirty=*/false);
  if (!session.ok()) return ReportError("ci-run bisect", session.status());
  auto found = NewFailuresOf(**session, *report);
  if (!found.ok()) return ReportError("ci-run bisect", found.status());
  if (found->empty()) {
    printf(
        "%s: not a new failure (flaky, or no earlier tested commit of this line where %s "
        "passed): nothing to bisect\n",
        failed.job.name.c_str(), failed.job.cell_key.c_str());
    return kExitPassed;
  }
  CellBisectRequest request = found->front();
  request.confirmations = o.confirm;
  auto result = BisectCell(**session, request);
  if (!result.ok()) return ReportError("ci-run bisect", result.status());
  return result->verdict == "confirmed" ? kExitPassed : kExitFailed;
}

int RunBisect(const BisectOptionsCli& o) {
  if (o.pipeline != 0 || o.job != 0) {
    if (o.pipeline == 0 || o.job == 0) {
      fprintf(stderr, "ci-run bisect: --pipeline and --job go together\n");
      return kExitUsage;
    }
    return BisectJobFailure(o);
  }
  if (o.good.empty() || o.only.empty() || o.unikernel.empty()) {
    fprintf(stderr,
            "ci-run bisect: --good, --only and --unikernel are required "
            "(or --pipeline N --job J)\n");
    return kExitUsage;
  }
  auto session = PerfSession::Open(o.perf, o.bad, /*allow_dirty=*/false);
  if (!session.ok()) {
    fprintf(stderr, "ci-run: %s\n", session.status().message().c_str());
    return kExitUsage;
  }
  CellBisectRequest request;
  request.what = {o.unikernel, o.only, o.case_name};
  request.good = o.good;
  request.bad = o.bad;
  request.confirmations = o.confirm;
  if (request.what.case_name.empty()) {
    // The case that fails at the bad end, as the pipeline would find it.
    auto bad = (*session)->ResolveCommit(o.bad);
    if (!bad.ok()) {
      fprintf(stderr, "ci-run: --bad %s: %s\n", o.bad.c_str(), bad.status().message().c_str());
      return kExitUsage;
    }
    printf("Finding the failing case of %s %s at %s\n", o.unikernel.c_str(), o.only.c_str(),
           bad->substr(0, 12).c_str());
    auto found = FailingCaseAt(**session, request.what, *bad);
    if (!found.ok()) {
      fprintf(stderr, "ci-run: %s\n", found.status().message().c_str());
      return found.status().code() == Status::Code::kNotFound ? kExitFailed : kExitUsage;
    }
    request.what.case_name = *found;
  }
  auto result = BisectCell(**session, request);
  if (!result.ok()) {
    fprintf(stderr, "ci-run: %s\n", result.status().message().c_str());
    return result.status().code() == Status::Code::kCancelled ? kExitInterrupted : kExitUsage;
  }
  if (!o.perf.json.empty()) {
    std::ofstream out(o.perf.json);
    out << BisectionJson(*result).dump(2) << "\n";
    if (!out) fprintf(stderr, "ci-run: cannot write %s\n", o.perf.json.c_str());
  }
  return result->verdict == "confirmed" ? kExitPassed : kExitFailed;
}

}  // namespace

void SetupBisectCommand(CLI::App* sub, int* exit_code) {
  auto o = std::make_shared<BisectOptionsCli>();
  sub->add_option("location", o->perf.location, "work tree, repository path or URL (default: .)");
  sub->add_option("--good", o->good, "a commit where the case passed (required)");
  sub->add_option("--bad", o->bad, "a commit where it fails (default: HEAD)");
  sub->add_option("--only", o->only, "the cell, e.g. compiler=gcc,target=virtio (required)");
  sub->add_option("--unikernel", o->unikernel, "the unikernel (required)");
  sub->add_option("--pipeline", o->pipeline,
                  "with --job: bisect that stored job's failure as a worker does after it "
                  "(its cell and case; good: the nearest earlier commit where the cell passed)");
  sub->add_option("--job", o->job, "the failed job of --pipeline");
  sub->add_option("--service-config", o->perf.service_config,
                  "the serve/worker configuration (its store, cache and host)");
  sub->add_option("--case", o->case_name,
                  "build, boot or test:NAME (default: the first that fails at --bad)");
  sub->add_option("--confirm", o->confirm,
                  "runs of the culprit (must all fail) and of its parent (must all pass); "
                  "default 3")
      ->check(CLI::Range(1, 100));
  AddRunFlags(sub, &o->perf.run);
  sub->add_option("--json", o->perf.json, "write the result as JSON to FILE");
  sub->add_flag("--no-cache", o->perf.no_cache,
                "build everything, and do not fill the build cache");
  sub->add_flag("--no-sandbox", o->perf.no_sandbox,
                "run builds and boots unboxed (see docs/sandbox.md)");
  sub->callback([o, exit_code] { *exit_code = RunBisect(*o); });
}

}  // namespace cirun
