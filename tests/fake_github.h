// FakeGitHub: a real local HTTP server standing in for the GitHub API's
// commit-status endpoint in tests. It records every request and answers with
// scripted statuses (default 201).
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "runner/service/http_server.h"

namespace cirun::testing {

class FakeGitHub {
 public:
  /// Serves POST /repos/<repo>/statuses/<sha> for each path in `paths`
  /// ("owner/name/statuses/sha").
  explicit FakeGitHub(const std::vector<std::string>& paths) {
    std::vector<HttpRoute> routes;
    for (const std::string& p : paths) {
      routes.push_back({"POST", "/repos/" + p, [this](const IncomingRequest& r) {
                          std::lock_guard lock(mu_);
                          requests_.push_back(r);
                          int status = 201;
                          if (!script_.empty()) {
                            status = script_.front();
                            script_.pop_front();
                          }
                          return HttpReply{status, "application/json",
                                           status == 201 ? "{\"id\":1}" : "{\"message\":\"no\"}"};
                        }});
    }
    auto server = HttpServer::Start("127.0.0.1", 0, 1 << 20, std::move(routes));
    REQUIRE_MESSAGE(server.ok(), server.status().ToString());
    server_ = std::move(server).value();
  }

  std::string api() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

  /// The next answers, in order (then 201 again).
  void Script(std::vector<int> statuses) {
    std::lock_guard lock(mu_);
    script_.assign(statuses.begin(), statuses.end());
  }

  std::vector<IncomingRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<IncomingRequest> requests_;
  std::deque<int> script_;
  std::unique_ptr<HttpServer> server_;
};

}  // namespace cirun::testing
