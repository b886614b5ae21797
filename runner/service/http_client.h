// HttpClient: outgoing HTTP requests (the GitHub API). One real
// implementation (libcurl); tests point it at a local server.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace cirun {

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{15'000};  // whole request, connection included
};

struct HttpResponse {
  int status = 0;     // HTTP status; 0 when no response arrived
  std::string body;   // capped at 1 MiB
  std::string error;  // why no response arrived (DNS, refused, timeout, TLS); "" otherwise
  bool ok() const { return error.empty() && status >= 200 && status < 300; }
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  /// Sends `request` and waits for the answer. Never throws. Thread-safe.
  virtual HttpResponse Send(const HttpRequest& request) = 0;
};

/// The libcurl client: redirects not followed, TLS verified, no signals.
std::unique_ptr<HttpClient> MakeCurlHttpClient();

}  // namespace cirun
