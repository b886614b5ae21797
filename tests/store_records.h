// Records for Store tests: a job, a pipeline, a claim, a benchmark sample
// and a query, with the fields every test fills the same way. Shared by the
// store contract tests (runner/store/store_*contract_test.cc) and the job pool's.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runner/store/store.h"

namespace cirun::testing {

inline JobInfo Job(const std::string& name, std::vector<std::string> labels = {"target:virtio"}) {
  JobInfo j;
  j.name = name;
  j.unikernel = name.substr(0, name.find(' '));
  j.cell_key = "target=virtio";
  j.cell_label = "virtio";
  j.target = "virtio";
  j.labels = std::move(labels);
  j.spec_json = "{}";
  return j;
}

inline PipelineInfo Pipeline(const std::string& delivery = "") {
  PipelineInfo p;
  p.repo = "/repo";
  p.repo_name = "repo";
  p.commit = std::string(40, 'a');
  p.ref = "HEAD";
  p.trigger = "local";
  p.delivery_id = delivery;
  return p;
}

inline ClaimRequest Worker(const std::string& name,
                           std::chrono::milliseconds lease = std::chrono::seconds(60)) {
  return {name, {"target:virtio", "target:unix"}, lease, std::nullopt};
}

inline SampleRecord Sample(const std::string& commit, const std::string& metric, double value,
                           const std::string& host = "h1") {
  SampleRecord r;
  r.repo = "/repo";
  r.unikernel = "bench";
  r.cell_key = "compiler=gcc,target=virtio";
  r.metric = metric;
  r.commit = commit;
  r.host = host;
  r.value = value;
  r.unit = "ms";
  r.source = "bench";
  return r;
}

inline SampleQuery Query(std::vector<std::string> commits = {}, std::string metric = "") {
  return {"/repo",          "bench", "compiler=gcc,target=virtio", "h1", std::move(commits),
          std::move(metric)};
}

}  // namespace cirun::testing
