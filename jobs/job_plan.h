// Planning: from a RepoConfig to the list of jobs one pipeline runs.
//
// A job is one (unikernel, matrix cell). Planning is pure: it expands the
// matrix, applies the selection, and expands ${variables} in every string.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "jobs/matrix.h"
#include "jobs/repo_config.h"
#include "jobs/variables.h"

namespace cirun {

/// The matrix axes with a meaning to ci-run: the toolchain and the target.
inline constexpr const char* kCompilerAxis = "compiler";
inline constexpr const char* kTargetAxis = "target";

/// Everything needed to run one job, with variables expanded.
struct JobPlan {
  std::string unikernel;      // unikernel name
  MatrixCell cell;            // its matrix cell
  std::string compiler;       // value of the `compiler` axis, "" if the cell has none
  std::string target;         // value of the `target` axis (always set)
  std::string path;           // directory inside the repository
  std::string build_command;  // shell command, run in `path`
  std::string image;          // image path relative to `path`
  std::chrono::milliseconds build_timeout{600'000};
  std::vector<BootCase> boots;     // boots[0] is the main boot, then the `tests:` cases
  std::optional<FuzzSpec> fuzz;    // copied from the unikernel
  std::optional<BenchSpec> bench;  // copied from the unikernel, args expanded
  FailurePolicy failures;          // copied from the configuration's top level

  /// "hello gcc/virtio": unique within a pipeline.
  std::string Name() const { return unikernel + " " + cell.Label(); }
};

/// Why the main boot's arguments cannot drive `what` ("fuzzing", "benchmarks")
/// for this plan, or "" when they can: a main boot that expects another
/// outcome than passed (`outcome: crashed`) does not bring the unikernel up.
std::string MainBootSkipReason(const JobPlan& plan, const std::string& what);

/// What to select from a configuration.
struct PlanOptions {
  std::vector<CellFilter> only;         // --only; empty: all cells
  std::vector<std::string> unikernels;  // --unikernel; empty: all unikernels
};

/// The variables available in a job's strings: every key of `cell` plus
/// `unikernel`.
Variables JobVariables(const std::string& unikernel, const MatrixCell& cell);

/// Plans every selected job of `config`, unikernels in file order, cells in
/// expansion order. Returns InvalidArgument if a named unikernel does not
/// exist, if the selection matches no job, if a cell lacks a `target` value,
/// or if a ${variable} cannot be expanded (message names the unikernel, the
/// cell and the string). Values substituted into `expect` and `fail` patterns
/// are regex-escaped: a variable stands for its literal text.
Result<std::vector<JobPlan>> PlanJobs(const RepoConfig& config, const PlanOptions& options);

}  // namespace cirun
