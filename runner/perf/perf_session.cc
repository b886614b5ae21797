#include "runner/perf/perf_session.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "harness/boot_backend.h"
#include "harness/process_backend.h"
#include "jobs/repo_config_parser.h"
#include "runner/common/interrupt.h"
#include "runner/common/paths.h"
#include "runner/common/terminal_progress.h"
#include "runner/host/service_config.h"
#include "runner/pipeline/image_build.h"
#include "runner/pipeline/job_placement.h"
#include "runner/pipeline/job_sandbox.h"

namespace cirun {
namespace {

// This process's pid, zero-padded to 7 digits: workspace paths of the same
// length in every run, so a guest that sees its image's path (QEMU's
// multiboot command line) counts the same instructions whatever the pid.
std::string FixedWidthPid() {
  char text[16];
  std::snprintf(text, sizeof text, "%07d", static_cast<int>(getpid()));
  return text;
}

namespace fs = std::filesystem;

// Build warnings and fetch messages go to stderr; nothing else is shown.
class MessageProgress final : public ProgressSink {
 public:
  void JobStarted(const JobRecord&) override {}
  void StepStarted(const JobRecord&, const std::string&) override {}
  void StepFinished(const JobRecord&, const StepRecord&) override {}
  void JobFinished(const JobRecord&, const JobResult&) override {}
  void Message(const std::string& line) override { fprintf(stderr, "%s\n", line.c_str()); }
};

std::string SafeName(std::string s) {
  for (char& c : s)
    if (!isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
  return s;
}

}  // namespace

void AddPerfOptions(CLI::App* sub, PerfOptions* o, bool comparing) {
  sub->add_option("--unikernel", o->unikernels,
                  "benchmark these unikernels (repeatable; default: every one with bench:)")
      ->allow_extra_args(false);
  sub->add_option("--only", o->only, "select cells, e.g. compiler=gcc,target=virtio (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--runs", o->runs, "runs per commit (default: bench.runs of the configuration)")
      ->check(CLI::Range(1, 1000));
  if (comparing) {
    sub->add_option("--max-runs", o->max_runs,
                    "while inconclusive, add runs up to this many per commit (default: 4 x runs)")
        ->check(CLI::Range(1, 10000));
    sub->add_option_function<std::string>(
        "--min-effect",
        [o](const std::string& text) {
          std::string t = text;
          bool percent = !t.empty() && t.back() == '%';
          if (percent) t.pop_back();
          char* end = nullptr;
          double v = std::strtod(t.c_str(), &end);
          if (t.empty() || *end != '\0' || !(v > 0) || (!percent && v >= 1))
            throw CLI::ValidationError("--min-effect", "expected e.g. 5% or 0.05");
          o->min_effect = percent ? v / 100 : v;
        },
        "smallest change reported as slower/faster (default: 5%)");
    sub->add_option("--decide", o->decide,
                    "exact: stop adding runs once the metrics the instruction clock makes exact "
                    "have decided; all: only once every metric has, or at --max-runs "
                    "(default: bench.decide of the configuration, else exact)")
        ->check(CLI::IsMember({"exact", "all"}));
    sub->add_option("--alpha", o->alpha,
                    "significance level of the rank test, per metric (default: 0.001)")
        ->check(CLI::Range(1e-9, 0.5));
  }
  CLI::Option* host = AddRunFlags(sub, &o->run);
  sub->add_option("--service-config", o->service_config,
                  "take the database, cache directory, toolchains and targets from this "
                  "serve/worker configuration (--db and --cache-dir still win)")
      ->excludes(host);
  sub->add_option("--json", o->json, "write the results as JSON to FILE");
  sub->add_flag("--no-cache", o->no_cache, "build everything, and do not fill the build cache");
  sub->add_flag("--no-sandbox", o->no_sandbox,
                "run builds and boots unboxed: they see your home, files and network, with no "
                "memory, process or disk limits (see docs/sandbox.md)");
}

std::string PerfHostName() {
  if (const char* h = std::getenv("CI_RUN_HOST"); h && *h) return h;
  char host[256] = "localhost";
  gethostname(host, sizeof host - 1);
  return host;
}

Result<std::unique_ptr<PerfSession>> PerfSession::Open(const PerfOptions& o, const std::string& rev,
                                                       bool allow_dirty) {
  std::unique_ptr<PerfSession> s(new PerfSession());
  s->options_ = o;
  std::optional<ServiceConfig> service;
  if (!o.service_config.empty()) {
    auto loaded = LoadServiceConfig(o.service_config);
    if (!loaded.ok()) return loaded.status().WithContext("--service-config");
    service = std::move(*loaded);
  }
  s->cache_dir_ = !o.run.cache_dir.empty() ? o.run.cache_dir
                  : service                ? service->cache_dir
                                           : DefaultCacheDir();
  std::string asked = rev;
  if (asked.empty() && !allow_dirty) asked = "HEAD";
  auto source = ResolveSource({o.location, asked, s->cache_dir_}, nullptr);
  if (!source.ok()) return source.status();
  s->source_ = *source;
  if (!o.run.config.empty()) {
    auto loaded = LoadConfigOverride(o.run.config);
    if (!loaded.ok()) return loaded.status();
    std::tie(s->source_.config_text, s->source_.config_file) = *loaded;
    s->source_.has_config = true;
  }
  if (service) {
    s->host_ = service->host;  // with the toolchains registered in its cache directory
  } else {
    auto host = LoadHostConfig(o.run.host_config, s->cache_dir_);
    if (!host.ok()) return host.status();
    s->host_ = *host;
  }
  EnsureStateDir(s->source_.state_dir);
  s->db_path_ = !o.run.db.empty() ? o.run.db
                : service         ? service->database
                                  : s->source_.state_dir + "/ci.db";
  auto store = OpenStore(s->db_path_);
  if (!store.ok()) return store.status();
  s->store_ = std::move(*store);
  s->host_name_ = PerfHostName();
  s->work_root_ = (o.run.work_dir.empty() ? s->source_.state_dir + "/work" : o.run.work_dir) +
                  "/perf-" + FixedWidthPid();
  ProcessRunner& runner = RealProcessRunner();
  s->probe_ = std::make_unique<ToolchainProbe>(runner);
  s->sources_ = std::make_unique<SourceCheckout>(s->cache_dir_);
  s->cache_ = std::make_unique<BuildCache>(s->cache_dir_ + "/builds");
  s->progress_ = std::make_unique<MessageProgress>();
  if (o.no_sandbox) TurnOffSandbox(&s->host_);
  // The branch's own commits: trusted code, boxed like a job's.
  std::vector<std::string> hidden = {s->db_path_};
  if (!o.service_config.empty()) hidden.push_back(o.service_config);
  auto policy =
      SandboxForPipeline(s->host_, /*untrusted=*/false, s->cache_dir_, hidden, s->progress_.get());
  if (!policy.ok()) return policy.status();
  s->boxed_ = std::make_unique<SandboxedProcessRunner>(*policy, runner);
  s->env_.runner = s->boxed_.get();
  s->env_.store = s->store_.get();
  s->env_.host = &s->host_;
  s->env_.toolchains = s->probe_.get();
  s->env_.sources = s->sources_.get();
  s->env_.cache = o.no_cache ? nullptr : s->cache_.get();
  s->env_.progress = s->progress_.get();
  s->env_.work_root = s->work_root_;
  s->env_.self_command = SelfCommand();
  s->env_.reproducer_flags = ReproducerFlags(o.run);
  s->tty_ = !o.run.plain && TerminalProgress::IsInteractive(stderr);
  CancelOnInterrupt(&s->cancel_);
  return s;
}

PerfSession::~PerfSession() {
  std::error_code ec;
  if (!work_root_.empty()) fs::remove_all(work_root_, ec);
}

PipelineRecord PerfSession::Pipeline(const std::string& commit) const {
  PipelineRecord p;
  p.repo = source_.info.repo;
  p.repo_name = source_.info.repo_name;
  if (commit.empty() && source_.info.dirty) {
    p.dirty = true;
    p.worktree = source_.info.worktree;
    p.commit = source_.info.commit;
  } else {
    p.commit = commit;
  }
  return p;
}

Result<GitMirror> PerfSession::Mirror() {
  if (source_.info.dirty && source_.info.commit.empty())
    return Status::FailedPrecondition("the work tree has no commit yet");
  return sources_->MirrorWithCommit(source_.info.dirty ? source_.info.worktree : repo(),
                                    source_.info.commit);
}

Result<std::string> PerfSession::ResolveCommit(const std::string& rev) {
  auto mirror = Mirror();
  if (!mirror.ok()) return mirror.status();
  return mirror->ResolveCommit(rev);
}

std::string PerfSession::Summary(const std::string& commit) {
  if (commit.empty()) return "";
  auto mirror = Mirror();
  if (!mirror.ok()) return "";
  auto summary = mirror->Summary(commit);
  return summary.ok() ? *summary : "";
}

std::string PerfSession::Describe(const std::string& commit) {
  if (commit.empty()) return "the work tree as it is";
  const std::string summary = Summary(commit);
  return commit.substr(0, 12) + (summary.empty() ? "" : " \"" + summary + "\"");
}

Result<BenchPlanSet> PerfSession::BenchPlans(const std::string& commit) {
  std::string text = source_.config_text, file = source_.config_file;
  if (options_.run.config.empty() && !commit.empty()) {
    auto mirror = Mirror();
    if (!mirror.ok()) return mirror.status();
    auto read = mirror->ReadFile(commit, ".ci-run.yml");
    if (!read.ok()) {
      if (read.status().code() == Status::Code::kNotFound)
        return Status::NotFound("no .ci-run.yml at " + commit.substr(0, 12));
      return read.status();
    }
    text = *read;
    file = commit.substr(0, 12) + ":.ci-run.yml";
  } else if (!source_.has_config) {
    return Status::NotFound("no .ci-run.yml in " + source_.info.repo);
  }
  auto config = ParseRepoConfig(text, file);
  if (!config.ok()) return Status::InvalidArgument(config.status().message());
  PlanOptions selection;
  for (const std::string& only : options_.only) {
    auto filter = ParseCellFilter(only);
    if (!filter.ok())
      return Status::InvalidArgument("--only " + only + ": " + filter.status().message());
    selection.only.push_back(*filter);
  }
  for (const std::string& name : options_.unikernels) {
    auto it = std::find_if(config->unikernels.begin(), config->unikernels.end(),
                           [&](const UnikernelSpec& u) { return u.name == name; });
    if (it == config->unikernels.end())
      return Status::NotFound("no unikernel \"" + name + "\" in " + file);
    if (!it->bench)
      return Status::InvalidArgument("unikernel \"" + name + "\" has no bench: section in " + file);
    selection.unikernels.push_back(name);
  }
  if (selection.unikernels.empty()) {
    for (const UnikernelSpec& u : config->unikernels)
      if (u.bench) selection.unikernels.push_back(u.name);
    if (selection.unikernels.empty())
      return Status::NotFound("no unikernel has a bench: section in " + file);
  }
  auto plans = PlanJobs(*config, selection);
  if (!plans.ok()) return Status::InvalidArgument(plans.status().message());
  std::vector<JobInfo> jobs = JobsForHost(*plans, host_, *probe_, runner(), /*check_host=*/true);
  BenchPlanSet out;
  for (size_t i = 0; i < plans->size(); ++i) {
    const std::string expects = MainBootSkipReason((*plans)[i], "benchmarks");
    if (jobs[i].state == JobState::kSkipped)
      out.skipped.emplace_back(jobs[i].name, jobs[i].cause);
    else if (!expects.empty())
      out.skipped.emplace_back(jobs[i].name, expects);
    else
      out.plans.push_back((*plans)[i]);
  }
  return out;
}

Result<BenchSubject> PerfSession::Prepare(const std::string& commit, const JobPlan& plan,
                                          const std::string& label) {
  BenchSubject s;
  s.label = label;
  s.commit = commit;
  s.plan = plan;
  s.workspace = work_root_ + "/w" + std::to_string(++workspaces_) + "-" +
                SafeName((commit.empty() ? "worktree" : commit.substr(0, 12)) + "-" +
                         plan.unikernel + "-" + plan.cell.Label());
  auto image = CheckoutAndBuild(env_, Pipeline(commit), plan, s.workspace, &cancel_);
  if (!image.ok())
    return Status(image.status())
        .WithContext("building " + plan.Name() + " at " +
                     (commit.empty() ? "the work tree" : commit.substr(0, 12)));
  s.image = *image;
  auto backend = Backend(plan.target);
  if (!backend.ok()) return backend.status();
  s.backend = *backend;
  return s;
}

Result<const BootBackend*> PerfSession::Backend(const std::string& target_name) {
  auto& backend = backends_[target_name];
  if (!backend) {
    const TargetSpec* target = host_.FindTarget(target_name);
    if (!target) return Status::Unavailable("no target named \"" + target_name + "\" on this host");
    backend = MakeBootBackend(*target, runner());
  }
  return backend.get();
}

std::string PerfSession::SampleHostFor(const JobPlan& plan) {
  auto backend = Backend(plan.target);
  return backend.ok() ? SampleHost(host_name_, plan, **backend) : host_name_;
}

std::vector<std::string> PerfSession::HostClockMetricsFor(const JobPlan& plan) {
  auto backend = Backend(plan.target);
  if (backend.ok()) return HostClockMetrics(plan, **backend);
  std::vector<std::string> out;
  for (const std::string& m : BenchMetricNames(plan))
    if (m != "image_bytes") out.push_back(m);
  return out;
}

int PerfSession::RunsFor(const JobPlan& plan) const {
  if (options_.runs > 0) return options_.runs;
  return plan.bench ? plan.bench->runs : 10;
}

CompareOptions PerfSession::CompareOptionsFor(const JobPlan& plan) {
  CompareOptions c;
  c.runs = RunsFor(plan);
  c.max_runs = options_.max_runs > 0 ? options_.max_runs : 4 * c.runs;
  c.verdict.alpha = options_.alpha;
  c.verdict.min_effect = options_.min_effect;
  BenchDecide decide = plan.bench ? plan.bench->decide : BenchDecide::kExact;
  if (options_.decide == "all") decide = BenchDecide::kAll;
  if (options_.decide == "exact") decide = BenchDecide::kExact;
  auto backend = Backend(plan.target);
  if (backend.ok()) c.deciding = DecidingMetrics(plan, **backend, decide);
  return c;
}

std::string PerfSession::ClockNote(const JobPlan& plan) {
  if (!plan.bench || plan.bench->clock != BenchClock::kInstructions) return "";
  auto backend = Backend(plan.target);
  const bool user_mode = backend.ok() && (*backend)->target().backend == BackendKind::kProcess;
  const std::string emulator = ProcessBackend::HostUserModeEmulator();
  if (backend.ok() && CountsInstructions(plan, **backend)) {
    Result<std::string> plugin = FindInstructionCountPlugin();
    const std::string missing =
        plugin.ok() ? std::string() : "; no instructions metric: " + plugin.status().message();
    if (user_mode)
      return "instructions counted under " + emulator +
             " (QEMU user mode); the unikernel's own clock stays the host's" + missing;
    return "guest clock counts instructions (QEMU -icount)" + missing;
  }
  if (user_mode)
    return "clock: instructions on the unix target needs " + emulator +
           " (Debian package qemu-user), not found in PATH; the host's clock is used";
  return "clock: instructions needs a QEMU backend; the host's clock is used";
}

Result<std::map<std::string, BenchSamples>> PerfSession::StoredSamples(
    const JobPlan& plan, const std::vector<std::string>& commits) {
  std::map<std::string, BenchSamples> out;
  if (commits.empty()) return out;
  SampleQuery q{repo(), plan.unikernel, plan.cell.Key(), SampleHostFor(plan), commits, ""};
  auto rows = store_->ListSamples(q);
  if (!rows.ok()) return rows.status();
  for (const SampleRecord& r : *rows) {
    BenchSamples& s = out[r.commit];
    s.values[r.metric].push_back(r.value);
    s.units[r.metric] = r.unit;
  }
  for (auto& [commit, s] : out) {
    size_t n = 0;
    for (const auto& [metric, values] : s.values) n = std::max(n, values.size());
    s.runs = static_cast<int>(n);
  }
  return out;
}

void PerfSession::SaveSamples(const std::string& commit, const JobPlan& plan,
                              const BenchSamples& samples, const std::string& source) {
  if (commit.empty()) return;  // a dirty work tree is no commit's history
  std::vector<SampleRecord> rows;
  const std::string host = SampleHostFor(plan);
  for (const auto& [metric, values] : samples.values) {
    for (double v : values) {
      SampleRecord r;
      r.repo = repo();
      r.unikernel = plan.unikernel;
      r.cell_key = plan.cell.Key();
      r.metric = metric;
      r.commit = commit;
      r.host = host;
      r.value = v;
      auto unit = samples.units.find(metric);
      r.unit = unit == samples.units.end() ? "" : unit->second;
      r.source = source;
      rows.push_back(std::move(r));
    }
  }
  if (Status saved = store_->AddSamples(rows); !saved.ok())
    fprintf(stderr, "ci-run: warning: samples not stored: %s\n", saved.message().c_str());
}

BenchProgress PerfSession::Progress(const std::string& what,
                                    const std::vector<std::string>& labels) {
  return [this, what, labels](size_t subject, int done, int planned) {
    if (!tty_) return;
    fprintf(stderr, "\r\x1b[K  %s: %s run %d/%d", what.c_str(),
            subject < labels.size() ? labels[subject].c_str() : "", done, planned);
    fflush(stderr);
  };
}

void PerfSession::EndProgress() {
  if (tty_) fprintf(stderr, "\r\x1b[K");
}

}  // namespace cirun
