// HttpServer: the service's one HTTP port (the webhook, /metrics, /healthz),
// behind a small interface so that its heavy headers stay in one translation
// unit.
//
// The front door must stay open to GitHub and to health checks while anyone
// else holds connections to it. The implementation (http_server.cc) is an
// asynchronous Boost.Beast server: one I/O thread multiplexes every
// connection, so a connection that is slow or idle costs a socket and a few
// KiB, never a thread. Every connection is bounded, each limit below with a
// clear outcome:
//   - the request line and headers must arrive within `header_deadline` of the
//     connection opening (or of the previous reply, for keep-alive); a client
//     sending one byte a second is cut off then, however steadily it sends;
//   - a body announced larger than `max_body` is answered 413 from its
//     Content-Length, before one byte of it is read; a chunked body is cut off
//     with 413 once it passes `max_body`;
//   - the body must arrive within `body_deadline`, the reply be written within
//     `write_deadline`;
//   - beyond `max_connections` open connections a new one is answered 503 at
//     once and closed;
//   - bodies larger than 1 MiB share `max_buffered_body_bytes`; a request that
//     does not fit gets 503 (Retry-After) unread, and memory held by a large
//     body is handed back to the system (malloc_trim) once its handler is done
//     (serve also sets glibc's mmap threshold to 1 MiB, so that such bodies
//     are unmapped when freed; see docs/http_front_door.md).
// Why Beast and not cpp-httplib's thread per connection: the same doc.
// Handlers run on a small pool of their own (`handler_threads`), never on the
// I/O thread; they must be quick and thread-safe (the webhook handler only
// queues work).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace cirun {

struct IncomingRequest {
  std::string method;
  std::string path;
  std::string query;                           // after '?', still percent-encoded; "" if none
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
  std::vector<std::pair<std::string, std::string>> headers = {};  // more headers (name, value)
};

using HttpHandler = std::function<HttpReply(const IncomingRequest&)>;

struct HttpRoute {
  std::string method;  // "GET", "POST"
  std::string path;    // exact path, e.g. "/hooks/github"
  HttpHandler handler;
};

/// The front door's limits. The defaults fit a webhook endpoint on a 2-core
/// worker: GitHub sends each delivery at once, in well under a second.
struct HttpServerOptions {
  /// Largest request body accepted; larger ones get 413 (GitHub's own cap).
  size_t max_body = 25u << 20;
  /// Largest request line plus headers; larger ones get 431.
  size_t max_header_bytes = 16u << 10;
  /// Time for the whole request line and headers, from the connection's
  /// accept or the previous reply; the connection is closed when it passes
  /// (this is also how long an idle keep-alive connection stays open).
  std::chrono::milliseconds header_deadline{std::chrono::seconds(10)};
  /// Time for the whole body, from the end of the headers; then closed.
  std::chrono::milliseconds body_deadline{std::chrono::seconds(30)};
  /// Time to write a reply; then closed.
  std::chrono::milliseconds write_deadline{std::chrono::seconds(10)};
  /// Open connections at most; one more is answered 503 and closed at once.
  size_t max_connections = 256;
  /// Bytes of bodies larger than 1 MiB held at once over all connections; a
  /// request that does not fit is answered 503 before its body is read.
  size_t max_buffered_body_bytes = 64u << 20;
  /// Threads that run handlers (the I/O itself is one more thread).
  int handler_threads = 4;
};

class HttpServer {
 public:
  /// Binds `host`:`port` (port 0: any free port) and serves `routes` from a
  /// background thread, within `options`' limits (see the file comment). An
  /// unknown path gets 404, a known path with another method 405 (both
  /// without reading the body); a handler that throws gets 500. Returns
  /// IoError if the address cannot be bound.
  static Result<std::unique_ptr<HttpServer>> Start(const std::string& host, int port,
                                                   const HttpServerOptions& options,
                                                   std::vector<HttpRoute> routes);
  /// As above, with the default options but a body limit of `max_body`.
  static Result<std::unique_ptr<HttpServer>> Start(const std::string& host, int port,
                                                   size_t max_body, std::vector<HttpRoute> routes);
  virtual ~HttpServer() = default;

  /// The bound port.
  virtual int port() const = 0;
  /// Stops listening, closes every connection and waits for the I/O thread
  /// and for handlers already running; no handler runs after it returns.
  /// Idempotent.
  virtual void Stop() = 0;
};

}  // namespace cirun
