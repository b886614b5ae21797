#include "runner/local_command.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "harness/boot_backend.h"
#include "jobs/job_plan.h"
#include "jobs/repo_config_parser.h"
#include "runner/build_cache.h"
#include "runner/host_config.h"
#include "runner/host_jobs.h"
#include "runner/interrupt.h"
#include "runner/job_pool.h"
#include "runner/paths.h"
#include "runner/pipeline_report.h"
#include "runner/pipeline_source.h"
#include "runner/shell_quote.h"
#include "runner/terminal_progress.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;

int UsageError(const std::string& message) {
  fprintf(stderr, "ci-run: %s\n", message.c_str());
  return 2;
}

std::string WorkerName() {
  char host[256] = "localhost";
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}

// Prints every command the pipeline would run, without running anything. A
// job this host would skip is shown with the reason, then with the commands a
// host that has its toolchain and target would run (a preset's recipe can be
// read on any machine).
void PrintDryRun(const std::vector<JobPlan>& plans, const std::vector<JobInfo>& jobs,
                 const HostConfig& host, ProcessRunner& runner) {
  for (size_t i = 0; i < plans.size(); ++i) {
    const JobPlan& plan = plans[i];
    printf("%s\n", plan.Name().c_str());
    if (jobs[i].state == JobState::kSkipped) {
      printf("  skipped on this host: %s\n", jobs[i].cause.c_str());
    }
    const ToolchainSpec* tc = host.FindToolchain(plan.compiler);
    ProcessSpec build = tc ? ToolchainProcess(*tc, plan.build_command, plan.path)
                           : ProcessSpec{{"sh", "-c", plan.build_command}, {}, {}, plan.path};
    std::string env;
    for (const auto& [k, v] : build.env_set) env += k + "=" + ShellQuote(v) + " ";
    printf("  build (in %s/): %s%s\n", plan.path.c_str(), env.c_str(),
           ShellJoin(build.argv).c_str());
    const TargetSpec* target = host.FindTarget(plan.target);
    if (!target) continue;
    auto backend = MakeBootBackend(*target, runner);
    for (size_t b = 0; b < plan.boots.size(); ++b) {
      BootRequest request;
      request.image =
          "$WORKSPACE/" + (fs::path(plan.path) / plan.image).lexically_normal().string();
      request.args = plan.boots[b].args;
      request.instance_name = "ci-run-dry-run";
      auto cmd = backend->Command(request);
      printf("  %s: %s\n", b == 0 ? "boot" : ("test " + plan.boots[b].name).c_str(),
             cmd.ok() ? ShellJoin(cmd->argv).c_str() : cmd.status().ToString().c_str());
    }
  }
}

Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  return out ? Status::Ok() : Status::IoError("cannot write " + path);
}

}  // namespace

