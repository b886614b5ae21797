#include "runner/pipeline/job_manifest_probe.h"

#include <filesystem>

#include "runner/common/version.h"
#include "runner/host/toolchain_build.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;

std::string FirstLine(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  if (from.empty()) return text;
  for (size_t pos = text.find(from); pos != std::string::npos;
       pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
  return text;
}

void AddToolchain(const JobEnvironment& env, EnvironmentProbe& probe, const JobPlan& plan,
                  JobManifest* m) {
  ToolchainSpec host_default;  // no `compiler` axis: the host environment as is
  host_default.name = "(host)";
  host_default.version_command = {"true"};
  host_default.env = {{"CC", "cc"}};
  const ToolchainSpec* toolchain =
      plan.compiler.empty() ? &host_default : env.host->FindToolchain(plan.compiler);
  if (!toolchain) {
    m->toolchain = plan.compiler;
    return;
  }
  m->toolchain = toolchain->name;
  m->toolchain_kind = ToolchainKindName(toolchain->kind);
  if (toolchain->kind == ToolchainSpec::Kind::kPrefix) m->toolchain_location = toolchain->prefix;
  if (toolchain->kind == ToolchainSpec::Kind::kOpam) m->toolchain_location = toolchain->opam_switch;
  if (toolchain != &host_default) {
    auto identity = env.toolchains->Identity(*toolchain);
    m->toolchain_identity =
        identity.ok() ? FirstLine(*identity) : "unavailable: " + identity.status().message();
  }
  m->compilers = probe.Compilers(*toolchain);
  m->libraries = probe.Libraries(*toolchain);
}

void AddTarget(const JobEnvironment& env, EnvironmentProbe& probe, const JobPlan& plan,
               JobManifest* m) {
  m->target = plan.target;
  const TargetSpec* target = env.host->FindTarget(plan.target);
  if (!target) return;
  const ToolchainSpec* toolchain =
      plan.compiler.empty() ? nullptr : env.host->FindToolchain(plan.compiler);
  const char* own = std::getenv("PATH");
  const std::string path = toolchain ? ToolchainPath(*toolchain) : (own ? own : "");
  for (const std::string& program : TargetPrograms(*target))
    m->tools[fs::path(program).filename().string()] = probe.Tool(program, path);
}

// The build step's outcome and the main boot's command, from the store.
void AddSteps(const JobEnvironment& env, const ClaimedJob& claimed, const JobWorkspace& where,
              JobManifest* m) {
  auto steps = env.store->ListSteps(claimed.job.id);
  if (!steps.ok()) return;
  for (const StepRecord& s : *steps) {
    if (s.name == "build") m->build_outcome = s.outcome;
    if (s.name == "boot") m->boot_command = ReplaceAll(s.command, where.workspace, "$WORKSPACE");
  }
}

void AddDuniverse(const JobEnvironment& env, const JobWorkspace& where, JobManifest* m) {
  auto trees = DuniverseTrees((fs::path(where.build_dir) / "duniverse").string());
  if (trees.ok()) m->duniverse = *trees;
  if (!m->duniverse.empty() || m->build_outcome != "cached" || m->image_sha256.empty()) return;
  // Restored from the build cache: the build that made this image saw the packages.
  ManifestQuery same_image;
  same_image.image_sha256_prefix = m->image_sha256;
  auto earlier = env.store->FindManifests(same_image);
  if (!earlier.ok()) return;
  for (const ManifestRecord& r : *earlier) {
    auto old = ManifestFromJson(r.manifest_json);
    if (old.ok() && !old->duniverse.empty()) {
      m->duniverse = old->duniverse;
      return;
    }
  }
}

}  // namespace

JobManifest CollectJobManifest(const JobEnvironment& env, EnvironmentProbe& probe,
                               const ClaimedJob& claimed, const JobPlan& plan,
                               const JobWorkspace& where) {
  JobManifest m;
  m.ci_run = kCiRunVersion;
  m.repo = claimed.pipeline.repo;
  m.commit = claimed.pipeline.commit;
  m.dirty = claimed.pipeline.dirty;
  auto tree = env.sources->SourceId(claimed.pipeline, plan.path);
  if (tree.ok()) m.source_tree = *tree;
  AddToolchain(env, probe, plan, &m);
  AddTarget(env, probe, plan, &m);
  m.build_command = plan.build_command;
  AddSteps(env, claimed, where, &m);
  std::error_code ec;
  m.image = fs::path(where.image).lexically_relative(where.workspace).string();
  if (fs::is_regular_file(where.image, ec)) {
    auto sha = Sha256OfFile(where.image);
    if (sha.ok()) {
      m.image_sha256 = *sha;
      m.image_size = static_cast<int64_t>(fs::file_size(where.image, ec));
    }
  }
  AddDuniverse(env, where, &m);
  return m;
}

void RecordJobManifest(const JobEnvironment& env, EnvironmentProbe& probe,
                       const ClaimedJob& claimed, const JobPlan& plan, const JobWorkspace& where) {
  JobManifest m = CollectJobManifest(env, probe, claimed, plan, where);
  ManifestRecord record;
  record.job_id = claimed.job.id;
  record.attempt = claimed.job.attempt;
  record.source_tree = m.source_tree;
  record.image_sha256 = m.image_sha256;
  record.image_size = m.image_size;
  record.manifest_json = ManifestToJson(m);
  Status s = env.store->AddManifest(record);
  if (!s.ok() && s.code() != Status::Code::kUnavailable)
    env.progress->Message("warning: cannot record the manifest of " + claimed.job.name + ": " +
                          s.ToString());
}

}  // namespace cirun
