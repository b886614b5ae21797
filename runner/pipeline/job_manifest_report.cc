#include "runner/pipeline/job_manifest_report.h"

#include "runner/pipeline/env_diff.h"
#include "runner/pipeline/job_manifest.h"

namespace cirun {

std::string EnvironmentNote(Store& store, const ManifestRecord& manifest) {
  if (manifest.source_tree.empty()) return "";
  ManifestQuery same_source;
  same_source.repo = manifest.repo;
  same_source.unikernel = manifest.unikernel;
  same_source.cell_key = manifest.cell_key;
  same_source.source_tree = manifest.source_tree;
  same_source.before_pipeline = manifest.pipeline_id;
  same_source.limit = 50;
  auto earlier = store.FindManifests(same_source);
  if (!earlier.ok()) return "";
  for (const ManifestRecord& green : *earlier) {
    if (green.job_state != "passed") continue;
    auto a = ManifestFromJson(green.manifest_json);
    auto b = ManifestFromJson(manifest.manifest_json);
    if (!a.ok() || !b.ok()) return "";
    std::string change = EnvironmentChangeLine(DiffManifests(*a, *b));
    return "same source as pipeline " + std::to_string(green.pipeline_id) + " (green); " +
           (change.empty() ? "environment unchanged" : change);
  }
  return "";
}

void AttachManifests(Store& store, PipelineReport* report) {
  for (JobReport& j : report->jobs) {
    auto manifest = store.GetManifest(j.job.id);
    if (!manifest.ok()) return;  // a store without manifests
    if (!manifest->has_value()) continue;
    j.manifest_json = (*manifest)->manifest_json;
    if (j.job.state == JobState::kFailed) j.environment_note = EnvironmentNote(store, **manifest);
  }
}

}  // namespace cirun
