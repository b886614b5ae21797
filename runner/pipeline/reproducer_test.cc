// One-line reproducers: jobs, boots, command lines and fuzz campaigns.
#include "runner/pipeline/reproducer.h"

#include <doctest/doctest.h>

#include <filesystem>

namespace cirun {
namespace {

PipelineRecord Pipeline() {
  PipelineRecord p;
  p.repo = "/src/my repo";
  p.commit = "f228877c0670aaaabbbbccccddddeeeeffff0000";
  return p;
}

JobRecord Job() {
  JobRecord j;
  j.unikernel = "bootvars";
  j.cell_key = "compiler=gcc,target=virtio";
  return j;
}

TEST_CASE("CommandLineReproducer: the job's local run with --cmdline, bash-quoted") {
  CHECK(CommandLineReproducer("ci-run", Pipeline(), Job(), "--port=0") ==
        "ci-run local '/src/my repo' --rev f228877c0670 --unikernel bootvars "
        "--only compiler=gcc,target=virtio --cmdline=--port=0");
  CHECK(CommandLineReproducer("ci-run", Pipeline(), Job(), "--name=a b\xff")
            .ends_with(" $'--cmdline=--name=a b\\xff'"));
}

TEST_CASE("FuzzReproducer: ci-run fuzz of the job's cell with its budget and seed") {
  CHECK(FuzzReproducer("ci-run", Pipeline(), Job(), 40, std::chrono::milliseconds(2500), 7) ==
        "ci-run fuzz '/src/my repo' --rev f228877c0670 --unikernel bootvars "
        "--only compiler=gcc,target=virtio --boots 40 --seconds 3 --seed 7");
  PipelineRecord dirty = Pipeline();
  dirty.dirty = true;
  dirty.worktree = "/work/tree";
  CHECK(FuzzReproducer("ci-run", dirty, Job(), 5, {}, 1) ==
        "ci-run fuzz /work/tree --unikernel bootvars --only compiler=gcc,target=virtio "
        "--boots 5 --seed 1");
}

TEST_CASE("Reproducers repeat the run's --config and --host-config") {
  // A preset name stays as given; files are made absolute, since a
  // reproducer is run from anywhere.
  const std::vector<std::string> preset = ReproducerFlags(RunFlags{.config = "mirage-4"});
  CHECK(preset == std::vector<std::string>{"--config", "mirage-4"});
  const std::string here = std::filesystem::current_path().string();
  const std::vector<std::string> files = ReproducerFlags(RunFlags{.host_config = "host.yml"});
  CHECK(files == std::vector<std::string>{"--host-config", here + "/host.yml"});
  CHECK(ReproducerFlags(RunFlags{}).empty());
  CHECK(JobReproducer("ci-run", Pipeline(), Job(), preset) ==
        "ci-run local '/src/my repo' --rev f228877c0670 --unikernel bootvars "
        "--only compiler=gcc,target=virtio --config mirage-4");
  CHECK(FuzzReproducer("ci-run", Pipeline(), Job(), 4, {}, 9, preset) ==
        "ci-run fuzz '/src/my repo' --rev f228877c0670 --unikernel bootvars "
        "--only compiler=gcc,target=virtio --config mirage-4 --boots 4 --seed 9");
  CHECK(CommandLineReproducer("ci-run", Pipeline(), Job(), "--port=0", preset)
            .ends_with(" --config mirage-4 --cmdline=--port=0"));
}

TEST_CASE("Reproducers repeat a non-default store and cache, not the workspaces or --plain") {
  // Without --db and --cache-dir a rerun would build into ~/.cache/ci-run
  // and record into a second database.
  const std::string here = std::filesystem::current_path().string();
  RunFlags flags;
  flags.db = "runs.db";
  flags.cache_dir = "/tmp/cache";
  flags.work_dir = "/tmp/work";
  flags.plain = true;
  CHECK(ReproducerFlags(flags) ==
        std::vector<std::string>{"--db", here + "/runs.db", "--cache-dir", "/tmp/cache"});
  flags.db = "postgresql://ci@db/ci";
  CHECK(ReproducerFlags(flags)[1] == "postgresql://ci@db/ci");
}

TEST_CASE("JobPlanReproducer: a job run with --cmdline is reproduced with it") {
  JobPlan plan;
  plan.boots.resize(1);
  const std::vector<std::string> flags = {"--db", "/r/ci.db"};
  CHECK(JobPlanReproducer("ci-run", Pipeline(), Job(), plan, flags) ==
        "ci-run local '/src/my repo' --rev f228877c0670 --unikernel bootvars "
        "--only compiler=gcc,target=virtio --db /r/ci.db");
  plan.boots[0].raw_command_line = "--name=a b";
  CHECK(JobPlanReproducer("ci-run", Pipeline(), Job(), plan, flags) ==
        "ci-run local '/src/my repo' --rev f228877c0670 --unikernel bootvars "
        "--only compiler=gcc,target=virtio --db /r/ci.db '--cmdline=--name=a b'");
}

TEST_CASE("BootReproducer: --cmdline instead of -- ARGS for a raw command line") {
  BootCase boot;
  boot.args = {"--name=ci"};
  boot.expect = {"^SUCCESS$"};
  boot.timeout = std::chrono::seconds(20);
  CHECK(BootReproducer("ci-run", "/w/b.virtio", "virtio", boot) ==
        "ci-run boot /w/b.virtio --target virtio --expect '^SUCCESS$' --exit 0 --timeout 20s "
        "-- --name=ci");
  boot.raw_command_line = "--port=0 \"a b\"";
  CHECK(BootReproducer("ci-run", "/w/b.virtio", "virtio", boot) ==
        "ci-run boot /w/b.virtio --target virtio --expect '^SUCCESS$' --exit 0 --timeout 20s "
        "'--cmdline=--port=0 \"a b\"'");
}

TEST_CASE("BootReproducer: a negative test's expected outcome goes along") {
  BootCase boot;
  boot.name = "bad-config";
  boot.args = {"--port=x"};
  boot.outcome = "crashed";
  CHECK(BootReproducer("ci-run", "/w/b.spt", "spt", boot) ==
        "ci-run boot /w/b.spt --target spt --exit 0 --timeout 20s --outcome crashed -- --port=x");
}

}  // namespace
}  // namespace cirun
