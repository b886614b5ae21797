#include "runner/pipeline/image_build.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "harness/failure_excerpt.h"
#include "jobs/build_cache_key.h"
#include "runner/common/byte_text.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// The last non-empty line of `text` (for one-line causes).
std::string LastLine(const std::string& text) {
  size_t end = text.find_last_not_of("\r\n ");
  if (end == std::string::npos) return "";
  size_t start = text.rfind('\n', end);
  start = start == std::string::npos ? 0 : start + 1;
  return text.substr(start, end - start + 1);
}

// The first line that looks like a compiler error, else the last line.
std::string BuildErrorLine(const std::string& log) {
  size_t pos = 0;
  while (pos < log.size()) {
    size_t end = log.find('\n', pos);
    if (end == std::string::npos) end = log.size();
    std::string line = log.substr(pos, end - pos);
    if (line.find("error") != std::string::npos || line.find("Error") != std::string::npos)
      return line;
    pos = end + 1;
  }
  return LastLine(log);
}

// The checkout that holds `build_dir` (= workspace / plan_path): what a
// sandboxed build may write (dune writes _build at the project's root).
std::string WorkspaceOf(const std::string& build_dir, const std::string& plan_path) {
  fs::path dir = fs::path(build_dir).lexically_normal();
  for (const fs::path& part : fs::path(plan_path).lexically_normal()) {
    if (part.empty() || part == "." || !dir.has_parent_path()) continue;
    if (dir.filename().empty()) dir = dir.parent_path();
    dir = dir.parent_path();
  }
  return dir.string();
}

JobResult Failed(std::string cause) {
  return {JobState::kFailed, std::move(cause), "", 0};
}

ImageBuild BuildImageImpl(const JobEnvironment& env, const PipelineRecord& pipeline,
                          const JobPlan& plan, const std::string& build_dir,
                          const std::string& image, const CancelToken* cancel) {
  StepRecord step;
  step.name = "build";
  step.command = plan.build_command;
  const ToolchainSpec* toolchain =
      plan.compiler.empty() ? nullptr : env.host->FindToolchain(plan.compiler);
  ToolchainSpec host_default;  // no `compiler` axis: the host environment as is
  host_default.name = "(host)";
  host_default.version_command = {"true"};
  if (!plan.compiler.empty() && !toolchain) {
    step.outcome = "infra";
    step.cause = "no toolchain named \"" + plan.compiler + "\" on this host";
    return {step, InfraResult(step.cause)};
  }
  if (!toolchain) toolchain = &host_default;
  auto identity = env.toolchains->Identity(*toolchain);
  auto source_id = env.sources->SourceId(pipeline, plan.path);
  if (!identity.ok() || !source_id.ok()) {
    step.outcome = "infra";
    step.cause = !identity.ok()
                     ? "toolchain " + toolchain->name + ": " + identity.status().message()
                     : source_id.status().message();
    return {step, InfraResult(step.cause)};
  }
  const std::string key =
      BuildCacheKey({*source_id, *identity, plan.target, plan.build_command, plan.image});
  // The toolchain's version as the dashboard shows it: the first line of
  // its identity (e.g. "gcc (Debian 12.2.0-14) 12.2.0").
  const std::string version = identity->substr(0, identity->find('\n'));
  nlohmann::json detail = {{"cache_key", key},
                           {"source_id", *source_id},
                           {"toolchain", toolchain->name},
                           {"toolchain_version", version}};
  if (env.cache) {
    auto restored = env.cache->Restore(key, image);
    if (restored.ok() && *restored) {
      step.outcome = "cached";
      step.cause = "unchanged since an earlier build (key " + key.substr(0, 12) + ")";
      step.detail_json = detail.dump();
      return {step, std::nullopt};
    }
  }
  ProcessSpec spec = ToolchainProcess(*toolchain, plan.build_command, build_dir);
  spec.timeout = plan.build_timeout;
  spec.writable_paths = {WorkspaceOf(build_dir, plan.path)};
  std::string log;
  ProcessExit exit = env.runner->Run(
      spec,
      [&](std::string_view chunk, milliseconds) {
        log.append(chunk);
        return OutputAction::kContinue;
      },
      cancel);
  step.duration_ms = exit.elapsed.count();
  step.log = Tail(log, kStoredLogCap);
  step.detail_json = detail.dump();
  std::optional<JobResult> result;
  if (exit.kind == ProcessExit::Kind::kCancelled) {
    step.outcome = "infra";
    step.cause = "cancelled";
    result = JobResult{JobState::kCancelled, "cancelled during build", "", 0};
  } else if (exit.kind == ProcessExit::Kind::kSpawnFailed) {
    step.outcome = "infra";
    step.cause = "cannot run the build: " + exit.error;
    result = InfraResult(step.cause);
  } else if (!exit.limit.empty()) {
    step.outcome = "failed";
    step.cause = "build " + exit.Describe();  // "build used more than 4 GiB of memory (the ...)"
    result = Failed("build: " + step.cause);
  } else if (exit.kind == ProcessExit::Kind::kTimedOut) {
    step.outcome = "hung";
    step.cause = "build " + exit.Describe();
    step.excerpt = BuildLogExcerpt(log);
    result = Failed("build: " + step.cause);
  } else if (exit.kind != ProcessExit::Kind::kExited || exit.code != 0) {
    step.outcome = "failed";
    step.cause = "build " + exit.Describe() + ": " + BuildErrorLine(log);
    result = Failed("build: " + step.cause);
    step.excerpt = BuildLogExcerpt(log);
  } else if (std::error_code ec; !fs::is_regular_file(image, ec)) {
    step.outcome = "failed";
    step.cause = "build succeeded but produced no image at " + plan.path + "/" + plan.image;
    result = Failed("build: " + step.cause);
  } else {
    step.outcome = "passed";
    if (env.cache) {
      Status saved = env.cache->Save(key, image);
      if (!saved.ok()) env.progress->Message("warning: " + saved.ToString());
    }
  }
  return {step, result};
}

}  // namespace

ImageBuild BuildImage(const JobEnvironment& env, const PipelineRecord& pipeline,
                      const JobPlan& plan, const std::string& build_dir, const std::string& image,
                      const CancelToken* cancel) {
  return BuildImageImpl(env, pipeline, plan, build_dir, image, cancel);
}

Result<std::string> CheckoutAndBuild(const JobEnvironment& env, const PipelineRecord& pipeline,
                                     const JobPlan& plan, const std::string& workspace,
                                     const CancelToken* cancel) {
  std::error_code ec;
  fs::remove_all(workspace, ec);
  if (Status s = env.sources->Materialise(pipeline, workspace); !s.ok())
    return Status::Unavailable("checkout: " + s.message());
  const std::string build_dir = (fs::path(workspace) / plan.path).lexically_normal().string();
  const std::string image = (fs::path(build_dir) / plan.image).lexically_normal().string();
  ImageBuild build = BuildImage(env, pipeline, plan, build_dir, image, cancel);
  if (!build.failure) return image;
  switch (build.failure->state) {
    case JobState::kCancelled:
      return Status::Cancelled(build.failure->cause);
    case JobState::kInfra:
      return Status::Unavailable(build.failure->cause);
    default:
      return Status::FailedPrecondition(build.failure->cause);
  }
}

}  // namespace cirun
