#include "runner/cli/local_command.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "harness/boot_backend.h"
#include "jobs/job_plan.h"
#include "jobs/repo_config_parser.h"
#include "runner/common/exit_code.h"
#include "runner/common/interrupt.h"
#include "runner/common/paths.h"
#include "runner/common/shell_quote.h"
#include "runner/common/terminal_progress.h"
#include "runner/common/version.h"
#include "runner/host/host_config.h"
#include "runner/perf/bench_step.h"
#include "runner/perf/cell_bisect.h"
#include "runner/perf/history_step.h"
#include "runner/pipeline/build_cache.h"
#include "runner/pipeline/env_diff.h"
#include "runner/pipeline/environment_pin.h"
#include "runner/pipeline/failure_groups.h"
#include "runner/pipeline/fuzz_step.h"
#include "runner/pipeline/job_placement.h"
#include "runner/pipeline/job_pool.h"
#include "runner/pipeline/job_sandbox.h"
#include "runner/pipeline/pipeline_options.h"
#include "runner/pipeline/pipeline_report.h"
#include "runner/pipeline/pipeline_source.h"
#include "runner/pipeline/reproducer.h"
#include "runner/pipeline/reproducible_step.h"
#include "runner/pipeline/xen_sweep.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;

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
                 const HostConfig& host, ProcessRunner& runner, const FuzzPipelineOptions& fuzz) {
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
      request.raw_command_line = plan.boots[b].raw_command_line;
      request.instance_name = "ci-run-dry-run";
      auto cmd = backend->Command(request);
      printf("  %s: %s\n", b == 0 ? "boot" : ("test " + plan.boots[b].name).c_str(),
             cmd.ok() ? ShellJoin(cmd->argv).c_str() : cmd.status().ToString().c_str());
    }
    if (plan.fuzz && fuzz.enabled) {
      printf("  fuzz: %d boots of hostile arguments (%zu typed keys), seed %llu\n",
             fuzz.boots.value_or(plan.fuzz->boots), plan.fuzz->keys.size(),
             static_cast<unsigned long long>(fuzz.seed));
    }
  }
}

Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  return out ? Status::Ok() : Status::IoError("cannot write " + path);
}

// --env-from JOB: reads the job's manifest from the run's store, selects its
// unikernel and cell (unless --unikernel / --only do), and pins this host's
// toolchains to it (environment_pin.h), saying what differs. Returns 0, or
// the exit code (2) after printing why.
int PinToJob(const LocalOptions& o, LocalPlan* plan, PlanOptions* plan_options) {
  if (o.run.db.empty()) EnsureStateDir(plan->source.state_dir);
  const std::string db = o.run.db.empty() ? plan->source.state_dir + "/ci.db" : o.run.db;
  auto store = OpenStore(db);
  if (!store.ok()) return ReportError("ci-run", Status::InvalidArgument("--env-from: " + store.status().message()));
  auto record = (*store)->GetManifest(o.env_from);
  if (!record.ok()) return ReportError("ci-run", Status::InvalidArgument("--env-from: " + record.status().message()));
  if (!record->has_value())
    return ReportError("ci-run", Status::InvalidArgument("--env-from " + std::to_string(o.env_from) + ": job has no manifest in " +
                      db + " (no such job, skipped, or not run yet)"));
  auto recorded = ManifestFromJson((*record)->manifest_json);
  if (!recorded.ok()) return ReportError("ci-run", Status::InvalidArgument("--env-from: " + recorded.status().message()));
  plan->env_from = **record;
  const ManifestRecord& r = **record;
  if (plan_options->unikernels.empty()) plan_options->unikernels = {r.unikernel};
  if (plan_options->only.empty() && !r.cell_key.empty()) {
    auto filter = ParseCellFilter(r.cell_key);
    if (filter.ok()) plan_options->only.push_back(*filter);
  }
  EnvironmentProbe probe(RealProcessRunner());
  EnvironmentPinReport pin = PinEnvironment(*recorded, kCiRunVersion, probe, &plan->host);
  printf("Environment of job %lld (%s, pipeline %lld):\n", static_cast<long long>(r.job_id),
         r.job_name.c_str(), static_cast<long long>(r.pipeline_id));
  for (const std::string& line : pin.chosen) printf("  %s\n", line.c_str());
  if (pin.differences.empty()) printf("  this host has all of it\n");
  for (const std::string& line : pin.differences) printf("  differs: %s\n", line.c_str());
  return 0;
}

