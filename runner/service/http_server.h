// HttpServer: the service's one HTTP port (cpp-httplib behind a small
// interface, so that its heavy header stays in one translation unit).
// Handlers run on the server's thread pool; they must be quick and
// thread-safe (the webhook handler only queues work).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace cirun {

struct IncomingRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // names in lowercase
  std::string body;                            // raw bytes, exactly as received
  std::string remote;                          // peer address

  /// The header `name` (any case), or "".
  std::string Header(const std::string& name) const;
};

struct HttpReply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

using HttpHandler = std::function<HttpReply(const IncomingRequest&)>;

struct HttpRoute {
  std::string method;  // "GET", "POST"
  std::string path;    // exact path, e.g. "/hooks/github"
  HttpHandler handler;
};

class HttpServer {
 public:
  /// Binds `host`:`port` (port 0: any free port) and serves `routes` from a
  /// background thread. A body larger than `max_body` bytes is refused with
  /// 413 before the handler runs; an unknown path gets 404, a known path with
  /// another method 405; a handler that throws gets 500. Returns IoError if the
  /// address cannot be bound.
  static Result<std::unique_ptr<HttpServer>> Start(const std::string& host, int port,
                                                   size_t max_body, std::vector<HttpRoute> routes);
  virtual ~HttpServer() = default;

  /// The bound port.
  virtual int port() const = 0;
  /// Stops listening and waits for the serving thread. Idempotent.
  virtual void Stop() = 0;
};

}  // namespace cirun
