#include "runner/pipeline/reproducible_step.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "runner/host/toolchain_build.h"
#include "runner/pipeline/image_build.h"
#include "runner/pipeline/image_compare.h"
#include "runner/pipeline/pipeline_options.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;

StepRecord Step(const std::string& outcome, const std::string& cause) {
  StepRecord s;
  s.name = "reproducible";
  s.outcome = outcome;
  s.cause = cause;
  return s;
}

}  // namespace

std::string WithReproducibleOptions(const std::string& options_json,
                                    const ReproduciblePipelineOptions& o) {
  return WithPipelineOptionsSection(options_json, "reproducible", {{"enabled", o.enabled}});
}

ReproduciblePipelineOptions ReadReproducibleOptions(const std::string& options_json) {
  const nlohmann::json r = PipelineOptionsSection(options_json, "reproducible");
  ReproduciblePipelineOptions o;
  auto it = r.find("enabled");
  if (it != r.end() && it->is_boolean()) o.enabled = it->get<bool>();
  return o;
}

std::string SecondBuildWorkspace(const std::string& workspace) {
  std::string w = workspace;
  while (w.size() > 1 && w.back() == '/') w.pop_back();
  return w + "-again";
}

bool ReproducibleStep::Wanted(const JobPlan&, const PipelineRecord& pipeline) const {
  return ReadReproducibleOptions(pipeline.options_json).enabled;
}

JobStepResult ReproducibleStep::Run(JobStepContext& ctx) const {
  ctx.started(Name());
  const auto started = std::chrono::steady_clock::now();
  JobEnvironment env = ctx.env;
  env.cache = nullptr;  // a real second build, never the first one restored
  const std::string workspace = SecondBuildWorkspace(ctx.workspace);
  auto again = CheckoutAndBuild(env, ctx.claimed.pipeline, ctx.plan, workspace, ctx.cancel);
  auto finish = [&](StepRecord step, JobStepResult result) {
    step.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();
    std::error_code ec;
    if (!ctx.env.keep_workspaces) fs::remove_all(workspace, ec);
    ctx.record(std::move(step));
    return result;
  };
  if (!again.ok()) {
    const Status& s = again.status();
    if (s.code() == Status::Code::kCancelled)
      return finish(Step("infra", "cancelled"), {JobState::kCancelled, "cancelled"});
    const bool infra = s.code() == Status::Code::kUnavailable;
    const std::string cause =
        "the second build " + std::string(infra ? "could not run" : "failed") + ": " + s.message();
    return finish(Step(infra ? "infra" : "failed", cause),
                  {infra ? JobState::kInfra : JobState::kFailed, cause});
  }
  auto sha_a = Sha256OfFile(ctx.image);
  auto sha_b = Sha256OfFile(*again);
  auto diff = CompareImages(ctx.image, *again);
  if (!sha_a.ok() || !sha_b.ok() || !diff.ok()) {
    const std::string cause = "cannot compare the two images: " + (!diff.ok()    ? diff.status()
                                                                   : !sha_a.ok() ? sha_a.status()
                                                                                 : sha_b.status())
                                                                      .message();
    return finish(Step("infra", cause), {JobState::kInfra, cause});
  }
  nlohmann::json detail = {{"sha256", *sha_a},
                           {"size", diff->size_a},
                           {"second_sha256", *sha_b},
                           {"second_size", diff->size_b},
                           {"second_workspace", workspace}};
  if (diff->identical) {
    StepRecord step = Step("passed", "");
    step.detail_json = detail.dump();
    return finish(std::move(step), {JobState::kPassed, ""});
  }
  detail["first_differing_section"] = diff->first_section;
  const std::string cause = "not reproducible: " + DescribeDifference(*diff);
  StepRecord step = Step("failed", cause);
  step.detail_json = detail.dump();
  return finish(std::move(step), {JobState::kFailed, cause});
}

}  // namespace cirun
