#include "runner/cli/web_command.h"

#include <signal.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <thread>

#include "runner/common/interrupt.h"
#include "runner/common/paths.h"
#include "runner/service/http_server.h"
#include "runner/web/commit_order.h"
#include "runner/web/dashboard.h"

namespace cirun {
namespace {

// "HOST:PORT" or "PORT" (host 127.0.0.1).
bool SplitListen(const std::string& text, std::string* host, int* port) {
  const size_t colon = text.rfind(':');
  *host = colon == std::string::npos ? "127.0.0.1" : text.substr(0, colon);
  const std::string p = colon == std::string::npos ? text : text.substr(colon + 1);
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), *port);
  return ec == std::errc() && end == p.data() + p.size() && *port >= 0 && *port <= 65535 &&
         !host->empty();
}

Result<std::string> ReadTokenFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read the token file " + path);
  std::stringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  if (token.empty()) return Status::InvalidArgument("the token file " + path + " is empty");
  return token;
}

}  // namespace

int RunWeb(const WebOptions& o) {
  std::string host;
  int port = 0;
  if (!SplitListen(o.listen, &host, &port)) {
    fprintf(stderr, "ci-run web: --listen %s: expected HOST:PORT\n", o.listen.c_str());
    return 2;
  }
  auto opened = OpenStoreFromFlags(o.store);
  if (!opened.ok()) {
    fprintf(stderr, "ci-run web: %s\n", opened.status().message().c_str());
    return opened.status().code() == Status::Code::kUnavailable ? 1 : 2;
  }
  DashboardOptions dashboard;
  dashboard.require_login = o.require_login;
  if (!o.token_file.empty()) {
    auto token = ReadTokenFile(o.token_file);
    if (!token.ok()) {
      fprintf(stderr, "ci-run web: %s\n", token.status().message().c_str());
      return 2;
    }
    dashboard.token = *token;
  } else if (opened->config && opened->config->web.token.configured()) {
    auto token = ReadSecret(opened->config->web.token, "dashboard token");
    if (!token.ok()) {
      fprintf(stderr, "ci-run web: %s\n", token.status().message().c_str());
      return 2;
    }
    dashboard.token = *token;
    dashboard.require_login = dashboard.require_login || opened->config->web.require_login;
  }
  if (dashboard.require_login && dashboard.token.empty()) {
    fprintf(stderr, "ci-run web: --require-login needs a token (--token-file)\n");
    return 2;
  }
  CommitOrder order(opened->config ? opened->config->cache_dir : DefaultCacheDir());
  dashboard.history = [&](const std::string& repo, const std::string& rev) {
    return order.History(repo, rev);
  };
  CancelToken stop;
  CancelOnInterrupt(&stop);
  auto server = HttpServer::Start(host, port, HttpServerOptions{},
                                  DashboardRoutes(*opened->store, dashboard));
  if (!server.ok()) {
    fprintf(stderr, "ci-run web: %s\n", server.status().message().c_str());
    return 1;
  }
  printf("ci-run web: listening on http://%s:%d (store %s%s)\n", host.c_str(), (*server)->port(),
         opened->where.c_str(), dashboard.token.empty() ? ", read-only" : "");
  fflush(stdout);
  while (!stop.cancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  (*server)->Stop();
  return LastInterrupt() == SIGINT ? 130 : 0;
}

void SetupWebCommand(CLI::App* sub, int* exit_code) {
  auto o = std::make_shared<WebOptions>();
  AddStoreFlags(sub, &o->store);
  sub->add_option("--listen", o->listen, "HOST:PORT to serve on (port 0: any free port)")
      ->capture_default_str();
  sub->add_option("--token-file", o->token_file,
                  "a file holding the token of the rebuild and cancel actions");
  sub->add_flag("--require-login", o->require_login, "reading the pages needs the token too");
  sub->callback([o, exit_code] { *exit_code = RunWeb(*o); });
}

}  // namespace cirun