// After an --env-from run: each job's environment against the recorded one.
void PrintEnvironmentAgainst(const ManifestRecord& recorded, const PipelineReport& report) {
  auto then = ManifestFromJson(recorded.manifest_json);
  if (!then.ok()) return;
  printf("\nEnvironment against job %lld:\n", static_cast<long long>(recorded.job_id));
  for (const JobReport& j : report.jobs) {
    auto now = ManifestFromJson(j.manifest_json);
    if (j.manifest_json.empty() || !now.ok()) continue;
    std::vector<EnvChange> changes;
    for (const EnvChange& c : DiffManifests(*then, *now))
      if (IsEnvironmentEntry(c.entry) && !IsUnreachedStep(c)) changes.push_back(c);
    printf("  %s: %s\n", j.job.name.c_str(), changes.empty() ? "the same as recorded" : "differs");
    for (const EnvChange& c : changes) printf("    %s\n", DescribeChange(c).c_str());
  }
}

// BisectNewFailures on a session over the same repository, store, cache and
// host as the run.
void BisectRedCells(const LocalOptions& o, const LocalRunResult& run) {
  PerfOptions perf;
  perf.location = o.location;
  perf.run = o.run;
  perf.run.db = run.db;
  perf.no_cache = o.no_cache;
  perf.no_sandbox = o.no_sandbox;
  auto session = PerfSession::Open(perf, o.rev, /*allow_dirty=*/false);
  if (!session.ok()) {
    fprintf(stderr, "ci-run: no culprit search: %s\n", session.status().message().c_str());
    return;
  }
  BisectNewFailures(**session, run.pipeline_id);
}

}  // namespace

int PrepareLocalPlan(const LocalOptions& o, LocalPlan* plan) {
  // Phase 1: what to test (a commit of a mirror, or the work tree as it is).
  plan->cache_dir = o.run.cache_dir.empty() ? DefaultCacheDir() : o.run.cache_dir;
  auto source = ResolveSource({o.location, o.rev, plan->cache_dir}, nullptr);
  if (!source.ok()) return ReportError("ci-run", source.status());
  plan->source = std::move(source).value();
  const PipelineInfo& info = plan->source.info;
  if (info.dirty) {
    printf("Testing the work tree of %s as it is: %zu uncommitted change(s)", info.repo.c_str(),
           plan->source.changed.size());
    for (size_t i = 0; i < std::min<size_t>(3, plan->source.changed.size()); ++i)
      printf("%s %s", i ? "," : ":", plan->source.changed[i].c_str());
    printf("%s\n", plan->source.changed.size() > 3 ? ", ..." : "");
  } else {
    printf("Testing %s at %s (%s) \"%s\"\n", info.repo_name.c_str(),
           info.commit.substr(0, 12).c_str(), info.ref.c_str(), info.title.c_str());
  }

  // Phase 2: the configuration, parsed and validated before anything runs.
  std::string config_text = plan->source.config_text, config_file = plan->source.config_file;
  if (!o.run.config.empty()) {
    auto loaded = LoadConfigOverride(o.run.config);
    if (!loaded.ok()) return ReportError("ci-run", loaded.status());
    std::tie(config_text, config_file) = *loaded;
  } else if (!plan->source.has_config) {
    return ReportError("ci-run",
                       Status::NotFound("no .ci-run.yml in " + info.repo + " at " +
                                        (info.dirty ? "the work tree" : info.commit.substr(0, 12)) +
                                        " (write one, or pass --config FILE or a preset name)"));
  }
  auto config = ParseRepoConfig(config_text, config_file);
  if (!config.ok()) return ReportConfigError("ci-run", config.status(), ", nothing was run");
  plan->config = std::move(config).value();

  // Phase 3: this host's toolchains and targets; the jobs it can run.
  auto host = LoadHostConfig(o.run.host_config, plan->cache_dir);
  if (!host.ok()) return ReportError("ci-run", host.status());
  plan->host = std::move(host).value();
  if (o.no_sandbox) TurnOffSandbox(&plan->host);
  PlanOptions plan_options;
  plan_options.unikernels = o.unikernels;
  for (const std::string& only : o.only) {
    auto filter = ParseCellFilter(only);
    if (!filter.ok()) return ReportError("ci-run", filter.status().WithContext("--only " + only));
    plan_options.only.push_back(*filter);
  }
  if (o.env_from > 0) {
    if (int rc = PinToJob(o, plan, &plan_options); rc != 0) return rc;
  }
  auto plans = PlanJobs(plan->config, plan_options);
  if (!plans.ok()) return ReportError("ci-run", plans.status());
  plan->plans = std::move(plans).value();
  plan->probe = std::make_unique<ToolchainProbe>(RealProcessRunner());
  return 0;
}

