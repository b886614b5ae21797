// One-line commands that reproduce a result, printed with every failure.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "jobs/job_plan.h"
#include "jobs/repo_config.h"
#include "runner/pipeline/run_flags.h"
#include "runner/store/store.h"

namespace cirun {

/// `ci-run local REPO [--rev COMMIT] --unikernel U --only CELL [FLAGS...]`:
/// reruns one job of a pipeline (the work tree as it is for a dirty
/// pipeline). `flags` are the run's own settings a rerun needs too
/// (ReproducerFlags, run_flags.h: `--config`, `--host-config`, `--db`,
/// `--cache-dir`); each is bash-quoted (ShellQuoteBytes).
std::string JobReproducer(const std::string& self, const PipelineRecord& pipeline,
                          const JobRecord& job, const std::vector<std::string>& flags = {});

/// `ci-run fuzz REPO [--rev COMMIT] --unikernel U --only CELL --boots N
/// [--seconds S] --seed SEED`: a job's fuzz campaign again, on its own.
std::string FuzzReproducer(const std::string& self, const PipelineRecord& pipeline,
                           const JobRecord& job, int boots, std::chrono::milliseconds time,
                           uint64_t seed, const std::vector<std::string>& flags = {});

/// `ci-run boot IMAGE --target T [--host-config FILE] [--expect RE]...
/// [--fail RE]... [--exit N]... --timeout S -- ARGS...`: boots one built image
/// again, judged the same way. `--host-config` is repeated from the run's
/// `flags` (ReproducerFlags): what T means is a host setting. With
/// boot.raw_command_line, `--cmdline=RAW` instead of `-- ARGS` (bash $'...'
/// quoting when RAW has bytes outside printable ASCII).
std::string BootReproducer(const std::string& self, const std::string& image,
                           const std::string& target, const BootCase& boot,
                           const std::vector<std::string>& flags = {});

/// JobReproducer plus `--cmdline=LINE`: rebuilds the job's cell (from the
/// build cache when it can) and boots it with the guest command line LINE in
/// place of the main boot's arguments, judged as the main boot. Works after
/// the job's workspace is gone.
/// A job whose main boot ran with a raw command line (`local --cmdline`) is
/// reproduced this way too (JobPlanReproducer), or the rerun would boot
/// with the configured arguments and pass.
std::string CommandLineReproducer(const std::string& self, const PipelineRecord& pipeline,
                                  const JobRecord& job, const std::string& command_line,
                                  const std::vector<std::string>& flags = {});

/// The reproducer of a job that ran `plan`: CommandLineReproducer when its
/// main boot had a raw command line, else JobReproducer.
std::string JobPlanReproducer(const std::string& self, const PipelineRecord& pipeline,
                              const JobRecord& job, const JobPlan& plan,
                              const std::vector<std::string>& flags = {});

}  // namespace cirun
