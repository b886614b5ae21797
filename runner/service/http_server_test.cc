// The front door over real sockets on loopback: slow and idle clients, bodies
// over the limit, the connection cap and the body budget.
#include "runner/service/http_server.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace cirun {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A blocking TCP client on loopback that sends and reads raw bytes.
class RawClient {
 public:
  explicit RawClient(int port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawClient() { close(fd_); }

  bool connected() const { return connected_; }
  /// False if the peer has closed or reset the connection.
  bool Send(const std::string& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == ssize_t(bytes.size());
  }
  /// What arrives until the peer closes, `until` is seen, or `timeout` passes.
  std::string Read(std::chrono::milliseconds timeout, const std::string& until = "") {
    std::string got;
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (!until.empty() && got.find(until) != std::string::npos) break;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, std::max<int>(1, left.count())) <= 0) continue;
      char buf[4096];
      ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      got.append(buf, n);
    }
    return got;
  }
  /// True once the peer has closed (after Read).
  bool closed() const { return closed_; }

 private:
  int fd_;
  bool connected_ = false;
  bool closed_ = false;
};

std::vector<HttpRoute> HealthRoutes(std::atomic<int>* calls = nullptr) {
  return {{"GET", "/healthz",
           [](const IncomingRequest&) {
             return HttpReply{200, "text/plain", "ok\n"};
           }},
          {"POST", "/hooks", [calls](const IncomingRequest& r) {
             if (calls) ++*calls;
             return HttpReply{200, "text/plain", std::to_string(r.body.size()) + "\n"};
           }}};
}

