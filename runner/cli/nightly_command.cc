#include "runner/cli/nightly_command.h"

#include <ctime>

#include "runner/common/exit_code.h"
#include "runner/host/service_config.h"
#include "runner/perf/bench_step.h"
#include "runner/perf/history_step.h"
#include "runner/pipeline/fuzz_step.h"
#include "runner/pipeline/pipeline_planner.h"
#include "runner/pipeline/reproducible_step.h"
#include "runner/service/plan_queue.h"

namespace cirun {
namespace {

std::string UtcStamp(const char* format) {
  std::time_t now = std::time(nullptr);
  std::tm utc;
  gmtime_r(&now, &utc);
  char out[32];
  std::strftime(out, sizeof out, format, &utc);
  return out;
}

// The options of a nightly pipeline: the `nightly:` section's fuzz budget,
// benchmarks and history (bisecting benchmark changes), and a fuzz seed that changes every day (a
// nightly run explores new inputs; the seed is in every finding, so each stays reproducible).
std::string NightlyOptionsJson(const NightlyPipelineOptions& nightly) {
  FuzzPipelineOptions fuzz;
  fuzz.boots = nightly.fuzz_boots;
  fuzz.time = nightly.fuzz_time;
  fuzz.seed = static_cast<uint64_t>(std::time(nullptr) / 86400);
  BenchPipelineOptions bench;
  bench.enabled = nightly.bench;
  HistoryPipelineOptions history;
  history.enabled = nightly.bench && nightly.history;
  // Every image is built twice and the two compared (reproducible_step.h),
  // unless `nightly: {reproducible: no}`.
  return WithReproducibleOptions(
      WithHistoryOptions(WithBenchOptions(WithFuzzOptions(R"({"nightly":true})", fuzz), bench),
                         history),
      {nightly.reproducible});
}

}  // namespace

int RunNightly(const NightlyOptions& o) {
  auto config = LoadServiceConfig(o.config);
  if (!config.ok()) return ReportConfigError("ci-run nightly", config.status());
  std::vector<const RepositoryConfig*> repos;
  for (const std::string& name : o.repos) {
    const RepositoryConfig* r = config->FindRepository(name);
    if (!r) {
      fprintf(stderr, "ci-run nightly: --repo %s: not in %s\n", name.c_str(), o.config.c_str());
      return 2;
    }
    repos.push_back(r);
  }
  if (o.repos.empty()) {
    for (const RepositoryConfig& r : config->repositories)
      if (r.nightly) repos.push_back(&r);
  }
  if (repos.empty()) {
    printf("no repository has nightly: true in %s; nothing queued\n", o.config.c_str());
    return 0;
  }
  auto store = OpenStore(config->database);
  if (!store.ok()) {
    fprintf(stderr, "ci-run nightly: %s\n", store.status().message().c_str());
    return store.status().code() == Status::Code::kInvalidArgument ? 2 : 1;
  }
  ProcessRunner& runner = RealProcessRunner();
  ToolchainProbe probe(runner);
  ServicePlanContext context{config->cache_dir, &config->host, &probe, &runner,
                             config->OneMachine()};
  const std::string day = UtcStamp("%Y-%m-%d");
  int rc = 0;
  for (const RepositoryConfig* repo : repos) {
    const std::string branch = repo->branches.front();
    PipelineRequest request;
    request.repo_name = repo->name;
    request.url = repo->url;
    request.commit = branch == "*" ? "HEAD" : "refs/heads/" + branch;
    request.ref = request.commit;
    request.trigger = "nightly";
    request.delivery_id = "nightly:" + repo->name + ":" + day;
    if (o.again) request.delivery_id += ":" + UtcStamp("%H%M%S");
    request.options_json = NightlyOptionsJson(config->nightly);
    auto out = PlanQueue::PlanAndCreate(**store, context, request);
    if (!out.status.ok()) {
      fprintf(stderr, "ci-run nightly: %s: %s\n", repo->name.c_str(), out.status.message().c_str());
      rc = 1;
      continue;
    }
    printf("%s%s\n",
           DescribePlanned(out.id, out.created, out.planned.info, out.planned.jobs).c_str(),
           out.created ? "" : "; use --again to queue another");
    // A repository that cannot be fetched is the operator's problem: tell cron.
    const std::vector<JobInfo>& jobs = out.planned.jobs;
    if (out.created && jobs.size() == 1 && jobs[0].name == kPlanJobName &&
        jobs[0].state == JobState::kInfra) {
      rc = 1;
    }
  }
  return rc;
}

void SetupNightlyCommand(CLI::App* sub, int* exit_code) {
  auto o = std::make_shared<NightlyOptions>();
  sub->add_option("--config", o->config, "service configuration file (YAML)")->required();
  sub->add_option("--repo", o->repos, "only this repository, owner/name (repeatable)")
      ->allow_extra_args(false);
  sub->add_flag("--again", o->again, "queue a pipeline even if one was queued today");
  sub->callback([o, exit_code] { *exit_code = RunNightly(*o); });
}

}  // namespace cirun
