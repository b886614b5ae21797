#include "harness/resource_group.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

namespace cirun {
namespace {

// A mounted cgroup hierarchy: where it is and which part of it is mounted.
struct Hierarchy {
  std::string mount_point;  // "/sys/fs/cgroup/memory"
  std::string root;         // the hierarchy path mounted there ("/" usually)
};

// The cgroup mounts of this process, by controller ("memory", "pids"), and
// the v2 tree under "" (from /proc/self/mountinfo).
std::map<std::string, Hierarchy> CgroupMounts() {
  std::map<std::string, Hierarchy> mounts;
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, dev, root, point, word;
    fields >> id >> parent >> dev >> root >> point;
    while (fields >> word && word != "-") {
    }
    std::string fstype, source, options;
    fields >> fstype >> source >> options;
    if (fstype == "cgroup2") {
      mounts.try_emplace("", Hierarchy{point, root});
    } else if (fstype == "cgroup") {
      std::stringstream opts(options);
      std::string opt;
      while (std::getline(opts, opt, ',')) mounts.try_emplace(opt, Hierarchy{point, root});
    }
  }
  return mounts;
}

// This process's cgroup path per controller, and the v2 path under "".
std::map<std::string, std::string> OwnCgroups() {
  std::map<std::string, std::string> own;
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    size_t a = line.find(':');
    size_t b = a == std::string::npos ? a : line.find(':', a + 1);
    if (b == std::string::npos) continue;
    std::string controllers = line.substr(a + 1, b - a - 1);
    std::string path = line.substr(b + 1);
    if (controllers.empty()) {
      own[""] = path;
      continue;
    }
    std::stringstream list(controllers);
    std::string c;
    while (std::getline(list, c, ',')) own[c] = path;
  }
  return own;
}

