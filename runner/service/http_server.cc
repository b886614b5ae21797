// The cpp-httplib implementation of HttpServer (http_server.h).
#include "runner/service/http_server.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace cirun {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

class HttplibServer final : public HttpServer {
 public:
  HttplibServer(size_t max_body, std::vector<HttpRoute> routes) : routes_(std::move(routes)) {
    server_.set_payload_max_length(max_body);
    server_.set_read_timeout(std::chrono::seconds(10));
    server_.set_write_timeout(std::chrono::seconds(10));
    server_.set_keep_alive_max_count(100);
    auto dispatch = [this](const httplib::Request& req, httplib::Response& res) {
      Dispatch(req, res);
    };
    // Every path goes through Dispatch, which knows the routes (404 / 405).
    server_.Get(".*", dispatch);
    server_.Post(".*", dispatch);
    server_.Put(".*", dispatch);
    server_.Delete(".*", dispatch);
    server_.set_error_handler([](const httplib::Request&, httplib::Response& res) {
      if (res.body.empty()) {
        res.set_content(res.status == 413 ? "request body too large\n"
                                          : "error " + std::to_string(res.status) + "\n",
                        "text/plain; charset=utf-8");
      }
    });
  }

  Status Bind(const std::string& host, int port) {
    if (port == 0) {
      port_ = server_.bind_to_any_port(host);
      if (port_ < 0) return Status::IoError("cannot listen on " + host + " (any port)");
    } else {
      if (!server_.bind_to_port(host, port))
        return Status::IoError("cannot listen on " + host + ":" + std::to_string(port) +
                               " (in use, or not an address of this host)");
      port_ = port;
    }
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // cpp-httplib 0.11 has no wait_until_ready(): wait for the accept loop.
    for (int i = 0; i < 500 && !server_.is_running(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (!server_.is_running()) return Status::IoError("HTTP server did not start");
    return Status::Ok();
  }

  ~HttplibServer() override { Stop(); }

  int port() const override { return port_; }

  void Stop() override {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Dispatch(const httplib::Request& req, httplib::Response& res) {
    const HttpRoute* route = nullptr;
    bool path_known = false;
    for (const HttpRoute& r : routes_) {
      if (r.path != req.path) continue;
      path_known = true;
      if (r.method == req.method) route = &r;
    }
    if (!route) {
      res.status = path_known ? 405 : 404;
      res.set_content(path_known ? "method not allowed\n" : "not found\n",
                      "text/plain; charset=utf-8");
      return;
    }
    IncomingRequest in;
    in.method = req.method;
    in.path = req.path;
    for (const auto& [name, value] : req.headers) in.headers[Lower(name)] = value;
    in.body = req.body;
    in.remote = req.remote_addr;
    HttpReply reply;
    try {
      reply = route->handler(in);
    } catch (const std::exception& e) {
      reply = {500, "text/plain; charset=utf-8", std::string("internal error: ") + e.what() + "\n"};
    }
    res.status = reply.status;
    res.set_content(reply.body, reply.content_type.c_str());
  }

  httplib::Server server_;
  std::vector<HttpRoute> routes_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace

std::string IncomingRequest::Header(const std::string& name) const {
  auto it = headers.find(Lower(name));
  return it == headers.end() ? "" : it->second;
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const std::string& host, int port,
                                                      size_t max_body,
                                                      std::vector<HttpRoute> routes) {
  auto server = std::make_unique<HttplibServer>(max_body, std::move(routes));
  CIRUN_RETURN_IF_ERROR(server->Bind(host, port));
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace cirun
