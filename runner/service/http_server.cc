// The Boost.Beast implementation of HttpServer (http_server.h): one I/O thread
// runs every connection's reads and writes asynchronously, each under a
// deadline; handlers run on a pool of their own.
#include "runner/service/http_server.h"

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <optional>
#include <thread>

namespace cirun {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Response = http::response<http::string_body>;

// Bodies up to this size are not counted in the body budget.
constexpr size_t kSmallBody = 1u << 20;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Bytes of large bodies held at once, over all connections. Thread-safe.
class BodyBudget {
 public:
  explicit BodyBudget(size_t limit) : limit_(limit) {}

  /// Takes `n` bytes; false (nothing taken) if they do not fit.
  bool TryReserve(size_t n) {
    size_t used = used_.load();
    do {
      if (n > limit_ || used > limit_ - n) return false;
    } while (!used_.compare_exchange_weak(used, used + n));
    return true;
  }
  void Release(size_t n) { used_ -= n; }

 private:
  const size_t limit_;
  std::atomic<size_t> used_{0};
};

// A share of a BodyBudget, given back on destruction, when the heap is also
// trimmed: glibc keeps freed large blocks otherwise (its mmap threshold grows
// after the first one), and a flood would leave the process at its peak.
class BodyReservation {
 public:
  BodyReservation() = default;
  BodyReservation(BodyBudget* budget, size_t bytes) : budget_(budget), bytes_(bytes) {}
  BodyReservation(BodyReservation&& o) noexcept
      : budget_(std::exchange(o.budget_, nullptr)), bytes_(o.bytes_) {}
  BodyReservation& operator=(BodyReservation&& o) noexcept {
    Reset();
    budget_ = std::exchange(o.budget_, nullptr);
    bytes_ = o.bytes_;
    return *this;
  }
  ~BodyReservation() { Reset(); }

  void Reset() {
    if (!budget_) return;
    budget_->Release(bytes_);
    budget_ = nullptr;
    malloc_trim(0);
  }

 private:
  BodyBudget* budget_ = nullptr;
  size_t bytes_ = 0;
};

Response TextResponse(unsigned status, const std::string& content_type, std::string body) {
  Response res;
  res.version(11);
  res.result(status);
  res.set(http::field::content_type, content_type);
  res.body() = std::move(body);
  return res;
}

Response ErrorResponse(unsigned status, const std::string& text) {
  Response res = TextResponse(status, "text/plain; charset=utf-8", text + "\n");
  if (status == 503) res.set(http::field::retry_after, "1");
  return res;
}

HttpReply RunHandler(const HttpRoute& route, const IncomingRequest& in) {
  try {
    return route.handler(in);
  } catch (const std::exception& e) {
    return {500, "text/plain; charset=utf-8", std::string("internal error: ") + e.what() + "\n"};
  } catch (...) {
    return {500, "text/plain; charset=utf-8", "internal error\n"};
  }
}

class BeastServer;

// One accepted connection: read headers, maybe a body, hand the request to a
// handler thread, write the reply, and again while the client keeps it alive.
// Lives as long as an operation or a handler holds it; runs on the I/O thread.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(BeastServer& server, tcp::socket socket);
  ~Connection();

  void Start() { ReadHeader(); }
  /// Closes the socket; pending operations end with an error.
  void Close();

 private:
  void ReadHeader();
  void OnHeader(beast::error_code ec);
  void ReadBody(const HttpRoute& route);
  void OnBody(beast::error_code ec, const HttpRoute& route);
  void Dispatch(const HttpRoute& route);
  void Write(Response res, bool close);
  void Linger();
  void Drain();

  BeastServer& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  BodyReservation reservation_;
  std::string remote_;
  std::optional<Response> response_;                         // the reply being written
  std::optional<http::response<http::empty_body>> interim_;  // 100 Continue
  std::array<char, 4096> drain_{};                           // bytes discarded while lingering
  size_t drained_ = 0;
};

class BeastServer final : public HttpServer {
 public:
  BeastServer(const HttpServerOptions& options, std::vector<HttpRoute> routes)
      : options_(options),
        routes_(std::move(routes)),
        budget_(options.max_buffered_body_bytes),
        handlers_(std::max(1, options.handler_threads)) {}
  ~BeastServer() override { Stop(); }

  Status Bind(const std::string& host, int port);
  int port() const override { return port_; }
  void Stop() override;

  // For connections.
  const HttpServerOptions& options() const { return options_; }
  /// The route for `method` `path`, or null with the reply's status in *status.
  const HttpRoute* Find(const std::string& method, const std::string& path, unsigned* status) const;
  BodyBudget& budget() { return budget_; }
  asio::thread_pool& handlers() { return handlers_; }
  void Closed() { --open_; }

 private:
  void Accept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  void Refuse(tcp::socket& socket);