int RunLocal(const LocalOptions& o) {
  // Phase 1: what to test (a commit of a mirror, or the work tree as it is).
  const std::string cache_dir = o.cache_dir.empty() ? DefaultCacheDir() : o.cache_dir;
  auto source = ResolveSource({o.location, o.rev, cache_dir}, nullptr);
  if (!source.ok()) return UsageError(source.status().message());
  const PipelineInfo& info = source->info;
  if (info.dirty) {
    printf("Testing the work tree of %s as it is: %zu uncommitted change(s)", info.repo.c_str(),
           source->changed.size());
    for (size_t i = 0; i < std::min<size_t>(3, source->changed.size()); ++i)
      printf("%s %s", i ? "," : ":", source->changed[i].c_str());
    printf("%s\n", source->changed.size() > 3 ? ", ..." : "");
  } else {
    printf("Testing %s at %s (%s) \"%s\"\n", info.repo_name.c_str(),
           info.commit.substr(0, 12).c_str(), info.ref.c_str(), info.title.c_str());
  }

  // Phase 2: the configuration, parsed and validated before anything runs.
  std::string config_text = source->config_text, config_file = source->config_file;
  if (!o.config.empty()) {
    auto loaded = LoadConfigOverride(o.config);
    if (!loaded.ok()) return UsageError(loaded.status().message());
    std::tie(config_text, config_file) = *loaded;
  } else if (!source->has_config) {
    return UsageError("no .ci-run.yml in " + info.repo + " at " +
                      (info.dirty ? "the work tree" : info.commit.substr(0, 12)) +
                      " (write one, or pass --config FILE or a preset name)");
  }
  auto config = ParseRepoConfig(config_text, config_file);
  if (!config.ok()) {
    fprintf(stderr, "%s\nci-run: configuration rejected, nothing was run\n",
            config.status().message().c_str());
    return 2;
  }

  // Phase 3: this host's toolchains and targets; the jobs it can run.
  auto host = LoadHostConfig(o.host_config, cache_dir);
  if (!host.ok()) return UsageError(host.status().message());
  PlanOptions plan_options;
  plan_options.unikernels = o.unikernels;
  for (const std::string& only : o.only) {
    auto filter = ParseCellFilter(only);
    if (!filter.ok()) return UsageError("--only " + only + ": " + filter.status().message());
    plan_options.only.push_back(*filter);
  }
  auto plans = PlanJobs(*config, plan_options);
  if (!plans.ok()) return UsageError(plans.status().message());
  ProcessRunner& runner = RealProcessRunner();
  ToolchainProbe probe(runner);
  std::vector<JobInfo> jobs = JobsForHost(*plans, *host, probe, runner, /*check_host=*/true);
  if (o.dry_run) {
    PrintDryRun(*plans, jobs, *host, runner);
    return 0;
  }

  // Phase 4: the pipeline and its jobs, queued in the store.
  EnsureStateDir(source->state_dir);
  const std::string db = o.db.empty() ? source->state_dir + "/ci.db" : o.db;
  auto store = OpenStore(db);
  if (!store.ok()) return UsageError(store.status().message());
  PipelineInfo pipeline_info = info;
  pipeline_info.options_json = PipelineOptionsJson(*config);
  auto pipeline_id = (*store)->CreatePipeline(pipeline_info, jobs);
  if (!pipeline_id.ok()) return UsageError(pipeline_id.status().message());

  // Phase 5: run every job in-process, with a live view.
  CancelToken cancel;
  CancelOnInterrupt(&cancel);
  const bool live = !o.plain && TerminalProgress::IsInteractive(stdout);
  int runnable = 0;
  for (const auto& j : jobs) runnable += j.state == JobState::kQueued;
  printf("Pipeline %lld: %zu jobs (%d to run, %zu skipped), db %s\n",
         static_cast<long long>(*pipeline_id), jobs.size(), runnable, jobs.size() - runnable,
         db.c_str());
  fflush(stdout);
  {
    TerminalProgress progress(stdout, live, static_cast<int>(jobs.size()));
    for (const auto& j : jobs) {
      if (j.state == JobState::kSkipped)
        progress.JobFinished(JobRecord{j}, {JobState::kSkipped, j.cause, "", 0});
    }
    SourceCheckout sources(cache_dir);
    BuildCache cache(cache_dir + "/builds");
    JobEnvironment env;
    env.runner = &runner;
    env.store = store->get();
    env.host = &*host;
    env.toolchains = &probe;
    env.sources = &sources;
    env.cache = o.no_cache ? nullptr : &cache;
    env.progress = &progress;
    env.work_root = o.work_dir.empty() ? source->state_dir + "/work" : o.work_dir;
    env.keep_workspaces = o.keep_workspaces;
    env.self_command = SelfCommand();
    JobPoolOptions pool;
    pool.slots = o.jobs > 0 ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
    pool.worker = WorkerName();
    pool.pipeline_id = *pipeline_id;
    pool.lease = std::chrono::minutes(10);
    for (const auto& j : jobs) {
      // This host already checked each queued job's toolchain and target.
      if (j.state == JobState::kQueued)
        pool.labels.insert(pool.labels.end(), j.labels.begin(), j.labels.end());
    }
    ApplyPipelineOptions(pipeline_info.options_json, &pool);
    RunJobPool(env, pool, cancel);
    // Nothing stays queued after an in-process run: interrupted, or (a bug) unclaimable.
    (*store)->CancelQueued(
        *pipeline_id, "", cancel.cancelled() ? "interrupted" : "no slot of this run could take it");
  }

  // Phase 6: report.
  auto report = LoadPipelineReport(**store, *pipeline_id);
  if (!report.ok()) return UsageError(report.status().message());
  PrintSummary(stdout, *report, live);
  if (!o.junit.empty()) {
    if (Status s = WriteFile(o.junit, JUnitXml(*report)); !s.ok())
      fprintf(stderr, "ci-run: %s\n", s.message().c_str());
  }
  if (!o.json.empty()) {
    if (Status s = WriteFile(o.json, PipelineJson(*report)); !s.ok())
      fprintf(stderr, "ci-run: %s\n", s.message().c_str());
  }
  if (cancel.cancelled()) {
    fprintf(stderr, "ci-run: interrupted; every VM and build was stopped\n");
    return 130;
  }
  return PipelineExitCode(*report);
}

void SetupLocalCommand(CLI::App* sub, int* exit_code) {
  auto o = std::make_shared<LocalOptions>();
  sub->add_option("location", o->location, "work tree, repository path or URL (default: .)");
  sub->add_option("--rev", o->rev,
                  "commit, branch or tag to test (default: the work tree as it is)");
  sub->add_option("--config", o->config,
                  "configuration file or preset name from matrices/ instead of .ci-run.yml");
  sub->add_option("--only", o->only, "select cells, e.g. compiler=gcc,target=virtio (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--unikernel", o->unikernels, "select unikernels by name (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("-j,--jobs", o->jobs, "jobs run at once (default: number of cores)");
  sub->add_option("--db", o->db, "SQLite database (default: .ci-run/ci.db beside the checkout)");
  sub->add_option("--cache-dir", o->cache_dir,
                  "mirrors and build cache (default: ~/.cache/ci-run)");
  sub->add_option("--work-dir", o->work_dir,
                  "workspaces (default: .ci-run/work beside the checkout)");
  sub->add_option("--host-config", o->host_config,
                  "YAML file of toolchains and targets for this host");
  sub->add_option("--junit", o->junit, "write a JUnit XML report to FILE");
  sub->add_option("--json", o->json, "write a JSON report to FILE");
  sub->add_flag("--keep-workspaces", o->keep_workspaces, "keep the workspaces of passed jobs too");
  sub->add_flag("--no-cache", o->no_cache, "build everything, and do not fill the build cache");
  sub->add_flag("--dry-run", o->dry_run, "print every command the pipeline would run, run nothing");
  sub->add_flag("--plain", o->plain, "plain line output even on a terminal");
  sub->callback([o, exit_code] { *exit_code = RunLocal(*o); });
}

}  // namespace cirun
