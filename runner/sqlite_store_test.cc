#include "runner/sqlite_store.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "tests/scratch_dir.h"

namespace cirun {
namespace {

using testing::ScratchDir;

JobInfo Job(const std::string& name, std::vector<std::string> labels = {"target:virtio"}) {
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

PipelineInfo Pipeline(const std::string& delivery = "") {
  PipelineInfo p;
  p.repo = "/repo";
  p.repo_name = "repo";
  p.commit = std::string(40, 'a');
  p.ref = "HEAD";
  p.trigger = "local";
  p.delivery_id = delivery;
  return p;
}

// The Store contract itself is tested against SQLite and PostgreSQL alike in
// store_contract_test.cc; this file holds what is particular to SQLite.

TEST_CASE("SqliteStore creates its database file and directory") {
  ScratchDir dir;
  auto store = OpenSqliteStore(dir / "db/ci.db");
  REQUIRE(store.ok());
  auto id = (*store)->CreatePipeline(Pipeline(), {Job("hello a")});
  REQUIRE(id.ok());
  CHECK(std::filesystem::exists(dir / "db/ci.db"));
  CHECK((*OpenStore("sqlite:" + (dir / "db/ci.db")))->ListJobs(*id)->size() == 1);
}

TEST_CASE("OpenStore rejects unknown URL schemes") {
  CHECK(OpenStore("mysql://x").status().code() == Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace cirun