Result<LocalRunResult> RunLocalJobs(const LocalOptions& o, LocalPlan& plan,
                                    const std::vector<JobInfo>& jobs,
                                    const std::string& options_json,
                                    const std::vector<const JobStep*>& after_boot, int slots,
                                    bool* interrupted) {
  // Phase 4: the pipeline and its jobs, queued in the store.
  LocalRunResult run;
  EnsureStateDir(plan.source.state_dir);
  run.db = o.run.db.empty() ? plan.source.state_dir + "/ci.db" : o.run.db;
  auto store = OpenStore(run.db);
  if (!store.ok()) return store.status();
  run.store = std::move(store).value();
  PipelineInfo pipeline_info = plan.source.info;
  pipeline_info.options_json = options_json;
  auto pipeline_id = run.store->CreatePipeline(pipeline_info, jobs);
  if (!pipeline_id.ok()) return pipeline_id.status();
  run.pipeline_id = *pipeline_id;

  // Phase 5: run every job in-process, with a live view; first destroy the Xen
  // domains a crashed ci-run left behind.
  std::vector<TargetSpec> used_targets;
  for (const auto& j : jobs) {
    const TargetSpec* t = plan.host.FindTarget(j.target);
    if (j.state == JobState::kQueued && t) used_targets.push_back(*t);
  }
  for (const std::string& line : SweepXenLeftovers(used_targets, RealProcessRunner()))
    printf("%s\n", line.c_str());
  static CancelToken cancel;  // lives until exit: the signal handler holds it
  CancelOnInterrupt(&cancel);
  const bool live = !o.run.plain && TerminalProgress::IsInteractive(stdout);
  int runnable = 0;
  for (const auto& j : jobs) runnable += j.state == JobState::kQueued;
  printf("Pipeline %lld: %zu jobs (%d to run, %zu skipped), db %s\n",
         static_cast<long long>(run.pipeline_id), jobs.size(), runnable, jobs.size() - runnable,
         run.db.c_str());
  fflush(stdout);
  {
    TerminalProgress progress(stdout, live, static_cast<int>(jobs.size()));
    for (const auto& j : jobs) {
      if (j.state != JobState::kSkipped) continue;
      JobRecord skipped;
      static_cast<JobInfo&>(skipped) = j;
      progress.JobFinished(skipped, {JobState::kSkipped, j.cause, "", 0});
    }
    SourceCheckout sources(plan.cache_dir);
    BuildCache cache(plan.cache_dir + "/builds");
    JobEnvironment env;
    env.runner = &RealProcessRunner();
    env.store = run.store.get();
    env.host = &plan.host;
    env.toolchains = plan.probe.get();
    env.sources = &sources;
    env.cache = o.no_cache ? nullptr : &cache;
    env.progress = &progress;
    env.work_root = o.run.work_dir.empty() ? plan.source.state_dir + "/work" : o.run.work_dir;
    env.keep_workspaces = o.keep_workspaces;
    env.self_command = SelfCommand();
    env.after_boot = after_boot;
    env.store_url = run.db;
    env.cache_dir = plan.cache_dir;
    env.host_config_file = o.run.host_config;
    env.reproducer_flags = ReproducerFlags(o.run);
    JobPoolOptions pool;
    pool.slots = slots;
    pool.worker = WorkerName();
    pool.pipeline_id = run.pipeline_id;
    pool.lease = std::chrono::minutes(10);
    for (const auto& j : jobs) {
      // This host already checked each queued job's toolchain and target.
      if (j.state == JobState::kQueued)
        pool.labels.insert(pool.labels.end(), j.labels.begin(), j.labels.end());
    }
    ApplyPipelineOptions(pipeline_info.options_json, &pool);
    RunJobPool(env, pool, cancel);
    // Nothing stays queued after an in-process run: interrupted, or (a bug) unclaimable.
    auto cancelled = run.store->CancelQueued(
        run.pipeline_id, "",
        cancel.cancelled() ? "interrupted" : "no slot of this run could take it");
    if (!cancelled.ok())
      fprintf(stderr, "ci-run: warning: queued jobs not cancelled: %s\n",
              cancelled.status().ToString().c_str());
  }
  *interrupted = cancel.cancelled();
  return run;
}

