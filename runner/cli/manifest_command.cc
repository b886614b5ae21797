#include "runner/cli/manifest_command.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "runner/pipeline/job_manifest.h"

namespace cirun {

int RunManifest(const ManifestOptions& o) {
  auto opened = OpenStoreFromFlags(o.store);
  if (!opened.ok()) {
    fprintf(stderr, "ci-run manifest: %s\n", opened.status().message().c_str());
    return opened.status().code() == Status::Code::kUnavailable ? 1 : 2;
  }
  auto record = opened->store->GetManifest(o.job);
  if (!record.ok()) {
    fprintf(stderr, "ci-run manifest: %s\n", record.status().message().c_str());
    return 1;
  }
  if (!record->has_value()) {
    fprintf(stderr,
            "ci-run manifest: job %lld has no manifest (no such job, skipped, or not run yet; "
            "`ci-run status PIPELINE --json` lists its jobs' ids)\n",
            static_cast<long long>(o.job));
    return 2;
  }
  const ManifestRecord& r = **record;
  auto manifest = ManifestFromJson(r.manifest_json);
  if (!manifest.ok()) {
    fprintf(stderr, "ci-run manifest: job %lld: %s\n", static_cast<long long>(o.job),
            manifest.status().message().c_str());
    return 1;
  }
  if (o.json) {
    auto j = nlohmann::json::parse(ManifestToJson(*manifest));
    j["job"] = {{"id", r.job_id},     {"attempt", r.attempt},       {"pipeline", r.pipeline_id},
                {"name", r.job_name}, {"state", r.job_state},       {"unikernel", r.unikernel},
                {"cell", r.cell_key}, {"recorded_ms", r.created_ms}};
    printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  printf("Job %lld: %s (%s), pipeline %lld\n", static_cast<long long>(r.job_id), r.job_name.c_str(),
         r.job_state.c_str(), static_cast<long long>(r.pipeline_id));
  fputs(ManifestText(*manifest).c_str(), stdout);
  return 0;
}

void SetupManifestCommand(CLI::App* sub, int* exit_code) {
  auto o = std::make_shared<ManifestOptions>();
  sub->add_option("job", o->job, "job id (`ci-run status PIPELINE --json` lists them as jobs[].id)")
      ->required();
  AddStoreFlags(sub, &o->store);
  sub->add_flag("--json", o->json, "print the manifest as JSON");
  sub->callback([o, exit_code] { *exit_code = RunManifest(*o); });
}

}  // namespace cirun
