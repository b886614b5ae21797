#include "runner/pipeline/job_sandbox.h"

#include <atomic>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <set>

#include "base/hex.h"

namespace cirun {

bool PipelineUntrusted(const PipelineRecord& pipeline) {
  return pipeline.untrusted || pipeline.trigger == "pull_request" ||
         pipeline.ref.starts_with("refs/pull/");
}

std::string PullRequestCacheScope(const PipelineRecord& pipeline) {
  std::string scope = pipeline.repo_name + "_" + pipeline.ref;
  for (char& c : scope) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') c = '_';
  }
  return scope;
}

namespace {

// dune's shared cache (layout v4: db/{files,meta}/v4/XX), made up front: two
// first builds at once race to create it, and dune 2.9 fails the build that
// loses ("mkdir: .../dune/db: File exists"). Once per cache home and process.
void PrepareDuneCache(const std::string& cache_home) {
  static std::mutex mu;
  static std::set<std::string> done;
  std::lock_guard<std::mutex> lock(mu);
  if (!done.insert(cache_home).second) return;
  std::error_code ec;
  for (const char* kind : {"files", "meta"}) {
    for (int i = 0; i < 256; ++i) {
      const std::string sub = HexByte(static_cast<unsigned char>(i));
      std::filesystem::create_directories(
          std::filesystem::path(cache_home) / "dune/db" / kind / "v4" / sub, ec);
    }
  }
}

}  // namespace

Result<SandboxPolicy> SandboxForPipeline(const HostConfig& host, bool untrusted,
                                         const std::string& cache_dir,
                                         const std::vector<std::string>& hidden,
                                         ProgressSink* progress) {
  SandboxPolicy policy = host.sandbox;
  policy.hidden.insert(policy.hidden.end(), hidden.begin(), hidden.end());
  policy.cache_home = untrusted || cache_dir.empty() ? "" : cache_dir + "/sandbox-home";
  std::string why_not;
  if (!policy.enabled) {
    why_not = "turned off by " + policy.disabled_by;
  } else if (Status s = SandboxAvailable(policy.bwrap); !s.ok()) {
    why_not = s.message();
  }
  if (why_not.empty()) {
    if (!policy.cache_home.empty()) PrepareDuneCache(policy.cache_home);
    return policy;
  }
  if (untrusted) {
    return Status::FailedPrecondition("refusing to run a pull request's code unsandboxed: " +
                                      why_not);
  }
  static std::atomic<bool> told{false};
  if (!told.exchange(true)) {
    const std::string warning = "warning: no sandbox: " + why_not +
                                "; builds and boots run unboxed as this user, and pull requests "
                                "will not run at all";
    if (progress)
      progress->Message(warning);
    else
      fprintf(stderr, "ci-run: %s\n", warning.c_str());
  }
  policy.enabled = false;
  return policy;
}

}  // namespace cirun
