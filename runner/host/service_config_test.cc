#include "runner/host/service_config.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include "tests/scratch_dir.h"

namespace cirun {
namespace {

using testing::ScratchDir;

constexpr const char* kFull = R"(listen: 0.0.0.0:9090
database: postgresql://ci@db.example/ci
data-dir: data
cache-dir: /var/cache/ci-run
github:
  api: https://github.example/api/v3/
  token-env: CIRUN_TEST_TOKEN
  webhook-secret-file: secrets/webhook
  retry-delay: 100ms
  status-attempts: 3
repositories:
  mirage/mirage-skeleton:
    url: https://github.com/mirage/mirage-skeleton.git
    branches: [main, "release-*", next]
    nightly: false
  Example/Repo:
    url: repos/example
    pull-requests: false
worker:
  slots: 4
  labels: [target:virtio, toolchain:gcc]
  lease: 90s
  queue-timeout: 2h
  in-serve: false
  infra-retries: 1
  unhealthy-after: 5
  health-check: 30s
nightly:
  fuzz-boots: 2000
  fuzz-time: 10m
  bench: no
  history: no
  reproducible: no
targets:
  virtio: {machine: pc}
)";

TEST_CASE("ParseServiceConfig reads every section") {
  auto c = ParseServiceConfig(kFull, "svc.yml", "/etc/ci-run");
  REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  CHECK(c->listen_host == "0.0.0.0");
  CHECK(c->listen_port == 9090);
  CHECK(c->database == "postgresql://ci@db.example/ci");
  CHECK(c->data_dir == "/etc/ci-run/data");
  CHECK(c->cache_dir == "/var/cache/ci-run");
  CHECK(c->github_api == "https://github.example/api/v3");
  CHECK(c->github_token.env == "CIRUN_TEST_TOKEN");
  CHECK(c->github_token.where == "svc.yml:7:14");
  CHECK(c->webhook_secret.file == "/etc/ci-run/secrets/webhook");
  CHECK(c->status_retry_delay == std::chrono::milliseconds(100));
  CHECK(c->status_attempts == 3);
  REQUIRE(c->repositories.size() == 2);
  const RepositoryConfig& skeleton = c->repositories[0];
  CHECK(skeleton.name == "mirage/mirage-skeleton");
  CHECK(skeleton.Owner() == "mirage");
  CHECK(skeleton.Repo() == "mirage-skeleton");
  CHECK(skeleton.url == "https://github.com/mirage/mirage-skeleton.git");
  CHECK(skeleton.branches == std::vector<std::string>{"main", "release-*", "next"});
  CHECK(!skeleton.nightly);
  CHECK(skeleton.pull_requests);
  CHECK(c->repositories[1].url == "/etc/ci-run/repos/example");
  CHECK(!c->repositories[1].pull_requests);
  CHECK(c->repositories[1].nightly);
  CHECK(c->repositories[1].branches == std::vector<std::string>{"main"});
  CHECK(c->worker_slots == 4);
  CHECK(c->worker_labels == std::vector<std::string>{"target:virtio", "toolchain:gcc"});
  CHECK(c->lease == std::chrono::seconds(90));
  CHECK(c->queue_timeout == std::chrono::hours(2));
  CHECK(!c->serve_runs_jobs);
  CHECK(c->infra_retries == 1);
  CHECK(c->unhealthy_after == 5);
  CHECK(c->health_check == std::chrono::seconds(30));
  CHECK(!c->OneMachine());
  CHECK(c->nightly.fuzz_boots == 2000);
  CHECK(c->nightly.fuzz_time == std::chrono::minutes(10));
  CHECK(!c->nightly.bench);
  CHECK(!c->nightly.history);
  CHECK(!c->nightly.reproducible);
  REQUIRE(c->host.FindTarget("virtio"));
  CHECK(c->host.FindTarget("virtio")->qemu.machine == "pc");
  CHECK(c->host.FindToolchain("gcc"));  // the built-in defaults stay
}

TEST_CASE("ParseServiceConfig defaults: SQLite in the data directory, jobs in serve") {
  auto c = ParseServiceConfig("repositories: {a/b: {url: /srv/b.git}}\n", "svc.yml", "/srv/ci");
  REQUIRE(c.ok());
  CHECK(c->listen_host == "127.0.0.1");
  CHECK(c->listen_port == 8080);
  CHECK(c->data_dir == "/srv/ci/ci-run-data");
  CHECK(c->database == "sqlite:/srv/ci/ci-run-data/ci.db");
  CHECK(c->github_api == "https://api.github.com");
  CHECK(!c->github_token.configured());
  CHECK(c->serve_runs_jobs);
  CHECK(c->OneMachine());
  CHECK(c->worker_slots == 2);
  CHECK(c->lease == std::chrono::seconds(60));
  CHECK(c->queue_timeout == std::chrono::hours(24));
  CHECK(c->infra_retries == 2);
  CHECK(c->unhealthy_after == 3);
  CHECK(c->health_check == std::chrono::minutes(1));
  CHECK(!c->nightly.fuzz_boots);
  CHECK(!c->nightly.fuzz_time);
  CHECK(c->nightly.bench);
  CHECK(c->nightly.history);
  CHECK(c->nightly.reproducible);
  auto relative = ParseServiceConfig("database: state/ci.db\n", "svc.yml", "/srv/ci");
  CHECK(relative->database == "sqlite:/srv/ci/state/ci.db");
  auto shared = ParseServiceConfig("database: postgresql://h/ci\n", "svc.yml", "/srv/ci");
  CHECK(shared->serve_runs_jobs);
  CHECK(!shared->OneMachine());  // a worker elsewhere may have what this host lacks
  auto empty = ParseServiceConfig("", "svc.yml", "/srv/ci");
  CHECK(empty.ok());
}

TEST_CASE("ParseServiceConfig reads the web section") {
  auto c = ParseServiceConfig(
      "web:\n  public-url: https://ci.example.org/\n  token-env: CI_WEB\n  require-login: true\n",
      "svc.yml", "/srv/ci");
  REQUIRE(c.ok());
  CHECK(c->web.public_url == "https://ci.example.org");
  CHECK(c->web.token.env == "CI_WEB");
  CHECK(c->web.require_login);
  auto none = ParseServiceConfig("", "svc.yml", "/srv/ci");
  CHECK(none->web.public_url.empty());
  CHECK(!none->web.token.configured());
  CHECK(!none->web.require_login);
  auto bad = ParseServiceConfig("web:\n  public-url: ci.example.org\n  colour: red\n", "svc.yml",
                                "/srv/ci");
  REQUIRE(!bad.ok());
  CHECK(bad.status().message().find("svc.yml:2:") != std::string::npos);
  CHECK(bad.status().message().find("colour") != std::string::npos);
}

TEST_CASE("ParseServiceConfig reports every error with file, line and column") {
  auto c = ParseServiceConfig(R"(listen: nowhere
github:
  token-file: /t
  token-env: T
  api: ftp://x
repositories:
  not-a-github-name: {url: x}
  a/b: {branches: [refs/heads/main]}
  c/d: {url: x, nightlly: true}
worker: {slots: 0, lease: 10ms, queue-timeout: a day}
databse: x
nightly: {fuzz-boots: 0, histroy: true}
)",
                              "svc.yml", "/");
  REQUIRE(!c.ok());
  const std::string m = c.status().message();
  CHECK(m.find("svc.yml:1:9: \"listen\": expected HOST:PORT") != std::string::npos);
  CHECK(m.find("svc.yml:3:3: give either \"token-file\" or \"token-env\", not both") !=
        std::string::npos);
  CHECK(m.find("svc.yml:5:8: \"api\": expected an http:// or https:// URL") != std::string::npos);
  CHECK(m.find("svc.yml:7:3: repository \"not-a-github-name\": expected a GitHub name") !=
        std::string::npos);
  CHECK(m.find("svc.yml:8:20: \"branches\": expected branch names") != std::string::npos);
  CHECK(m.find("svc.yml:8:8: missing required key \"url\" in repository \"a/b\"") !=
        std::string::npos);
  CHECK(m.find("svc.yml:9:17: unknown key \"nightlly\" in repository \"c/d\" (did you mean "
               "\"nightly\"?)") != std::string::npos);
  CHECK(m.find("svc.yml:10:17: \"slots\": expected an integer from 1 to 256") != std::string::npos);
  CHECK(m.find("svc.yml:10:27: \"lease\": expected a lease of at least 1s") != std::string::npos);
  CHECK(m.find("svc.yml:10:48: \"queue-timeout\": expected a duration") != std::string::npos);
  CHECK(m.find("svc.yml:11:1: unknown key \"databse\" at the top level (did you mean "
               "\"database\"?)") != std::string::npos);
  CHECK(m.find("svc.yml:12:23: \"fuzz-boots\": expected an integer from 1") != std::string::npos);
  CHECK(m.find("svc.yml:12:26: unknown key \"histroy\" in nightly (did you mean \"history\"?)") !=
        std::string::npos);
}

