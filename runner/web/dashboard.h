// Dashboard: the web pages of ci-run and the JSON behind them, as routes
// for the service's HttpServer (`ci-run serve` adds them to its port;
// `ci-run web` serves them alone over a developer's store).
//
// Pages (one static front end, embedded in the binary; it reads the JSON
// endpoints and inserts every text with textContent, never as markup):
//   /                pipelines (filters: repo, branch, state; pages by id)
//   /pipeline?id=P   the grid of a pipeline's jobs
//   /job?pipeline=P&id=J   a job: steps, logs (followed while it runs), environment
//   /findings        fuzz findings, deduplicated
//   /perf            benchmark series, their charts, change points and culprits
// JSON (GET): /api/pipelines, /api/pipeline, /api/job, /api/log,
// /api/findings, /api/perf, /api/perf/series, /api/session; actions (POST):
// /api/rebuild?pipeline=P[&failed=1], /api/cancel?pipeline=P. See
// docs/dashboard.md.
//
// Authentication: actions need `Authorization: Bearer TOKEN` with the
// configured token (no token configured: actions are refused). With
// `require_login`, the JSON endpoints need it too (the page shell holds no
// data and asks for the token).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "runner/service/http_server.h"
#include "runner/store/store.h"

namespace cirun {

struct DashboardOptions {
  /// The token of the actions (rebuild, cancel); "": actions refused (403).
  std::string token;
  /// Whether reading pages' JSON needs the token too (default: public, as
  /// ocaml-ci's pages are).
  bool require_login = false;
  /// The first-parent history (newest first) of a repository's `rev` (""
  /// : HEAD), which orders the performance charts; null or an error: points
  /// in the order they were measured. See CommitOrder.
  std::function<Result<std::vector<std::string>>(const std::string& repo, const std::string& rev)>
      history;
};

/// The dashboard's routes over `store`, which must outlive them. Handlers
/// only read the store, or create/cancel pipelines on an action; they are
/// thread-safe.
std::vector<HttpRoute> DashboardRoutes(Store& store, DashboardOptions options);

/// Whether `request` carries `token` as "Authorization: Bearer TOKEN"
/// (compared in constant time). Never true for an empty token.
bool HasToken(const IncomingRequest& request, const std::string& token);

}  // namespace cirun
