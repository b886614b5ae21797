// One-line commands that reproduce a result, printed with every failure.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "jobs/repo_config.h"
#include "runner/store.h"

namespace cirun {

/// `ci-run local REPO [--rev COMMIT] --unikernel U --only CELL`: reruns one
/// job of a pipeline (the work tree as it is for a dirty pipeline).
std::string JobReproducer(const std::string& self, const PipelineRecord& pipeline,
                          const JobRecord& job);

/// `ci-run fuzz REPO [--rev COMMIT] --unikernel U --only CELL --boots N
/// [--seconds S] --seed SEED`: a job's fuzz campaign again, on its own.
std::string FuzzReproducer(const std::string& self, const PipelineRecord& pipeline,
                           const JobRecord& job, int boots, std::chrono::milliseconds time,
                           uint64_t seed);

/// `ci-run boot IMAGE --target T [--expect RE]... [--fail RE]... [--exit N]...
/// --timeout S -- ARGS...`: boots one built image again, judged the same way.
/// With boot.raw_command_line, `--cmdline=RAW` instead of `-- ARGS` (bash
/// $'...' quoting when RAW has bytes outside printable ASCII).
std::string BootReproducer(const std::string& self, const std::string& image,
                           const std::string& target, const BootCase& boot);

/// JobReproducer plus `--cmdline=LINE`: rebuilds the job's cell (from the
/// build cache when it can) and boots it with the guest command line LINE in
/// place of the main boot's arguments, judged as the main boot. Works after
/// the job's workspace is gone.
std::string CommandLineReproducer(const std::string& self, const PipelineRecord& pipeline,
                                  const JobRecord& job, const std::string& command_line);

}  // namespace cirun
