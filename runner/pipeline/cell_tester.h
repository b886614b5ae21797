// CellTester: the CommitTester of a failure bisection (failure_bisect.h):
// one unikernel, one matrix cell and one case, built and run at any commit
// through the same code as a job (CheckoutAndBuild, Boot).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "base/status.h"
#include "harness/boot_backend.h"
#include "jobs/job_plan.h"
#include "runner/pipeline/failure_bisect.h"
#include "runner/pipeline/job_executor.h"

namespace cirun {

/// What a bisection tests.
struct CellCase {
  std::string unikernel;  // "hello"
  std::string cell_key;   // "compiler=clang,target=unix"
  std::string case_name;  // "build", "boot" or "test:<name>"
};

/// The configuration `commit` is planned with: (text, file name for
/// messages). NotFound when the commit has none.
using ConfigAt =
    std::function<Result<std::pair<std::string, std::string>>(const std::string& commit)>;

class CellTester final : public CommitTester {
 public:
  /// `env` is a job's environment (its runner boxed; env.cache used for
  /// boots, never for a "build" case, whose every test builds afresh);
  /// `pipeline` names the repository (its commit is replaced by each tested
  /// commit); each commit gets a workspace below `work_root`, which the
  /// caller removes. Everything borrowed outlives the tester.
  CellTester(const JobEnvironment& env, PipelineRecord pipeline, CellCase what, ConfigAt config_at,
             std::string work_root, const CancelToken* cancel);

  /// Plans the cell at `commit` (untestable if the unikernel, the cell or
  /// the case is not there, or the configuration is invalid). A "build"
  /// case builds it (failed: the build failed); another case builds it once
  /// per commit (a failed build: untestable) and boots the case once
  /// (passed, failed with "<outcome>: <cause>", untestable when infra).
  CommitTest Test(const std::string& commit) override;

  /// The first case of the cell that does not pass at `commit`, as a job
  /// would find it: "build" when the build fails, else the first of "boot",
  /// "test:<name>"... that fails once. NotFound when every case passes;
  /// the plan's or an infra error otherwise. Sets the tester's case to it.
  Result<std::string> FindFailingCase(const std::string& commit);

 private:
  Result<JobPlan> PlanAt(const std::string& commit);
  // The image built at `commit` and its workspace (built once per commit).
  Result<std::pair<std::string, std::string>> ImageAt(const std::string& commit,
                                                      const JobPlan& plan);
  std::string Workspace(const std::string& commit, const std::string& what);

  const JobEnvironment& env_;
  PipelineRecord pipeline_;
  CellCase what_;
  ConfigAt config_at_;
  std::string work_root_;
  const CancelToken* cancel_;
  int workspaces_ = 0;
  std::map<std::string, Result<std::pair<std::string, std::string>>> images_;  // by commit
  std::unique_ptr<BootBackend> backend_;
};

/// The BootRequest of case `boot` of `plan`, whose image is `image`, run in
/// `workspace` (as the job executor boots it).
BootRequest CaseBootRequest(const BootCase& boot, const std::string& image,
                            const std::string& workspace, const std::string& instance_name);

}  // namespace cirun