int RunLocal(const LocalOptions& o) {
  LocalPlan plan;
  if (int rc = PrepareLocalPlan(o, &plan); rc != 0) return rc;
  if (o.cmdline) {
    // A reproducer: the main boot gets this command line; no fuzzing.
    for (JobPlan& p : plan.plans) p.boots[0].raw_command_line = *o.cmdline;
  }
  ProcessRunner& runner = RealProcessRunner();
  std::vector<JobInfo> jobs =
      JobsForHost(plan.plans, plan.host, *plan.probe, runner, /*check_host=*/true);
  FuzzPipelineOptions fuzz;
  fuzz.enabled = !o.no_fuzz && !o.cmdline;
  if (o.fuzz_boots > 0) fuzz.boots = o.fuzz_boots;
  if (o.dry_run) {
    PrintDryRun(plan.plans, jobs, plan.host, runner, fuzz);
    return 0;
  }
  BenchPipelineOptions bench{!o.no_bench && !o.cmdline, ""};
  if (!o.bench_base.empty()) {
    SourceCheckout sources(plan.cache_dir);
    const PipelineInfo& info = plan.source.info;
    auto mirror = sources.MirrorWithCommit(info.repo, info.commit);
    auto base = mirror.ok() ? mirror->ResolveCommit(o.bench_base) : mirror.status();
    if (!base.ok())
      return ReportError("ci-run", base.status().WithContext("--bench-base " + o.bench_base));
    bench.base_commit = *base;
  }
  const int slots =
      o.jobs > 0 ? o.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  FuzzStep fuzz_step(slots);
  static const BenchStep bench_step;
  static const HistoryStep history_step;
  bool interrupted = false;
  static const ReproducibleStep reproducible_step;
  const std::string options_json = WithReproducibleOptions(
      WithBenchOptions(WithFuzzOptions(PipelineOptionsJson(plan.config), fuzz), bench),
      {o.reproducible});
  auto run = RunLocalJobs(o, plan, jobs, options_json,
                          {&fuzz_step, &bench_step, &history_step, &reproducible_step}, slots,
                          &interrupted);
  if (!run.ok()) return ReportError("ci-run", run.status());

  // Phase 5b: a cell that passed on an earlier tested commit of this
  // history and fails now is bisected to its culprit (--rev runs only).
  if (!o.rev.empty() && !o.no_bisect && !o.cmdline && !interrupted) BisectRedCells(o, *run);

  // Phase 6: report.
  const bool live = !o.run.plain && TerminalProgress::IsInteractive(stdout);
  auto report = LoadPipelineReport(*run->store, run->pipeline_id);
  if (!report.ok()) return ReportError("ci-run", report.status());
  if (Status s = RecordFailureSignatures(*run->store, &*report); !s.ok())
    fprintf(stderr, "ci-run: warning: failure signatures not stored: %s\n", s.message().c_str());
  PrintSummary(stdout, *report, live);
  if (plan.env_from) PrintEnvironmentAgainst(*plan.env_from, *report);
  if (!o.junit.empty()) {
    if (Status s = WriteFile(o.junit, JUnitXml(*report)); !s.ok())
      fprintf(stderr, "ci-run: %s\n", s.message().c_str());
  }
  if (!o.json.empty()) {
    if (Status s = WriteFile(o.json, PipelineJson(*report)); !s.ok())
      fprintf(stderr, "ci-run: %s\n", s.message().c_str());
  }
  if (interrupted) {
    fprintf(stderr, "ci-run: interrupted; every VM and build was stopped\n");
    return kExitInterrupted;
  }
  return PipelineExitCode(*report);
}

