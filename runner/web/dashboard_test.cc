#include "runner/web/dashboard.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "runner/store/sqlite_store.h"
#include "tests/scratch_dir.h"

namespace cirun {
namespace {

using json = nlohmann::json;
using testing::ScratchDir;

// Calls the route `method` `target` ("/api/x?y=1") of `routes` as the server would.
HttpReply Call(const std::vector<HttpRoute>& routes, const std::string& method,
               const std::string& target, const std::string& token = "") {
  IncomingRequest r;
  r.method = method;
  r.path = target.substr(0, target.find('?'));
  if (target.find('?') != std::string::npos) r.query = target.substr(target.find('?') + 1);
  if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
  for (const HttpRoute& route : routes)
    if (route.method == method && route.path == r.path) return route.handler(r);
  HttpReply none;
  none.status = 404;
  return none;
}

std::string Header(const HttpReply& reply, const std::string& name) {
  for (const auto& [n, v] : reply.headers)
    if (n == name) return v;
  return "";
}

// A finished pipeline with one failed and one passed job.
int64_t FinishedPipeline(Store& store) {
  PipelineInfo p;
  p.repo = "/srv/repo";
  p.repo_name = "example/repo";
  p.commit = std::string(40, 'a');
  p.ref = "refs/heads/main";
  p.trigger = "push";
  JobInfo a, b;
  a.name = "hello unix";
  a.unikernel = b.unikernel = "hello";
  a.cell_label = a.target = "unix";
  b.name = "hello virtio";
  b.cell_label = b.target = "virtio";
  a.spec_json = b.spec_json = "{}";
  const int64_t id = *store.CreatePipeline(p, {a, b});
  ClaimRequest request{"w", {}, std::chrono::seconds(60), id};
  for (JobState state : {JobState::kFailed, JobState::kPassed}) {
    auto c = **store.ClaimJob(request);
    REQUIRE(store.FinishJob(c.job.id, "w", c.job.attempt, {state, "", "", 1}).ok());
  }
  return id;
}

TEST_CASE("Dashboard pages are the embedded front end, with a content security policy") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  auto routes = DashboardRoutes(*store, {});
  for (const char* page : {"/", "/pipeline", "/job", "/findings", "/perf"}) {
    HttpReply r = Call(routes, "GET", page);
    CHECK(r.status == 200);
    CHECK(r.content_type.starts_with("text/html"));
    CHECK(r.body.find("/assets/app.js") != std::string::npos);
    CHECK(Header(r, "Content-Security-Policy").find("script-src 'self'") != std::string::npos);
  }
  HttpReply js = Call(routes, "GET", "/assets/app.js");
  CHECK(js.content_type.starts_with("text/javascript"));
  CHECK(js.body.find("textContent") != std::string::npos);
  CHECK(js.body.find("innerHTML") == std::string::npos);  // text only, never markup
  CHECK(Call(routes, "GET", "/assets/uPlot.min.js").body.find("uPlot") != std::string::npos);
}

TEST_CASE("Dashboard JSON is public by default and answers bad requests with JSON errors") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  const int64_t id = FinishedPipeline(*store);
  auto routes = DashboardRoutes(*store, {"secret", false});
  HttpReply list = Call(routes, "GET", "/api/pipelines?repo=example%2Frepo&state=failed");
  CHECK(list.status == 200);
  CHECK(json::parse(list.body)["pipelines"][0]["id"] == id);
  CHECK(json::parse(Call(routes, "GET", "/api/pipelines?state=passed").body)["pipelines"].empty());
  CHECK(Call(routes, "GET", "/api/pipeline?id=" + std::to_string(id)).status == 200);
  CHECK(Call(routes, "GET", "/api/pipeline?id=12345").status == 404);
  HttpReply bad = Call(routes, "GET", "/api/pipeline?id=x");
  CHECK(bad.status == 400);
  CHECK(json::parse(bad.body).contains("error"));
  CHECK(Call(routes, "GET", "/api/perf").status == 200);
  CHECK(Call(routes, "GET", "/api/findings").status == 200);
}

TEST_CASE("Dashboard actions need the token") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  const int64_t id = FinishedPipeline(*store);
  const std::string rebuild = "/api/rebuild?failed=1&pipeline=" + std::to_string(id);
  auto routes = DashboardRoutes(*store, {"secret", false});
  CHECK(Call(routes, "POST", rebuild).status == 401);
  CHECK(Call(routes, "POST", rebuild, "wrong").status == 401);
  CHECK(store->ListPipelines(10)->size() == 1);
  HttpReply ok = Call(routes, "POST", rebuild, "secret");
  REQUIRE(ok.status == 200);
  const int64_t created = json::parse(ok.body)["pipeline"];
  auto jobs = *store->ListJobs(created);
  REQUIRE(jobs.size() == 1);  // only the failed one
  CHECK(jobs[0].name == "hello unix");
  CHECK(store->GetPipeline(created)->trigger == "rebuild");
  HttpReply cancel =
      Call(routes, "POST", "/api/cancel?pipeline=" + std::to_string(created), "secret");
  CHECK(cancel.status == 200);
  CHECK(json::parse(cancel.body)["cancelled"] == 1);
  auto closed = DashboardRoutes(*store, {});
  CHECK(Call(closed, "POST", rebuild, "secret").status == 403);
  CHECK(json::parse(Call(closed, "GET", "/api/session").body)["actions"] == false);
}

TEST_CASE("Dashboard with require_login hides the JSON but not the page shell") {
  ScratchDir dir;
  auto store = std::move(OpenSqliteStore(dir / "ci.db")).value();
  FinishedPipeline(*store);
  auto routes = DashboardRoutes(*store, {"secret", true});
  CHECK(Call(routes, "GET", "/api/pipelines").status == 401);
  CHECK(Call(routes, "GET", "/api/pipelines", "secret").status == 200);
  CHECK(Call(routes, "GET", "/").status == 200);
  auto session = json::parse(Call(routes, "GET", "/api/session", "secret").body);
  CHECK(session["login_required"] == true);
  CHECK(session["authenticated"] == true);
}

}  // namespace
}  // namespace cirun