// The directory of this process's cgroup for `controller` ("" : v2), or "".
std::string OwnDir(const std::string& controller) {
  auto mounts = CgroupMounts();
  auto own = OwnCgroups();
  auto m = mounts.find(controller);
  auto o = own.find(controller);
  if (m == mounts.end() || o == own.end()) return "";
  std::string path = o->second;
  const std::string& root = m->second.root;
  if (root != "/") {
    if (!path.starts_with(root)) return "";
    path = path.substr(root.size());
  }
  return m->second.mount_point + (path == "/" ? "" : path);
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.flush();
  return static_cast<bool>(out);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The number after `key` in a "key value" per line file (memory.events,
// pids.events, memory.oom_control), 0 if absent.
uint64_t Counter(const std::string& file, const std::string& key) {
  std::istringstream in(ReadFile(file));
  std::string k;
  uint64_t v = 0;
  while (in >> k >> v) {
    if (k == key) return v;
  }
  return 0;
}

Result<std::string> MakeGroup(const std::string& parent, const std::string& name) {
  if (parent.empty()) return Status::Unavailable("no such cgroup hierarchy");
  std::string dir = parent + "/" + name;
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    return Status::Unavailable("cannot create " + dir + ": " + std::strerror(errno));
  return dir;
}

std::vector<pid_t> Members(const std::string& dir) {
  std::vector<pid_t> pids;
  std::istringstream in(ReadFile(dir + "/cgroup.procs"));
  pid_t pid = 0;
  while (in >> pid) pids.push_back(pid);
  return pids;
}

}  // namespace

std::string ByteSizeText(uint64_t bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  double value = static_cast<double>(bytes);
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  if (unit == 0) return std::to_string(bytes) + " bytes";
  char text[32];
  if (value == static_cast<double>(static_cast<uint64_t>(value)))
    std::snprintf(text, sizeof text, "%.0f %s", value, units[unit]);
  else
    std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
  return text;
}

Result<std::unique_ptr<ResourceGroup>> ResourceGroup::Create(const std::string& name,
                                                             const ResourceGroupLimits& limits) {
  std::unique_ptr<ResourceGroup> group(new ResourceGroup());
  group->limits_ = limits;
  std::string why;
  // v1: one hierarchy per controller.
  if (limits.memory_bytes > 0) {
    auto dir = MakeGroup(OwnDir("memory"), name);
    if (dir.ok() &&
        WriteFile(*dir + "/memory.limit_in_bytes", std::to_string(limits.memory_bytes))) {
      group->memory_dir_ = *dir;
    } else {
      if (dir.ok()) rmdir(dir->c_str());
      why = dir.ok() ? "cannot set memory.limit_in_bytes" : dir.status().message();
    }
  }
  if (limits.processes > 0) {
    auto dir = MakeGroup(OwnDir("pids"), name);
    if (dir.ok() && WriteFile(*dir + "/pids.max", std::to_string(limits.processes))) {
      group->pids_dir_ = *dir;
    } else {
      if (dir.ok()) rmdir(dir->c_str());
      if (why.empty()) why = dir.ok() ? "cannot set pids.max" : dir.status().message();
    }
  }
  const bool want_memory = limits.memory_bytes > 0, want_pids = limits.processes > 0;
  if ((want_memory && group->memory_dir_.empty()) || (want_pids && group->pids_dir_.empty())) {
    // v2: one tree; the controllers must be enabled for our cgroup's children.
    std::string parent = OwnDir("");
    std::string enabled = parent.empty() ? "" : ReadFile(parent + "/cgroup.subtree_control");
    const bool has_memory = enabled.find("memory") != std::string::npos;
    const bool has_pids = enabled.find("pids") != std::string::npos;
    if (!parent.empty() && (!want_memory || has_memory || !group->memory_dir_.empty()) &&
        (!want_pids || has_pids || !group->pids_dir_.empty())) {
      auto dir = MakeGroup(parent, name);
      if (dir.ok()) {
        bool ok = true;
        if (want_memory && group->memory_dir_.empty()) {
          ok = ok && WriteFile(*dir + "/memory.max", std::to_string(limits.memory_bytes));
          WriteFile(*dir + "/memory.swap.max", "0");  // absent without swap accounting
        }
        if (want_pids && group->pids_dir_.empty())
          ok = ok && WriteFile(*dir + "/pids.max", std::to_string(limits.processes));
        if (ok && group->memory_dir_.empty() && group->pids_dir_.empty()) {
          group->v2_ = true;
          if (want_memory) group->memory_dir_ = *dir;
          if (want_pids) group->pids_dir_ = *dir;
        } else {
          rmdir(dir->c_str());
        }
      } else if (why.empty()) {
        why = dir.status().message();
      }
    } else if (why.empty()) {
      why = parent.empty() ? "no cgroup hierarchy with the memory and pids controllers"
                           : "the memory and pids controllers are not enabled under " + parent;
    }
  }
  if (!group->v2_) {
    // CPU accounting, v1: its own hierarchy; without it CpuTime() says so.
    auto dir = MakeGroup(OwnDir("cpuacct"), name);
    if (dir.ok()) group->cpuacct_dir_ = *dir;
  }
  if ((want_memory && group->memory_dir_.empty()) || (want_pids && group->pids_dir_.empty())) {
    if (!group->cpuacct_dir_.empty()) rmdir(group->cpuacct_dir_.c_str());
    group->cpuacct_dir_.clear();
    return Status::Unavailable("cgroups: " + (why.empty() ? std::string("not available") : why));
  }
  return group;
}

ResourceGroup::~ResourceGroup() {
  KillAll();
  if (!memory_dir_.empty()) rmdir(memory_dir_.c_str());
  if (!pids_dir_.empty() && pids_dir_ != memory_dir_) rmdir(pids_dir_.c_str());
  if (!cpuacct_dir_.empty()) rmdir(cpuacct_dir_.c_str());
}

std::vector<std::string> ResourceGroup::ProcsFiles() const {
  std::vector<std::string> files;
  if (!memory_dir_.empty()) files.push_back(memory_dir_ + "/cgroup.procs");
  if (!pids_dir_.empty() && pids_dir_ != memory_dir_) files.push_back(pids_dir_ + "/cgroup.procs");
  if (!cpuacct_dir_.empty()) files.push_back(cpuacct_dir_ + "/cgroup.procs");
  return files;
}

std::string ResourceGroup::LimitHit() const {
  if (!memory_dir_.empty()) {
    uint64_t kills = v2_ ? Counter(memory_dir_ + "/memory.events", "oom_kill")
                         : Counter(memory_dir_ + "/memory.oom_control", "oom_kill");
    if (kills > 0) return "used more than " + ByteSizeText(limits_.memory_bytes) + " of memory";
  }
  if (!pids_dir_.empty() && Counter(pids_dir_ + "/pids.events", "max") > 0) {
    return "tried to run more than " + std::to_string(limits_.processes) + " processes at once";
  }
  return "";
}

std::optional<std::chrono::microseconds> ResourceGroup::CpuTime() const {
  if (v2_) {
    const std::string dir = !memory_dir_.empty() ? memory_dir_ : pids_dir_;
    return std::chrono::microseconds(Counter(dir + "/cpu.stat", "usage_usec"));
  }
  if (cpuacct_dir_.empty()) return std::nullopt;
  std::istringstream in(ReadFile(cpuacct_dir_ + "/cpuacct.usage"));
  uint64_t ns = 0;
  if (!(in >> ns)) return std::nullopt;
  return std::chrono::microseconds(ns / 1000);
}

void ResourceGroup::KillAll() {
  const std::string dir = !pids_dir_.empty() ? pids_dir_ : memory_dir_;
  if (dir.empty()) return;
  if (v2_) WriteFile(dir + "/cgroup.kill", "1");  // the kernel kills them; wait below
  for (int round = 0; round < 200; ++round) {
    std::vector<pid_t> pids = Members(dir);
    if (pids.empty()) return;
    for (pid_t pid : pids) kill(pid, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace cirun
