#include "harness/xl_domains.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

namespace cirun {
namespace {

constexpr size_t kMaxName = 64;
constexpr char kPrefix[] = "ci-run-";

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

// FNV-1a: stable across runs and builds (std::hash is not).
uint32_t Fnv1a(const std::string& s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

std::string LastLine(const std::string& text) {
  std::istringstream in(text);
  std::string line, last;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  }
  return last;
}

// Runs xl with `args`; its exit and output.
ProcessExit RunXl(const std::string& xl, const std::vector<std::string>& args,
                  ProcessRunner& runner, std::string* output) {
  ProcessSpec spec;
  spec.argv = {xl};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.timeout = std::chrono::seconds(30);
  spec.output_cap = 1 << 20;
  spec.unsandboxed = true;  // xl needs /dev/xen as root
  return runner.Run(
      spec,
      [output](std::string_view chunk, std::chrono::milliseconds) {
        output->append(chunk);
        return OutputAction::kContinue;
      },
      nullptr);
}

bool Succeeded(const ProcessExit& e) {
  return e.kind == ProcessExit::Kind::kExited && e.code == 0;
}

}  // namespace

std::string XlDomainName(int owner_pid, const std::string& instance_name) {
  std::string instance = instance_name;
  if (instance.rfind(kPrefix, 0) == 0) instance.erase(0, sizeof kPrefix - 1);
  for (char& c : instance) {
    if (!IsNameChar(c)) c = '-';
  }
  std::string name = kPrefix + std::to_string(owner_pid) + "-" + instance;
  if (name.size() > kMaxName) {
    char hash[16];
    std::snprintf(hash, sizeof hash, "-%08x", Fnv1a(instance_name));
    name = name.substr(0, kMaxName - 9) + hash;
  }
  return name;
}

std::optional<int> XlDomainOwner(const std::string& name) {
  if (name.rfind(kPrefix, 0) != 0) return std::nullopt;
  size_t pos = sizeof kPrefix - 1, end = pos;
  while (end < name.size() && end - pos < 10 && name[end] >= '0' && name[end] <= '9') ++end;
  if (end == pos || end >= name.size() || name[end] != '-') return std::nullopt;
  return std::stoi(name.substr(pos, end - pos));
}

std::vector<std::string> ParseXlList(const std::string& output) {
  std::vector<std::string> names;
  std::istringstream in(output);
  std::string line;
  bool header_seen = false;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string name, id;
    if (!(fields >> name >> id)) continue;
    if (!header_seen && name == "Name" && id == "ID") {
      header_seen = true;
      continue;
    }
    if (!header_seen || name == "Domain-0") continue;
    names.push_back(name);
  }
  return names;
}

bool CiRunProcessAlive(int pid) {
  if (pid <= 0) return false;
  if (kill(pid, 0) != 0 && errno == ESRCH) return false;
  std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  if (!std::getline(comm, name)) return false;
  return name == "ci-run";
}

Status DestroyXlDomain(const std::string& xl, const std::string& name, ProcessRunner& runner) {
  Status status;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::seconds(1));
    std::string output;
    ProcessExit exit = RunXl(xl, {"destroy", name}, runner, &output);
    if (Succeeded(exit)) return Status::Ok();
    if (output.find("is an invalid domain identifier") != std::string::npos) return Status::Ok();
    if (exit.kind == ProcessExit::Kind::kSpawnFailed) return Status::Unavailable(exit.Describe());
    std::string why = LastLine(output);
    status = Status::Unavailable("xl destroy " + name + " " + exit.Describe() +
                                 (why.empty() ? "" : ": " + why));
  }
  return status;
}

Result<std::vector<std::string>> ListXlDomains(const std::string& xl, ProcessRunner& runner) {
  std::string output;
  ProcessExit exit = RunXl(xl, {"list"}, runner, &output);
  if (!Succeeded(exit)) {
    std::string why = LastLine(output);
    return Status::Unavailable("xl list " + exit.Describe() + (why.empty() ? "" : ": " + why));
  }
  return ParseXlList(output);
}

Result<XlSweep> SweepLeftoverXlDomains(const std::string& xl, ProcessRunner& runner,
                                       const std::function<bool(int pid)>& alive) {
  Result<std::vector<std::string>> names = ListXlDomains(xl, runner);
  if (!names.ok()) return names.status();
  const int self = static_cast<int>(getpid());
  XlSweep sweep;
  for (const std::string& name : *names) {
    std::optional<int> owner = XlDomainOwner(name);
    if (!owner) continue;
    const bool owner_alive = alive ? alive(*owner) : CiRunProcessAlive(*owner);
    if (*owner != self && owner_alive) continue;
    Status destroyed = DestroyXlDomain(xl, name, runner);
    if (destroyed.ok())
      sweep.destroyed.push_back(name);
    else
      sweep.failed.push_back(name + ": " + destroyed.message());
  }
  return sweep;
}

}  // namespace cirun
