#include "runner/web/dashboard.h"

#include <nlohmann/json.hpp>

#include "runner/web/dashboard_assets.h"
#include "runner/web/dashboard_json.h"
#include "runner/web/pipeline_actions.h"
#include "runner/web/query_string.h"

namespace cirun {
namespace {

using json = nlohmann::json;

constexpr const char* kJson = "application/json; charset=utf-8";

// Scripts only from this origin, no inline script, no plugins, no framing:
// should an escaping bug ever let markup through, the browser still runs
// nothing of it.
const std::vector<std::pair<std::string, std::string>> kPageHeaders = {
    {"Content-Security-Policy",
     "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "same-origin"},
};

HttpReply JsonReply(int status, std::string body) {
  HttpReply r{status, kJson, std::move(body)};
  r.headers = kPageHeaders;
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

HttpReply ErrorReply(int status, const std::string& message) {
  return JsonReply(status,
                   json{{"error", message}}.dump(-1, ' ', false, json::error_handler_t::replace));
}

int HttpStatusOf(const Status& s) {
  switch (s.code()) {
    case Status::Code::kNotFound:
      return 404;
    case Status::Code::kInvalidArgument:
      return 400;
    case Status::Code::kFailedPrecondition:
      return 409;
    default:
      return 503;
  }
}

HttpReply FromResult(const Result<std::string>& r) {
  return r.ok() ? JsonReply(200, *r) : ErrorReply(HttpStatusOf(r.status()), r.status().message());
}

class Handlers {
 public:
  Handlers(Store& store, DashboardOptions options) : store_(store), options_(std::move(options)) {}

  // A reader's route: public unless login is required.
  HttpHandler Read(std::function<HttpReply(const QueryString&)> body) const {
    return [this, body = std::move(body)](const IncomingRequest& r) {
      if (options_.require_login && !HasToken(r, options_.token))
        return ErrorReply(401, "log in: this dashboard needs its token");
      return body(QueryString(r.query));
    };
  }

  // An action's route: always behind the token.
  HttpHandler Act(std::function<HttpReply(const QueryString&)> body) const {
    return [this, body = std::move(body)](const IncomingRequest& r) {
      if (options_.token.empty())
        return ErrorReply(403, "actions are disabled: no dashboard token is configured");
      if (!HasToken(r, options_.token)) return ErrorReply(401, "this action needs the token");
      return body(QueryString(r.query));
    };
  }

  HttpReply Pipelines(const QueryString& q) const {
    PipelineQuery query;
    query.repo_name = q.Get("repo");
    query.branch = q.Get("branch");
    query.state = q.Get("state");
    query.before_id = q.Int("before").value_or(0);
    query.limit = static_cast<int>(std::min<int64_t>(q.Int("limit").value_or(50), 200));
    return FromResult(PipelinesJson(store_, query));
  }

  HttpReply Pipeline(const QueryString& q) const {
    auto id = q.Int("id");
    if (!id) return ErrorReply(400, "expected ?id=PIPELINE");
    return FromResult(PipelineJson(store_, *id));
  }

  HttpReply Job(const QueryString& q) const {
    auto pipeline = q.Int("pipeline"), id = q.Int("id");
    if (!pipeline || !id) return ErrorReply(400, "expected ?pipeline=PIPELINE&id=JOB");
    return FromResult(JobJson(store_, *pipeline, *id));
  }

  HttpReply Log(const QueryString& q) const {
    auto pipeline = q.Int("pipeline"), job = q.Int("job"), step = q.Int("step");
    if (!pipeline || !job || !step)
      return ErrorReply(400, "expected ?pipeline=PIPELINE&job=JOB&step=N[&offset=BYTES]");
    const int64_t limit = q.Int("limit").value_or(256 << 10);
    return FromResult(LogPieceJson(store_, *pipeline, *job, static_cast<size_t>(*step),
                                   static_cast<size_t>(q.Int("offset").value_or(0)),
                                   static_cast<size_t>(limit)));
  }

  HttpReply Findings(const QueryString& q) const {
    return FromResult(FindingsJson(store_, q.Get("repo"), q.Get("unikernel")));
  }

  HttpReply PerfList(const QueryString&) const { return FromResult(PerfSeriesListJson(store_)); }

  HttpReply PerfSeries(const QueryString& q) const {
    SampleQuery series;
    series.repo = q.Get("repo");
    series.unikernel = q.Get("unikernel");
    series.cell_key = q.Get("cell");
    series.host = q.Get("host");
    series.metric = q.Get("metric");
    if (series.unikernel.empty() || series.metric.empty())
      return ErrorReply(400, "expected ?repo=&unikernel=&cell=&host=&metric=[&rev=BRANCH]");
    std::vector<std::string> history;
    if (options_.history) {
      auto read = options_.history(series.repo, q.Get("rev"));
      if (read.ok()) history = std::move(*read);
    }
    return FromResult(PerfSeriesJson(store_, series, history));
  }

  HttpReply Session(const IncomingRequest& r) const {
    const bool authed = HasToken(r, options_.token);
    return JsonReply(200, json{{"login_required", options_.require_login},
                               {"actions", !options_.token.empty()},
                               {"authenticated", authed}}
                              .dump());
  }

  HttpReply Rebuild(const QueryString& q) const {
    auto id = q.Int("pipeline");
    if (!id) return ErrorReply(400, "expected ?pipeline=PIPELINE[&failed=1]");
    const bool failed_only = q.Get("failed") == "1";
    auto out = QueueRebuild(store_, *id, failed_only);
    if (!out.ok()) return ErrorReply(HttpStatusOf(out.status()), out.status().message());
    return JsonReply(200,
                     json{{"pipeline", out->pipeline == 0 ? json(nullptr) : json(out->pipeline)},
                          {"jobs", out->jobs.size()},
                          {"rebuild_of", *id},
                          {"failed_only", failed_only}}
                         .dump());
  }

  HttpReply Cancel(const QueryString& q) const {
    auto id = q.Int("pipeline");
    if (!id) return ErrorReply(400, "expected ?pipeline=PIPELINE");
    auto n = CancelPipeline(store_, *id, "cancelled from the dashboard");
    if (!n.ok()) return ErrorReply(HttpStatusOf(n.status()), n.status().message());
    return JsonReply(
        200,
        json{{"pipeline", *id}, {"cancelled", n->cancelled}, {"cancelling", n->cancelling}}.dump());
  }

 private:
  Store& store_;
  const DashboardOptions options_;
};

}  // namespace

bool HasToken(const IncomingRequest& request, const std::string& token) {
  if (token.empty()) return false;
  const std::string header = request.Header("authorization");
  const std::string prefix = "Bearer ";
  if (!header.starts_with(prefix)) return false;
  const std::string given = header.substr(prefix.size());
  if (given.size() != token.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < token.size(); ++i) diff |= static_cast<unsigned char>(given[i] ^ token[i]);
  return diff == 0;
}

std::vector<HttpRoute> DashboardRoutes(Store& store, DashboardOptions options) {
  // Shared by every route; lives as long as the routes (their handlers hold it).
  auto h = std::make_shared<Handlers>(store, std::move(options));
  auto read = [h](HttpReply (Handlers::*m)(const QueryString&) const) {
    return [h, inner = h->Read([h, m](const QueryString& q) { return ((*h).*m)(q); })](
               const IncomingRequest& r) { return inner(r); };
  };
  auto act = [h](HttpReply (Handlers::*m)(const QueryString&) const) {
    return [h, inner = h->Act([h, m](const QueryString& q) { return ((*h).*m)(q); })](
               const IncomingRequest& r) { return inner(r); };
  };
  std::vector<HttpRoute> routes = {
      {"GET", "/api/pipelines", read(&Handlers::Pipelines)},
      {"GET", "/api/pipeline", read(&Handlers::Pipeline)},
      {"GET", "/api/job", read(&Handlers::Job)},
      {"GET", "/api/log", read(&Handlers::Log)},
      {"GET", "/api/findings", read(&Handlers::Findings)},
      {"GET", "/api/perf", read(&Handlers::PerfList)},
      {"GET", "/api/perf/series", read(&Handlers::PerfSeries)},
      {"GET", "/api/session", [h](const IncomingRequest& r) { return h->Session(r); }},
      {"POST", "/api/rebuild", act(&Handlers::Rebuild)},
      {"POST", "/api/cancel", act(&Handlers::Cancel)},
  };
  for (const EmbeddedAsset& asset : DashboardAssets()) {
    HttpReply reply{200, asset.content_type,
                    std::string(reinterpret_cast<const char*>(asset.data), asset.size)};
    reply.headers = kPageHeaders;
    const std::string path = asset.path;
    if (path == "/index.html") {
      for (const char* page : {"/", "/pipeline", "/job", "/findings", "/perf"})
        routes.push_back({"GET", page, [reply](const IncomingRequest&) { return reply; }});
    } else {
      reply.headers.emplace_back("Cache-Control", "max-age=300");
      routes.push_back({"GET", path, [reply](const IncomingRequest&) { return reply; }});
    }
  }
  return routes;
}

}  // namespace cirun
