#include "runner/cli/env_diff_command.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <variant>

#include "runner/pipeline/env_diff.h"
#include "runner/pipeline/job_manifest.h"

namespace cirun {
namespace {

struct Side {
  ManifestRecord record;
  JobManifest manifest;
};

// The manifest of `job`, or the exit code after saying why not.
std::variant<Side, int> Load(Store& store, int64_t job) {
  auto record = store.GetManifest(job);
  if (!record.ok()) {
    fprintf(stderr, "ci-run env-diff: %s\n", record.status().message().c_str());
    return 2;
  }
  if (!record->has_value()) {
    fprintf(stderr,
            "ci-run env-diff: job %lld has no manifest (no such job, skipped, or not run yet)\n",
            static_cast<long long>(job));
    return 2;
  }
  auto manifest = ManifestFromJson((*record)->manifest_json);
  if (!manifest.ok()) {
    fprintf(stderr, "ci-run env-diff: job %lld: %s\n", static_cast<long long>(job),
            manifest.status().message().c_str());
    return 2;
  }
  return Side{**record, *manifest};
}

std::string Describe(const ManifestRecord& r) {
  return "job " + std::to_string(r.job_id) + " (" + r.job_name + ", pipeline " +
         std::to_string(r.pipeline_id) + ", " + r.job_state + ")";
}

nlohmann::json JobJson(const ManifestRecord& r) {
  return {{"id", r.job_id},
          {"pipeline", r.pipeline_id},
          {"name", r.job_name},
          {"state", r.job_state},
          {"commit", r.commit}};
}

}  // namespace

int RunEnvDiff(const EnvDiffOptions& o) {
  auto opened = OpenStoreFromFlags(o.store);
  if (!opened.ok()) {
    fprintf(stderr, "ci-run env-diff: %s\n", opened.status().message().c_str());
    return 2;
  }
  auto a = Load(*opened->store, o.job_a);
  if (std::holds_alternative<int>(a)) return std::get<int>(a);
  auto b = Load(*opened->store, o.job_b);
  if (std::holds_alternative<int>(b)) return std::get<int>(b);
  const Side& before = std::get<Side>(a);
  const Side& after = std::get<Side>(b);
  const std::vector<EnvChange> changes = DiffManifests(before.manifest, after.manifest);
  if (o.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const EnvChange& c : changes)
      list.push_back({{"entry", c.entry},
                      {"before", c.before},
                      {"after", c.after},
                      {"environment", IsEnvironmentEntry(c.entry) && !IsUnreachedStep(c)}});
    nlohmann::json out = {
        {"a", JobJson(before.record)}, {"b", JobJson(after.record)}, {"changes", list}};
    printf("%s\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    printf("%s -> %s\n", Describe(before.record).c_str(), Describe(after.record).c_str());
    fputs(EnvDiffText(changes).c_str(), stdout);
  }
  return changes.empty() ? 0 : 1;
}

void SetupEnvDiffCommand(CLI::App* sub, int* exit_code) {
  auto o = std::make_shared<EnvDiffOptions>();
  sub->add_option("job_a", o->job_a, "the first job's id (e.g. the green one)")->required();
  sub->add_option("job_b", o->job_b, "the second job's id (e.g. the red one)")->required();
  AddStoreFlags(sub, &o->store);
  sub->add_flag("--json", o->json, "print the differences as JSON");
  sub->callback([o, exit_code] { *exit_code = RunEnvDiff(*o); });
}

}  // namespace cirun
