#include "tests/fuzz/config_parsers.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "jobs/repo_config_parser.h"
#include "runner/host/host_config.h"
#include "runner/host/service_config.h"

namespace cirun {
namespace {

// A positive integer spelled out in full by `text`, or -1.
long PositiveNumber(std::string_view text) {
  long value = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1) return -1;
  return value;
}

// "" if `line` is "FILE:LINE:COL: message" within `lines` lines, else why not.
std::string LineViolation(std::string_view line, std::string_view file, long lines) {
  const std::string shown = "\"" + std::string(line.substr(0, 200)) + "\"";
  if (!line.starts_with(file) || line.substr(file.size(), 1) != ":")
    return "a diagnostic does not start with " + std::string(file) + ": " + shown;
  std::string_view rest = line.substr(file.size() + 1);
  const size_t colon1 = rest.find(':');
  const size_t colon2 = colon1 == std::string_view::npos ? colon1 : rest.find(':', colon1 + 1);
  if (colon2 == std::string_view::npos)
    return "a diagnostic has no LINE:COL after the file: " + shown;
  const long line_no = PositiveNumber(rest.substr(0, colon1));
  const long column = PositiveNumber(rest.substr(colon1 + 1, colon2 - colon1 - 1));
  if (line_no < 1 || column < 1)
    return "a diagnostic's LINE:COL is not two positive numbers: " + shown;
  if (line_no > lines)
    return "a diagnostic points past the end of the file (" + std::to_string(lines) +
           " lines): " + shown;
  std::string_view message = rest.substr(colon2 + 1);
  if (!message.starts_with(" ") || message.size() < 2)
    return "a diagnostic has no message after FILE:LINE:COL: " + shown;
  return "";
}

}  // namespace

std::string_view ConfigKindName(ConfigKind kind) {
  switch (kind) {
    case ConfigKind::kRepo:
      return "repo_config";
    case ConfigKind::kHost:
      return "host_config";
    case ConfigKind::kService:
      return "service_config";
  }
  return "";
}

std::string ConfigFileName(ConfigKind kind) {
  switch (kind) {
    case ConfigKind::kRepo:
      return ".ci-run.yml";
    case ConfigKind::kHost:
      return "host.yml";
    case ConfigKind::kService:
      return "service.yml";
  }
  return "";
}

Status ParseConfigAs(ConfigKind kind, std::string_view text) {
  const std::string file = ConfigFileName(kind);
  switch (kind) {
    case ConfigKind::kRepo:
      return ParseRepoConfig(text, file).status();
    case ConfigKind::kHost: {
      HostConfig config = DefaultHostConfig();
      return ApplyHostConfig(std::string(text), file, /*allow_other_keys=*/false, &config);
    }
    case ConfigKind::kService:
      return ParseServiceConfig(std::string(text), file, "/srv/ci-run").status();
  }
  return Status::Internal("unknown config kind");
}

std::string ContractViolation(const Status& status, std::string_view file, std::string_view text) {
  if (status.ok()) return "";
  if (status.code() != Status::Code::kInvalidArgument)
    return "the error is not InvalidArgument: " + status.ToString();
  const long lines = static_cast<long>(std::count(text.begin(), text.end(), '\n')) + 1;
  std::string_view message = status.message();
  if (message.empty()) return "the error has an empty message";
  size_t start = 0;
  while (start <= message.size()) {
    size_t end = std::min(message.find('\n', start), message.size());
    if (std::string why = LineViolation(message.substr(start, end - start), file, lines);
        !why.empty())
      return why;
    start = end + 1;
  }
  return "";
}

int FuzzConfigOnce(ConfigKind kind, const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Status status = ParseConfigAs(kind, text);
  const std::string why = ContractViolation(status, ConfigFileName(kind), text);
  if (!why.empty()) {
    std::fprintf(stderr, "%s: contract broken on a %zu-byte input: %s\nthe message was:\n%s\n",
                 std::string(ConfigKindName(kind)).c_str(), size, why.c_str(),
                 status.message().substr(0, 2000).c_str());
    std::abort();
  }
  return 0;
}

}  // namespace cirun
