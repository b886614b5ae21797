#include "runner/cli/rebuild_command.h"

#include <algorithm>

#include "runner/common/exit_code.h"
#include "runner/pipeline/pipeline_planner.h"
#include "runner/service/plan_queue.h"

namespace cirun {

int RunRebuild(const RebuildOptions& o) {
  auto opened = OpenStoreFromFlags(o.store);
  if (!opened.ok()) {
    return ReportError("ci-run rebuild", opened.status());
  }
  Store& store = *opened->store;
  auto pipeline = store.GetPipeline(o.pipeline);
  auto jobs = store.ListJobs(o.pipeline);
  if (!pipeline.ok() || !jobs.ok()) {
    const Status& s = pipeline.ok() ? jobs.status() : pipeline.status();
    return ReportError("ci-run rebuild", s);
  }
  if (IsUnfinishedPipeline(pipeline->state)) {
    fprintf(stderr, "ci-run rebuild: pipeline %lld is still %s\n",
            static_cast<long long>(o.pipeline), pipeline->state.c_str());
    return 2;
  }
  PipelineInfo info = RebuildInfo(*pipeline);

  const bool unplanned = std::any_of(jobs->begin(), jobs->end(), IsPlanJob);
  if (unplanned) {
    // Never planned: plan the commit again (its .ci-run.yml may be fixed on
    // the host side, or the fetch may work now).
    if (!opened->config) {
      fprintf(stderr,
              "ci-run rebuild: pipeline %lld was never planned (%s); planning it again needs "
              "--config (the service's)\n",
              static_cast<long long>(o.pipeline), jobs->front().cause.c_str());
      return 2;
    }
    const ServiceConfig& c = *opened->config;
    ProcessRunner& runner = RealProcessRunner();
    ToolchainProbe probe(runner);
    // An operator's rebuild: it runs at once, but stays untrusted.
    PipelineRequest request{info.repo_name, info.repo, info.commit,       info.ref,       "rebuild",
                            info.title,     "",        info.options_json, info.untrusted, ""};
    auto out = PlanQueue::PlanAndCreate(
        store, {c.cache_dir, &c.host, &probe, &runner, c.OneMachine()}, request);
    if (!out.status.ok()) {
      return ReportError("ci-run rebuild", out.status);
    }
    printf("%s\n", DescribePlanned(out.id, true, out.planned.info, out.planned.jobs).c_str());
    return 0;
  }
  std::vector<JobInfo> rebuild = RebuildJobs(*jobs, o.failed_only);
  if (rebuild.empty()) {
    printf("nothing to rebuild: no job of pipeline %lld failed\n",
           static_cast<long long>(o.pipeline));
    return 0;
  }
  auto id = store.CreatePipeline(info, rebuild);
  if (!id.ok()) {
    return ReportError("ci-run rebuild", id.status());
  }
  printf("%s (rebuild of pipeline %lld%s)\n", DescribePlanned(*id, true, info, rebuild).c_str(),
         static_cast<long long>(o.pipeline), o.failed_only ? ", failed jobs only" : "");
  return 0;
}

void SetupRebuildCommand(CLI::App* sub, int* exit_code) {
  auto o = std::make_shared<RebuildOptions>();
  sub->add_option("pipeline", o->pipeline, "the pipeline to run again")->required();
  sub->add_flag("--failed", o->failed_only,
                "only the jobs that failed, hit an infrastructure error or were cancelled");
  AddStoreFlags(sub, &o->store);
  sub->callback([o, exit_code] { *exit_code = RunRebuild(*o); });
}

}  // namespace cirun
