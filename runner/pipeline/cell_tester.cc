#include "runner/pipeline/cell_tester.h"

#include <unistd.h>

#include <filesystem>

#include "harness/boot.h"
#include "jobs/repo_config_parser.h"
#include "runner/pipeline/image_build.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;

CommitTest Untestable(std::string cause) {
  return {CommitVerdict::kUntestable, std::move(cause)};
}

const BootCase* FindCase(const JobPlan& plan, const std::string& name) {
  for (size_t i = 0; i < plan.boots.size(); ++i) {
    const std::string case_name = i == 0 ? "boot" : "test:" + plan.boots[i].name;
    if (case_name == name) return &plan.boots[i];
  }
  return nullptr;
}

}  // namespace

BootRequest CaseBootRequest(const BootCase& boot, const std::string& image,
                            const std::string& workspace, const std::string& instance_name) {
  BootRequest request;
  request.image = image;
  request.args = boot.args;
  request.raw_command_line = boot.raw_command_line;
  request.expect = boot.expect;
  request.fail = boot.fail;
  request.timeout = boot.timeout;
  request.exit_codes = boot.exit_codes;
  request.expected_outcome = ParseBootOutcome(boot.outcome).value_or(BootOutcome::kPassed);
  request.work_dir = workspace;
  request.instance_name = instance_name;
  return request;
}

CellTester::CellTester(const JobEnvironment& env, PipelineRecord pipeline, CellCase what,
                       ConfigAt config_at, std::string work_root, const CancelToken* cancel)
    : env_(env),
      pipeline_(std::move(pipeline)),
      what_(std::move(what)),
      config_at_(std::move(config_at)),
      work_root_(std::move(work_root)),
      cancel_(cancel) {}

std::string CellTester::Workspace(const std::string& commit, const std::string& what) {
  return (fs::path(work_root_) /
          (commit.substr(0, 12) + "-" + what + "-" + std::to_string(++workspaces_)))
      .string();
}

Result<JobPlan> CellTester::PlanAt(const std::string& commit) {
  auto config = config_at_(commit);
  if (!config.ok()) return config.status();
  auto parsed = ParseRepoConfig(config->first, config->second);
  if (!parsed.ok()) return parsed.status();
  auto filter = ParseCellFilter(what_.cell_key);
  if (!filter.ok()) return filter.status();
  PlanOptions options;
  options.only = {*filter};
  options.unikernels = {what_.unikernel};
  auto plans = PlanJobs(*parsed, options);
  if (!plans.ok()) return plans.status();
  for (JobPlan& plan : *plans)
    if (plan.cell.Key() == what_.cell_key) return std::move(plan);
  return Status::NotFound("no cell " + what_.cell_key + " of " + what_.unikernel);
}

Result<std::pair<std::string, std::string>> CellTester::ImageAt(const std::string& commit,
                                                                const JobPlan& plan) {
  auto found = images_.find(commit);
  if (found != images_.end()) return found->second;
  PipelineRecord p = pipeline_;
  p.commit = commit;
  const std::string workspace = Workspace(commit, "boot");
  Result<std::string> image = CheckoutAndBuild(env_, p, plan, workspace, cancel_);
  Result<std::pair<std::string, std::string>> built =
      image.ok() ? Result<std::pair<std::string, std::string>>(std::make_pair(*image, workspace))
                 : Result<std::pair<std::string, std::string>>(image.status());
  images_.emplace(commit, built);
  return built;
}

Result<std::string> CellTester::FindFailingCase(const std::string& commit) {
  auto plan = PlanAt(commit);
  if (!plan.ok()) return plan.status();
  what_.case_name = "build";
  CommitTest build = Test(commit);
  if (build.verdict == CommitVerdict::kFailed) return what_.case_name;
  if (build.verdict == CommitVerdict::kUntestable) return Status::Unavailable(build.cause);
  for (size_t i = 0; i < plan->boots.size(); ++i) {
    what_.case_name = i == 0 ? "boot" : "test:" + plan->boots[i].name;
    CommitTest t = Test(commit);
    if (t.verdict == CommitVerdict::kFailed) return what_.case_name;
    if (t.verdict == CommitVerdict::kUntestable) return Status::Unavailable(t.cause);
  }
  return Status::NotFound("every case of " + plan->Name() + " passes at " + commit.substr(0, 12));
}

CommitTest CellTester::Test(const std::string& commit) {
  if (cancel_ && cancel_->cancelled()) return Untestable("cancelled");
  auto plan = PlanAt(commit);
  if (!plan.ok()) return Untestable(plan.status().message());
  PipelineRecord p = pipeline_;
  p.commit = commit;
  if (what_.case_name == "build") {
    JobEnvironment fresh = env_;  // every test of a build builds
    fresh.cache = nullptr;
    const std::string workspace = Workspace(commit, "build");
    auto image = CheckoutAndBuild(fresh, p, *plan, workspace, cancel_);
    std::error_code ec;
    fs::remove_all(workspace, ec);
    if (image.ok()) return {CommitVerdict::kPassed, ""};
    if (image.status().code() == Status::Code::kFailedPrecondition)
      return {CommitVerdict::kFailed, image.status().message()};
    return Untestable(image.status().message());
  }
  const BootCase* boot = FindCase(*plan, what_.case_name);
  if (!boot) return Untestable("no case " + what_.case_name + " in " + plan->Name());
  const TargetSpec* target = env_.host->FindTarget(plan->target);
  if (!target) return Untestable("no target named \"" + plan->target + "\" on this host");
  auto image = ImageAt(commit, *plan);
  if (!image.ok()) return Untestable("cannot build: " + image.status().message());
  if (!backend_) backend_ = MakeBootBackend(*target, *env_.runner);
  // The case runs in the commit's checkout, as in a job (a counter file a
  // unikernel keeps there lives on between the tests of one commit).
  BootRequest request = CaseBootRequest(
      *boot, image->first, image->second,
      "ci-run-bisect-" + std::to_string(getpid()) + "-" + std::to_string(workspaces_));
  BootResult r = Boot(request, *backend_, *env_.runner, cancel_);
  if (r.outcome == BootOutcome::kPassed) return {CommitVerdict::kPassed, ""};
  if (r.outcome == BootOutcome::kInfra) return Untestable("infra: " + r.cause);
  return {CommitVerdict::kFailed, std::string(BootOutcomeName(r.outcome)) + ": " + r.cause};
}

}  // namespace cirun