TEST_CASE("ParseServiceConfig reads who is trusted, per repository or as the default") {
  auto c = ParseServiceConfig(R"(repositories:
  a/default: {url: /a}
  a/own:
    url: /b
    trusted: [collaborators, users: [alice, "dependabot[bot]"]]
  a/open: {url: /c, trusted: [everyone]}
  a/closed: {url: /d, trusted: []}
trusted: [owners, contributors]
)",
                              "svc.yml", "/");
  REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  CHECK(c->trusted.associations == std::vector<std::string>{"OWNER", "CONTRIBUTOR"});
  const TrustPolicy& by_default = c->FindRepository("a/default")->trusted;
  CHECK(by_default.associations == std::vector<std::string>{"OWNER", "CONTRIBUTOR"});
  const TrustPolicy& own = c->FindRepository("a/own")->trusted;
  CHECK(own.associations == std::vector<std::string>{"COLLABORATOR"});
  CHECK(own.users == std::vector<std::string>{"alice", "dependabot[bot]"});
  CHECK(own.Trusts("NONE", "alice"));
  CHECK(!own.Trusts("OWNER", "bob"));  // the repository's list replaces the default
  CHECK(c->FindRepository("a/open")->trusted.Trusts("NONE", "mallory"));
  CHECK(!c->FindRepository("a/closed")->trusted.Trusts("OWNER", "alice"));
  // Without `trusted:` anywhere: owners, members and collaborators.
  auto plain = ParseServiceConfig("repositories: {a/b: {url: /b}}\n", "svc.yml", "/");
  REQUIRE(plain.ok());
  CHECK(plain->repositories[0].trusted.Describe() == "owners, members, collaborators");
}

