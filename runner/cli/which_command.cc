#include "runner/cli/which_command.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "runner/pipeline/image_lookup.h"
#include "runner/pipeline/job_manifest.h"

namespace cirun {

int RunWhich(const WhichOptions& o) {
  auto hash = ImageHashToFind(o.image);
  if (!hash.ok()) {
    fprintf(stderr, "ci-run which: %s\n", hash.status().message().c_str());
    return 2;
  }
  auto opened = OpenStoreFromFlags(o.store);
  if (!opened.ok()) {
    fprintf(stderr, "ci-run which: %s\n", opened.status().message().c_str());
    return opened.status().code() == Status::Code::kUnavailable ? 1 : 2;
  }
  auto builds = FindImageBuilds(*opened->store, *hash, o.limit);
  if (!builds.ok()) {
    fprintf(stderr, "ci-run which: %s\n", builds.status().message().c_str());
    return 1;
  }
  if (o.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const ManifestRecord& r : *builds) {
      auto manifest = nlohmann::json::parse(r.manifest_json, nullptr, false);
      list.push_back({{"job", r.job_id},
                      {"pipeline", r.pipeline_id},
                      {"name", r.job_name},
                      {"state", r.job_state},
                      {"repo", r.repo},
                      {"commit", r.commit},
                      {"cell", r.cell_key},
                      {"image_sha256", r.image_sha256},
                      {"image_size", r.image_size},
                      {"manifest", manifest.is_discarded() ? nlohmann::json() : manifest}});
    }
    printf("%s\n", list.dump(2).c_str());
    return builds->empty() ? 1 : 0;
  }
  if (builds->empty()) {
    printf("no job in the store built an image with SHA-256 %s\n", hash->c_str());
    return 1;
  }
  printf("SHA-256 %s was built by %zu job%s (newest first):\n", (*builds)[0].image_sha256.c_str(),
         builds->size(), builds->size() == 1 ? "" : "s");
  for (const ManifestRecord& r : *builds) {
    auto m = ManifestFromJson(r.manifest_json);
    printf("  job %lld: %s (%s), pipeline %lld, %lld bytes\n", static_cast<long long>(r.job_id),
           r.job_name.c_str(), r.job_state.c_str(), static_cast<long long>(r.pipeline_id),
           static_cast<long long>(r.image_size));
    printf("    commit   %s of %s\n", r.commit.c_str(), r.repo.c_str());
    printf("    cell     %s\n", r.cell_key.c_str());
    if (m.ok()) {
      printf("    sources  %s\n", m->source_tree.c_str());
      printf("    toolchain %s%s%s\n", m->toolchain.c_str(),
             m->toolchain_identity.empty() ? "" : ": ", m->toolchain_identity.c_str());
      printf("    image    %s\n", m->image.c_str());
    }
    printf("    environment: ci-run manifest %lld\n", static_cast<long long>(r.job_id));
  }
  return 0;
}

void SetupWhichCommand(CLI::App* sub, int* exit_code) {
  auto o = std::make_shared<WhichOptions>();
  sub->add_option("image", o->image, "an image file, or its SHA-256 (8 or more hex digits)")
      ->required();
  AddStoreFlags(sub, &o->store);
  sub->add_option("-n,--limit", o->limit, "jobs listed (default 10)");
  sub->add_flag("--json", o->json, "print the jobs as JSON");
  sub->callback([o, exit_code] { *exit_code = RunWhich(*o); });
}

}  // namespace cirun
