// A pipeline report's manifests: each job's manifest read back from the
// store, and for a red cell whose sources a green run already built, what
// changed in its environment since.
#pragma once

#include <optional>
#include <string>

#include "runner/pipeline/pipeline_report.h"
#include "runner/store/store.h"

namespace cirun {

/// For a failed job whose manifest is `manifest`: the newest earlier passed
/// job of the same repository, unikernel and cell built from the same
/// source tree, and what differs in their environments: "same source as
/// pipeline 41 (green); environment changed: lwt 5.6.1 -> 5.7.0", or "...;
/// environment unchanged". "" when there is no such job (or the store keeps
/// no manifests).
std::string EnvironmentNote(Store& store, const ManifestRecord& manifest);

/// Fills each job's manifest_json (Store::GetManifest) and, for failed jobs,
/// its environment_note. Jobs without a manifest keep both empty; a store
/// without manifests leaves the report as it is.
void AttachManifests(Store& store, PipelineReport* report);

}  // namespace cirun