// GET /healthz on a fresh connection: the status line, or "" if no reply came
// within `timeout`.
std::string HealthStatus(int port, std::chrono::milliseconds timeout = 5s) {
  RawClient c(port);
  c.Send("GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  std::string reply = c.Read(timeout, "\r\n\r\nok\n");
  return reply.substr(0, reply.find("\r\n"));
}

// `n` clients each sending a request's headers one byte a second, until stopped.
class SlowHeaderClients {
 public:
  SlowHeaderClients(int port, int n) {
    for (int i = 0; i < n; ++i) {
      threads_.emplace_back([this, port] {
        RawClient c(port);
        std::string request =
            "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: " + std::string(1000, 'a');
        for (char ch : request) {
          if (stop_ || !c.Send(std::string(1, ch))) break;
          for (int t = 0; t < 10 && !stop_; ++t) std::this_thread::sleep_for(100ms);
        }
      });
    }
  }
  ~SlowHeaderClients() {
    stop_ = true;
    for (auto& t : threads_) t.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

TEST_CASE("Slow-header and idle clients do not starve a route") {
  auto server = HttpServer::Start("127.0.0.1", 0, 1 << 20, HealthRoutes());
  REQUIRE(server.ok());
  int port = (*server)->port();
  SlowHeaderClients slow(port, 16);
  RawClient idle(port);                 // connects, never sends
  std::this_thread::sleep_for(1500ms);  // every attacker connected and sending
  auto start = Clock::now();
  CHECK(HealthStatus(port) == "HTTP/1.1 200 OK");
  CHECK(SecondsSince(start) < 3.0);  // starved (the old fixed pool of 8): never while they send
}

TEST_CASE("An oversized Content-Length is answered 413 before the body is read") {
  std::atomic<int> calls{0};
  auto server = HttpServer::Start("127.0.0.1", 0, 1 << 20, HealthRoutes(&calls));
  REQUIRE(server.ok());
  RawClient c((*server)->port());
  auto start = Clock::now();
  c.Send("POST /hooks HTTP/1.1\r\nHost: t\r\nContent-Length: 104857600\r\n\r\n");  // no body
  std::string reply = c.Read(5s, "too large\n");
  CHECK(reply.rfind("HTTP/1.1 413", 0) == 0);
  CHECK(SecondsSince(start) < 2.0);
  CHECK(calls == 0);
}

HttpServerOptions Quick() {
  HttpServerOptions o;
  o.max_body = 4096;
  o.header_deadline = 1s;
  o.body_deadline = 1s;
  return o;
}

TEST_CASE("A client that trickles its headers is cut off at the header deadline") {
  auto server = HttpServer::Start("127.0.0.1", 0, Quick(), HealthRoutes());
  REQUIRE(server.ok());
  RawClient c((*server)->port()), idle((*server)->port());
  auto start = Clock::now();
  std::string request = "GET /healthz HTTP/1.1\r\nX-Slow: " + std::string(100, 'a');
  for (size_t i = 0; i < request.size() && c.Send(request.substr(i, 1)); ++i) {
    if (c.Read(200ms); c.closed()) break;  // every read well within any per-read timeout
  }
  CHECK(c.closed());
  CHECK(SecondsSince(start) == doctest::Approx(1.0).epsilon(0.5));
  idle.Read(1s);
  CHECK(idle.closed());
}

TEST_CASE("One connection over the cap is answered 503 at once") {
  HttpServerOptions o = Quick();
  o.max_connections = 2;
  o.header_deadline = 10s;
  auto server = HttpServer::Start("127.0.0.1", 0, o, HealthRoutes());
  REQUIRE(server.ok());
  int port = (*server)->port();
  auto first = std::make_unique<RawClient>(port);
  RawClient second(port);
  std::this_thread::sleep_for(200ms);
  CHECK(HealthStatus(port, 2s) == "HTTP/1.1 503 Service Unavailable");
  first.reset();  // a slot comes free
  std::this_thread::sleep_for(200ms);
  CHECK(HealthStatus(port, 2s) == "HTTP/1.1 200 OK");
}

TEST_CASE("A chunked body is cut off with 413 once it passes the limit") {
  auto server = HttpServer::Start("127.0.0.1", 0, Quick(), HealthRoutes());
  REQUIRE(server.ok());
  RawClient c((*server)->port());
  std::string chunk = "bb8\r\n" + std::string(3000, 'x') + "\r\n";  // 0xbb8 = 3000
  c.Send("POST /hooks HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk);
  CHECK(c.Read(2s, "too large\n").rfind("HTTP/1.1 413", 0) == 0);
}

TEST_CASE("A large body that does not fit the shared budget gets 503 unread") {
  HttpServerOptions o = Quick();
  o.max_body = 4 << 20;
  o.max_buffered_body_bytes = 3 << 20;
  o.body_deadline = 5s;
  auto server = HttpServer::Start("127.0.0.1", 0, o, HealthRoutes());
  REQUIRE(server.ok());
  const std::string headers = "POST /hooks HTTP/1.1\r\nHost: t\r\nContent-Length: 2097152\r\n\r\n";
  RawClient a((*server)->port()), b((*server)->port());
  a.Send(headers + std::string(1000, 'x'));  // 2 MiB reserved, most of it still to come
  std::this_thread::sleep_for(200ms);
  b.Send(headers);
  CHECK(b.Read(2s, "retry\n").rfind("HTTP/1.1 503", 0) == 0);
  a.Send(std::string((2 << 20) - 1000, 'x'));
  CHECK(a.Read(2s, "2097152\n").find("\r\n\r\n2097152\n") != std::string::npos);
}

TEST_CASE("Keep-alive requests, Expect: 100-continue, 404 and 405 on one connection") {
  auto server = HttpServer::Start("127.0.0.1", 0, Quick(), HealthRoutes());
  REQUIRE(server.ok());
  RawClient c((*server)->port());
  c.Send("GET /nope HTTP/1.1\r\nHost: t\r\n\r\n");
  CHECK(c.Read(2s, "not found\n").rfind("HTTP/1.1 404", 0) == 0);
  c.Send("GET /hooks HTTP/1.1\r\nHost: t\r\n\r\n");
  CHECK(c.Read(2s, "not allowed\n").rfind("HTTP/1.1 405", 0) == 0);
  c.Send("POST /hooks HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
  CHECK(c.Read(2s, "\r\n\r\n") == "HTTP/1.1 100 Continue\r\n\r\n");
  c.Send("abc");
  CHECK(c.Read(2s, "\r\n\r\n3\n").find("\r\n\r\n3\n") != std::string::npos);
}

TEST_CASE("A handler that throws gets 500, Stop closes open connections") {
  auto server = HttpServer::Start("127.0.0.1", 0, Quick(),
                                  {{"GET", "/boom", [](const IncomingRequest&) -> HttpReply {
                                      throw std::runtime_error("x");
                                    }}});
  REQUIRE(server.ok());
  RawClient c((*server)->port()), idle((*server)->port());
  c.Send("GET /boom HTTP/1.1\r\nHost: t\r\n\r\n");
  CHECK(c.Read(2s, "internal error: x\n").rfind("HTTP/1.1 500", 0) == 0);
  (*server)->Stop();
  idle.Read(1s);
  CHECK(idle.closed());
}

}  // namespace
}  // namespace cirun