TEST_CASE("ParseServiceConfig reports a wrong trusted: list with file, line and column") {
  auto c = ParseServiceConfig(R"(trusted: [colaborators, users: alice]
repositories:
  a/b:
    url: /b
    trusted: collaborators
  c/d: {url: /d, trusted: [{user: [x]}, users: ["not a login"], [owners]]}
)",
                              "svc.yml", "/");
  REQUIRE(!c.ok());
  const std::string m = c.status().message();
  CHECK(m.find("svc.yml:1:11: \"trusted\": unknown role \"colaborators\" (did you mean "
               "\"collaborators\"?); expected owners, members, collaborators, contributors, "
               "everyone or users: [LOGIN, ...]") != std::string::npos);
  CHECK(m.find("svc.yml:1:32: \"users\": expected a list of strings") != std::string::npos);
  CHECK(m.find("svc.yml:5:14: \"trusted\": expected a list of owners, members") !=
        std::string::npos);
  CHECK(m.find("svc.yml:6:29: unknown key \"user\" in \"trusted\" (did you mean \"users\"?)") !=
        std::string::npos);
  CHECK(m.find("svc.yml:6:49: \"users\": \"not a login\" is not a GitHub login") !=
        std::string::npos);
  CHECK(m.find("svc.yml:6:65: \"trusted\": expected owners, members") != std::string::npos);
}

TEST_CASE("ParseServiceConfig reports YAML syntax and host-section errors") {
  auto syntax = ParseServiceConfig("listen: [1\n", "svc.yml", "/");
  REQUIRE(!syntax.ok());
  CHECK(syntax.status().message().starts_with("svc.yml:2:1: "));
  auto host = ParseServiceConfig("targets:\n  virtio: {acel: kvm}\n", "svc.yml", "/");
  REQUIRE(!host.ok());
  CHECK(host.status().message().starts_with("svc.yml:2:12: unknown key \"acel\" in target"));
}

TEST_CASE("ReadSecret reads files and environment variables without revealing them") {
  ScratchDir dir;
  dir.Write("secret", "s3cret\n");
  CHECK(*ReadSecret({dir / "secret", "", "svc.yml:3:3"}, "webhook secret") == "s3cret");
  auto missing = ReadSecret({dir / "nope", "", "svc.yml:3:3"}, "webhook secret");
  CHECK(missing.status().code() == Status::Code::kNotFound);
  CHECK(missing.status().message().find("svc.yml:3:3") != std::string::npos);
  setenv("CIRUN_TEST_SECRET", "from-env", 1);
  CHECK(*ReadSecret({"", "CIRUN_TEST_SECRET", "x"}, "token") == "from-env");
  unsetenv("CIRUN_TEST_SECRET");
  CHECK(ReadSecret({"", "CIRUN_TEST_SECRET", "x"}, "token").status().message() ==
        "token: environment variable CIRUN_TEST_SECRET is not set (x)");
  dir.Write("empty", "\n");
  CHECK(ReadSecret({dir / "empty", "", "x"}, "token").status().code() ==
        Status::Code::kInvalidArgument);
}

TEST_CASE("Repositories are found case-insensitively and filter branches") {
  auto c = ParseServiceConfig(
      "repositories:\n  Mirage/Skeleton: {url: u, branches: [main, dev]}\n  a/all: {url: u, "
      "branches: ['*']}\n",
      "svc.yml", "/");
  REQUIRE(c.ok());
  const RepositoryConfig* r = c->FindRepository("mirage/skeleton");
  REQUIRE(r);
  CHECK(r->WantsBranch("main"));
  CHECK(r->WantsBranch("dev"));
  CHECK(!r->WantsBranch("feature"));
  CHECK(c->FindRepository("a/all")->WantsBranch("anything"));
  CHECK(!c->FindRepository("other/repo"));
}

}  // namespace
}  // namespace cirun
