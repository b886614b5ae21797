// One-line commands that reproduce a result, printed with every failure.
#pragma once

#include <string>

#include "jobs/repo_config.h"
#include "runner/store.h"

namespace cirun {

/// `ci-run local REPO [--rev COMMIT] --unikernel U --only CELL`: reruns one
/// job of a pipeline (the work tree as it is for a dirty pipeline).
std::string JobReproducer(const std::string& self, const PipelineRecord& pipeline,
                          const JobRecord& job);

/// `ci-run boot IMAGE --target T [--expect RE]... [--fail RE]... [--exit N]...
/// --timeout S -- ARGS...`: boots one built image again, judged the same way.
std::string BootReproducer(const std::string& self, const std::string& image,
                           const std::string& target, const BootCase& boot);

}  // namespace cirun