void SetupLocalCommand(CLI::App* sub, int* exit_code) {
  auto o = std::make_shared<LocalOptions>();
  sub->add_option("location", o->location, "work tree, repository path or URL (default: .)");
  sub->add_option("--rev", o->rev,
                  "commit, branch or tag to test (default: the work tree as it is)");
  sub->add_option("--only", o->only, "select cells, e.g. compiler=gcc,target=virtio (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--unikernel", o->unikernels, "select unikernels by name (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("-j,--jobs", o->jobs, "jobs run at once (default: number of cores)");
  AddRunFlags(sub, &o->run);
  sub->add_option("--junit", o->junit, "write a JUnit XML report to FILE");
  sub->add_option("--json", o->json, "write a JSON report to FILE");
  sub->add_flag("--keep-workspaces", o->keep_workspaces, "keep the workspaces of passed jobs too");
  sub->add_flag("--no-cache", o->no_cache, "build everything, and do not fill the build cache");
  sub->add_flag("--no-sandbox", o->no_sandbox,
                "run builds and boots unboxed: they see your home, files and network, with no "
                "memory, process or disk limits (see docs/sandbox.md)");
  sub->add_flag("--dry-run", o->dry_run, "print every command the pipeline would run, run nothing");
  sub->add_flag("--no-fuzz", o->no_fuzz, "skip the fuzz step of every job");
  sub->add_option("--env-from", o->env_from,
                  "run with the environment job JOB recorded (its toolchain, found by its "
                  "compilers' versions; its unikernel and cell), saying what this host lacks")
      ->check(CLI::PositiveNumber);
  sub->add_flag("--reproducible", o->reproducible,
                "build each image a second time in another workspace and compare the two");
  sub->add_option("--fuzz-boots", o->fuzz_boots,
                  "fuzz budget per job in boots, instead of each unikernel's fuzz: boots")
      ->check(CLI::PositiveNumber);
  sub->add_option("--cmdline", o->cmdline,
                  "boot the selected jobs' images with this guest command line instead of the "
                  "main boot's arguments (a fuzz reproducer; write --cmdline=LINE); no fuzzing");
  sub->add_flag("--no-bench", o->no_bench, "skip the benchmarks of unikernels with bench:");
  sub->add_flag("--no-bisect", o->no_bisect,
                "with --rev: do not search for the commit that made a cell fail");
  sub->add_option("--bench-base", o->bench_base,
                  "compare benchmarks with this commit, built and run interleaved (as for a "
                  "pull request's base)");
  sub->callback([o, exit_code] { *exit_code = RunLocal(*o); });
}

}  // namespace cirun
