#include "harness/boot_command_line.h"

namespace cirun {
namespace {

bool NeedsQuoting(const std::string& arg) {
  if (arg.empty()) return true;
  for (char c : arg) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'' || c == '\\') {
      return true;
    }
  }
  return false;
}

void AppendQuoted(const std::string& arg, std::string& out) {
  out += '"';
  for (char c : arg) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

}  // namespace

std::string JoinBootArgs(const std::vector<std::string>& args) {
  std::string line;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) line += ' ';
    if (NeedsQuoting(args[i])) {
      AppendQuoted(args[i], line);
    } else {
      line += args[i];
    }
  }
  return line;
}

Result<std::vector<std::string>> SplitBootCommandLine(std::string_view line) {
  std::vector<std::string> args;
  std::string current;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\\') {
      if (i + 1 == line.size()) {
        return Status::InvalidArgument("backslash at end of command line");
      }
      current += line[++i];
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ' ' && !quoted) {
      if (!current.empty()) args.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (quoted) return Status::InvalidArgument("unterminated double quote");
  if (!current.empty()) args.push_back(std::move(current));
  return args;
}

Result<std::string> GuestCommandLine(const BootRequest& request) {
  std::string line =
      request.raw_command_line ? *request.raw_command_line : JoinBootArgs(request.args);
  if (line.find('\0') != std::string::npos) {
    return Status::InvalidArgument("boot arguments contain a NUL byte");
  }
  return line;
}

Result<std::vector<std::string>> GuestArgs(const BootRequest& request) {
  if (!request.raw_command_line) {
    for (const std::string& arg : request.args) {
      if (arg.find('\0') != std::string::npos) {
        return Status::InvalidArgument("boot arguments contain a NUL byte");
      }
    }
    return request.args;
  }
  Result<std::string> line = GuestCommandLine(request);
  if (!line.ok()) return line.status();
  Result<std::vector<std::string>> args = SplitBootCommandLine(*line);
  if (!args.ok()) return args.status().WithContext("raw command line");
  return args;
}

}  // namespace cirun
