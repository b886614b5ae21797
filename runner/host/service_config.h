// ServiceConfig: the YAML file shared by `ci-run serve`, `worker`, `nightly`,
// `status` and `rebuild` (one file, copied to every machine):
//
//   listen: 0.0.0.0:8080                 # serve's HTTP port (webhook, /metrics, /healthz)
//   database: postgresql://ci@db/ci      # or a SQLite path (default: DATA-DIR/ci.db)
//   data-dir: /var/lib/ci-run            # SQLite file, job workspaces
//   cache-dir: /var/cache/ci-run         # git mirrors, build cache
//   github:
//     api: https://api.github.com        # GitHub Enterprise: https://HOST/api/v3
//     token-file: /etc/ci-run/token      # or token-env: GITHUB_TOKEN (statuses)
//     webhook-secret-file: /etc/ci-run/webhook-secret   # or webhook-secret-env: NAME
//   repositories:
//     mirage/mirage-skeleton:
//       url: https://github.com/mirage/mirage-skeleton.git
//       branches: [main]                 # pushes to these run pipelines ("*": every branch)
//       pull-requests: true              # opened, synchronize, reopened
//       nightly: true                    # `ci-run nightly` queues this repository
//       trusted: [collaborators, users: [alice]]   # this repository's (default: the top level's)
//   trusted: [owners, members, collaborators]       # whose pull requests run at once (below)
//   worker:
//     slots: 2                           # jobs run at once by one worker (or serve)
//     labels: [target:virtio, toolchain:gcc]   # default: probed on the host
//     lease: 60s                         # a dead worker's job is re-queued after this
//     queue-timeout: 24h                 # a job no worker claimed by then ends "infra" (0: never)
//     in-serve: true                     # serve runs jobs itself (false: only `ci-run worker`s do)
//     infra-retries: 2                   # an infra job goes to another worker this many times
//     unhealthy-after: 3                 # infra jobs in a row that stop a worker (0: never)
//     health-check: 1m                   # an unhealthy worker's health boot period
//   nightly: {fuzz-boots: 2000, fuzz-time: 10m, bench: true}   # nightly pipelines' steps
//   web:                                 # the dashboard on serve's port (docs/dashboard.md)
//     public-url: https://ci.example.org # commit statuses link to its pages (default: no link)
//     token-file: /etc/ci-run/web-token  # or token-env: NAME; rebuild/cancel need it
//     require-login: false               # true: reading the pages needs the token too
//   toolchains: {...}                    # as in --host-config (host_config.h)
//   targets: {...}
//
// `trusted:` (top level: every repository's default; under a repository:
// its own, replacing the default) lists who may run a pull request's code
// without an approval, and approve the others with a `/ci-run approve`
// comment: roles by GitHub's author_association (owners, members,
// collaborators, contributors), `users: [LOGIN, ...]`, or `everyone` (no
// approvals). Default: [owners, members, collaborators]. `[]`: only
// `ci-run approve PIPELINE` releases pull requests. A pull request from
// anyone else is stored waiting (its jobs never run) with a pending
// "waiting for approval" status. See trust_policy.h.
//
// Relative paths are relative to the config file's directory. Secrets are
// read from files or environment variables only, never written in the
// config, and never logged.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "runner/host/host_config.h"
#include "runner/host/trust_policy.h"

namespace cirun {

/// Where a secret comes from: a file (its content, trailing newlines
/// removed) or an environment variable. Both empty: not configured.
struct SecretSource {
  std::string file;
  std::string env;
  std::string where;  // "config.yml:7:5", for messages
  bool configured() const { return !file.empty() || !env.empty(); }
};

/// Reads the secret. Returns NotFound if the file cannot be read or the
/// variable is unset, InvalidArgument if it is empty. The message names the
/// source, never the value.
Result<std::string> ReadSecret(const SecretSource& source, const std::string& what);

struct RepositoryConfig {
  std::string name;                           // "owner/name" as on GitHub
  std::string url;                            // clone URL: https://, file://, or a path
  std::vector<std::string> branches{"main"};  // pushes to these run pipelines; "*": all
  bool pull_requests = true;                  // pull_request events run pipelines
  bool nightly = true;                        // `ci-run nightly` queues its first branch
  TrustPolicy trusted;  // whose pull requests run at once (default: ServiceConfig::trusted)

