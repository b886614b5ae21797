#include "runner/perf/culprit_search.h"

#include <doctest/doctest.h>

#include "runner/pipeline/job_executor.h"

namespace cirun {
namespace {

ClaimedJob Claimed(const std::string& trigger) {
  ClaimedJob c;
  c.pipeline.id = 7;
  c.pipeline.repo = "file:///srv/repo";
  c.pipeline.trigger = trigger;
  c.pipeline.commit = "0123456789abcdef0123456789abcdef01234567";
  c.job.id = 42;
  return c;
}

}  // namespace

TEST_CASE("SearchesCulprits: trusted push and nightly pipelines of a commit") {
  CHECK(SearchesCulprits(Claimed("push").pipeline));
  CHECK(SearchesCulprits(Claimed("nightly").pipeline));
  // A local run bisects after its pipeline; a pull request or a rebuild does not search.
  CHECK_FALSE(SearchesCulprits(Claimed("local").pipeline));
  CHECK_FALSE(SearchesCulprits(Claimed("pull_request").pipeline));
  CHECK_FALSE(SearchesCulprits(Claimed("rebuild").pipeline));
  ClaimedJob untrusted = Claimed("push");
  untrusted.pipeline.untrusted = true;
  CHECK_FALSE(SearchesCulprits(untrusted.pipeline));
  ClaimedJob no_commit = Claimed("push");
  no_commit.pipeline.commit = "main";
  CHECK_FALSE(SearchesCulprits(no_commit.pipeline));
}

TEST_CASE("CulpritSearchArgv: ci-run bisect of the job, against the service's state") {
  JobEnvironment env;
  env.store_url = "postgresql://ci@127.0.0.1/ci";
  env.cache_dir = "/var/cache/ci-run";
  env.service_config_file = "/etc/ci-run/service.yml";
  env.host_config_file = "/etc/ci-run/host.yml";  // the service's configuration wins
  CHECK(CulpritSearchArgv("/usr/bin/ci-run", env, Claimed("push"), "/w/j42-bisect") ==
        std::vector<std::string>{"/usr/bin/ci-run", "bisect", "file:///srv/repo", "--pipeline", "7",
                                 "--job", "42", "--work-dir", "/w/j42-bisect", "--plain", "--db",
                                 "postgresql://ci@127.0.0.1/ci", "--cache-dir", "/var/cache/ci-run",
                                 "--service-config", "/etc/ci-run/service.yml"});
  JobEnvironment local;
  local.host_config_file = "/etc/ci-run/host.yml";
  CHECK(CulpritSearchArgv("ci-run", local, Claimed("push"), "/w") ==
        std::vector<std::string>{"ci-run", "bisect", "file:///srv/repo", "--pipeline", "7", "--job",
                                 "42", "--work-dir", "/w", "--plain", "--host-config",
                                 "/etc/ci-run/host.yml"});
}

TEST_CASE("SearchCulprit: nothing for a pipeline that does not search") {
  JobEnvironment env;
  CHECK_FALSE(SearchCulprit(env, Claimed("pull_request"), "/nonexistent", nullptr).has_value());
}

}  // namespace cirun