  const HttpServerOptions options_;
  const std::vector<HttpRoute> routes_;
  BodyBudget budget_;
  std::atomic<size_t> open_{0};
  // Declared in this order so that connections held by the handler pool are
  // destroyed before the I/O context their sockets belong to.
  asio::io_context io_{1};
  tcp::acceptor acceptor_{io_};
  asio::steady_timer retry_{io_};
  std::vector<std::weak_ptr<Connection>> connections_;  // I/O thread only
  asio::thread_pool handlers_;
  std::thread thread_;
  int port_ = 0;
  std::mutex stop_mu_;
  bool stopped_ = false;  // guarded by stop_mu_
};

Connection::Connection(BeastServer& server, tcp::socket socket)
    : server_(server), stream_(std::move(socket)) {
  beast::error_code ec;
  auto peer = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_ = peer.address().to_string();
}

Connection::~Connection() {
  server_.Closed();
}

void Connection::Close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.close();
}

// The request line and headers, all within header_deadline.
void Connection::ReadHeader() {
  const HttpServerOptions& o = server_.options();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(o.max_header_bytes));
  parser_->body_limit(o.max_body);
  stream_.expires_after(o.header_deadline);
  http::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
}

void Connection::OnHeader(beast::error_code ec) {
  if (ec == http::error::body_limit)
    return Write(ErrorResponse(413, "request body too large"), true);
  if (ec == http::error::header_limit)
    return Write(ErrorResponse(431, "request headers too large"), true);
  if (ec == beast::error::timeout || ec == http::error::end_of_stream ||
      ec == asio::error::operation_aborted || ec == asio::error::eof)
    return;  // gone, idle or too slow: closed with this object
  if (ec) return Write(ErrorResponse(400, "bad request"), true);
  const auto& req = parser_->get();
  std::string target(req.target());
  unsigned status = 0;
  const HttpRoute* route =
      server_.Find(std::string(req.method_string()), target.substr(0, target.find('?')), &status);
  if (!route) {
    return Write(ErrorResponse(status, status == 405 ? "method not allowed" : "not found"),
                 !parser_->is_done() || !req.keep_alive());
  }
  ReadBody(*route);
}

// The body, if any, within body_deadline; a large one reserved first.
void Connection::ReadBody(const HttpRoute& route) {
  if (parser_->is_done()) return Dispatch(route);
  const HttpServerOptions& o = server_.options();
  size_t size = parser_->content_length() ? *parser_->content_length() : o.max_body;
  if (size > kSmallBody) {
    if (!server_.budget().TryReserve(size))
      return Write(ErrorResponse(503, "busy with other large requests, retry"), true);
    reservation_ = BodyReservation(&server_.budget(), size);
  }
  auto read = [self = shared_from_this(), &route] {
    self->stream_.expires_after(self->server_.options().body_deadline);
    http::async_read(self->stream_, self->buffer_, *self->parser_,
                     [self, &route](beast::error_code ec, size_t) { self->OnBody(ec, route); });
  };
  if (!beast::iequals(parser_->get()[http::field::expect], "100-continue")) return read();
  interim_.emplace(http::status::continue_, 11);
  stream_.expires_after(o.write_deadline);
  http::async_write(stream_, *interim_, [read](beast::error_code ec, size_t) {
    if (!ec) read();
  });
}

void Connection::OnBody(beast::error_code ec, const HttpRoute& route) {
  if (ec == http::error::body_limit) {
    reservation_.Reset();
    return Write(ErrorResponse(413, "request body too large"), true);
  }
  if (ec) return;  // timed out, gone or malformed: closed with this object
  Dispatch(route);
}

// Runs the handler on the pool; the body is freed (and its reservation given
// back) there, before the reply comes back to the I/O thread to be written.
void Connection::Dispatch(const HttpRoute& route) {
  stream_.expires_never();
  auto req = parser_->release();
  parser_.reset();
  auto in = std::make_unique<IncomingRequest>();
  in->method = std::string(req.method_string());
  std::string target(req.target());
  in->path = target.substr(0, target.find('?'));
  if (target.find('?') != std::string::npos) in->query = target.substr(target.find('?') + 1);
  for (const auto& field : req)
    in->headers[Lower(std::string(field.name_string()))] = std::string(field.value());
  in->body = std::move(req.body());
  in->remote = remote_;
  bool keep_alive = req.keep_alive();
  asio::post(server_.handlers(), [self = shared_from_this(), &route, in = std::move(in),
                                  reservation = std::move(reservation_), keep_alive]() mutable {
    HttpReply reply = RunHandler(route, *in);
    in.reset();
    reservation.Reset();
    asio::post(self->stream_.get_executor(), [self, reply = std::move(reply), keep_alive] {
      Response res = TextResponse(reply.status, reply.content_type, reply.body);
      for (const auto& [name, value] : reply.headers) res.set(name, value);
      self->Write(std::move(res), !keep_alive);
    });
  });
}