  /// True if a push to `branch` ("main", not "refs/heads/main") runs a pipeline.
  bool WantsBranch(const std::string& branch) const;
  /// GitHub's owner and repository name ("mirage", "mirage-skeleton").
  std::string Owner() const;
  std::string Repo() const;
};

/// What a nightly pipeline does beyond a push pipeline (`nightly:` section).
struct NightlyPipelineOptions {
  std::optional<int> fuzz_boots;                       // replaces every `fuzz: boots:`
  std::optional<std::chrono::milliseconds> fuzz_time;  // replaces every `fuzz: time:`
  bool bench = true;                                   // run the `bench:` steps
  bool history = true;       // then `ci-run history` per benchmark cell (bisects changes)
  bool reproducible = true;  // build each image twice and compare (reproducible_step.h)
};

/// The `web:` section: the dashboard (runner/web/dashboard.h).
struct WebConfig {
  std::string public_url;      // no trailing slash; "": statuses carry no target_url
  SecretSource token;          // the actions' token; not configured: actions refused
  bool require_login = false;  // pages' JSON needs the token too
};

struct ServiceConfig {
  std::string file;  // the config file, as given
  std::string listen_host = "127.0.0.1";
  int listen_port = 8080;  // 0: any free port (printed at start)
  std::string database;    // default: sqlite:DATA-DIR/ci.db
  std::string data_dir;    // default: CONFIG-DIR/ci-run-data
  std::string cache_dir;   // default: DefaultCacheDir()
  std::string github_api = "https://api.github.com";
  SecretSource github_token;                            // not configured: no commit statuses
  SecretSource webhook_secret;                          // required by `serve`
  std::chrono::milliseconds status_retry_delay{2'000};  // first backoff; doubles each retry
  int status_attempts = 6;                              // tries per status before giving up
  size_t max_webhook_bytes = 25u << 20;                 // GitHub's own payload cap
  std::vector<RepositoryConfig> repositories;
  TrustPolicy trusted;  // top-level `trusted:`: the default of every repository
  int worker_slots = 2;
  std::vector<std::string> worker_labels;  // empty: probed with HostLabels()
  std::chrono::milliseconds lease{60'000};
  std::chrono::milliseconds queue_timeout{std::chrono::hours(24)};  // 0: jobs wait forever
  bool serve_runs_jobs = true;                                      // worker.in-serve
  int infra_retries = 2;    // worker.infra-retries: hand an infra job to another worker
  int unhealthy_after = 3;  // worker.unhealthy-after: infra jobs in a row (0: never unhealthy)
  std::chrono::milliseconds health_check{60'000};  // worker.health-check
  NightlyPipelineOptions nightly;                  // the `nightly:` section
  WebConfig web;                                   // the `web:` section
  HostConfig host;  // built-in toolchains/targets + the file's sections

  /// The repository configured under `full_name` (case-insensitive, as GitHub
  /// names are), or nullptr.
  const RepositoryConfig* FindRepository(const std::string& full_name) const;

  /// True when `serve` runs every job itself on one SQLite store: then a cell
  /// this host cannot run is skipped with the reason when it is planned (as in
  /// `ci-run local`). Otherwise it waits for a worker offering its labels.
  bool OneMachine() const;
};

/// Parses `text` (the contents of `file_name`). Relative paths are resolved
/// against `base_dir`. Returns InvalidArgument listing every problem as
/// "file:line:col: message", one per line. Secrets are not read here.
Result<ServiceConfig> ParseServiceConfig(const std::string& text, const std::string& file_name,
                                         const std::string& base_dir);

/// Reads and parses the file at `path` (NotFound if it cannot be read), with
/// the toolchains registered in the cache directory added.
Result<ServiceConfig> LoadServiceConfig(const std::string& path);

}  // namespace cirun