void Connection::Write(Response res, bool close) {
  res.keep_alive(!close);
  res.prepare_payload();
  response_ = std::move(res);
  stream_.expires_after(server_.options().write_deadline);
  http::async_write(stream_, *response_,
                    [self = shared_from_this(), close](beast::error_code ec, size_t) {
                      self->response_.reset();
                      if (ec) return;
                      if (close) return self->Linger();
                      self->ReadHeader();
                    });
}

// After a reply that ends the connection while the client may still be
// sending (an unread body): stop sending and discard what arrives for a
// moment, so that the client reads the reply instead of a reset. Bounded in
// time and bytes; nothing is kept.
void Connection::Linger() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) return;
  parser_.reset();
  reservation_.Reset();
  stream_.expires_after(std::chrono::seconds(1));
  Drain();
}

void Connection::Drain() {
  stream_.async_read_some(asio::buffer(drain_),
                          [self = shared_from_this()](beast::error_code ec, size_t n) {
                            self->drained_ += n;
                            if (!ec && self->drained_ <= self->server_.options().max_body)
                              self->Drain();
                          });
}

Status BeastServer::Bind(const std::string& host, int port) {
  beast::error_code ec;
  tcp::resolver resolver(io_);
  auto found = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
  std::string where = host + (port == 0 ? " (any port)" : ":" + std::to_string(port));
  if (ec || found.empty())
    return Status::IoError("cannot listen on " + where + ": " + ec.message());
  tcp::endpoint endpoint = found.begin()->endpoint();
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::IoError("cannot listen on " + where +
                           " (in use, or not an address of this host): " + ec.message());
  }
  port_ = acceptor_.local_endpoint().port();
  Accept();
  thread_ = std::thread([this] { io_.run(); });
  return Status::Ok();
}

void BeastServer::Accept() {
  acceptor_.async_accept(
      [this](beast::error_code ec, tcp::socket socket) { OnAccept(ec, std::move(socket)); });
}

void BeastServer::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted) return;  // stopping
  if (ec) {
    // Out of file descriptors, or the like: try again in a moment.
    retry_.expires_after(std::chrono::milliseconds(100));
    retry_.async_wait([this](beast::error_code wait) {
      if (!wait) Accept();
    });
    return;
  }
  if (open_ >= options_.max_connections) {
    Refuse(socket);
  } else {
    ++open_;
    auto connection = std::make_shared<Connection>(*this, std::move(socket));
    std::erase_if(connections_, [](const auto& c) { return c.expired(); });
    connections_.push_back(connection);
    connection->Start();
  }
  Accept();
}

// One connection too many: a 503 written without waiting (it fits in the
// socket's buffer), then closed.
void BeastServer::Refuse(tcp::socket& socket) {
  static const std::string k503 =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
      "Retry-After: 1\r\nConnection: close\r\nContent-Length: 21\r\n\r\n"
      "too many connections\n";
  beast::error_code ec;
  socket.non_blocking(true, ec);
  socket.send(asio::buffer(k503), 0, ec);
  // Reads what the client sent already: closing with unread bytes would
  // send a reset, which may destroy the 503 before the client reads it.
  std::array<char, 4096> discard;
  while (socket.available(ec) > 0 && !ec) socket.receive(asio::buffer(discard), 0, ec);
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

const HttpRoute* BeastServer::Find(const std::string& method, const std::string& path,
                                   unsigned* status) const {
  bool path_known = false;
  for (const HttpRoute& r : routes_) {
    if (r.path != path) continue;
    path_known = true;
    if (r.method == method) return &r;
  }
  *status = path_known ? 405 : 404;
  return nullptr;
}

// In order: no new connection, handlers already queued run (their replies
// are written), then the I/O thread stops and every connection is closed.
void BeastServer::Stop() {
  std::lock_guard lock(stop_mu_);
  if (stopped_) return;
  stopped_ = true;
  if (!thread_.joinable()) return;
  asio::post(io_, [this] {
    beast::error_code ec;
    acceptor_.close(ec);
    retry_.cancel();
  });
  handlers_.join();
  io_.stop();
  thread_.join();
  for (const auto& weak : connections_)
    if (auto c = weak.lock()) c->Close();
}

}  // namespace

std::string IncomingRequest::Header(const std::string& name) const {
  auto it = headers.find(Lower(name));
  return it == headers.end() ? "" : it->second;
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const std::string& host, int port,
                                                      const HttpServerOptions& options,
                                                      std::vector<HttpRoute> routes) {
  auto server = std::make_unique<BeastServer>(options, std::move(routes));
  CIRUN_RETURN_IF_ERROR(server->Bind(host, port));
  return std::unique_ptr<HttpServer>(std::move(server));
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const std::string& host, int port,
                                                      size_t max_body,
                                                      std::vector<HttpRoute> routes) {
  HttpServerOptions options;
  options.max_body = max_body;
  return Start(host, port, options, std::move(routes));
}

}  // namespace cirun
