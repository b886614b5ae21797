#include "harness/process_group.h"

#include <dirent.h>
#include <signal.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

namespace cirun {
namespace {

struct ProcStat {
  char state = '?';
  long pgrp = -1;
};

// Reads "pid (comm) state ppid pgrp ..." from /proc/<pid>/stat; comm may hold ')'.
bool ReadProcStat(const std::string& pid, ProcStat& out) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string text;
  if (!std::getline(in, text)) return false;
  size_t close = text.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream rest(text.substr(close + 1));
  long ppid = 0;
  return static_cast<bool>(rest >> out.state >> ppid >> out.pgrp);
}

bool AnyLiveProcessInGroup(pid_t pgid) {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(opendir("/proc"), closedir);
  if (!dir) return true;  // cannot tell: assume alive
  while (dirent* entry = readdir(dir.get())) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    ProcStat stat;
    if (!ReadProcStat(entry->d_name, stat)) continue;
    if (stat.pgrp == pgid && stat.state != 'Z' && stat.state != 'X') return true;
  }
  return false;
}

}  // namespace

bool SignalGroup(pid_t pgid, int signal) {
  return pgid > 0 && kill(-pgid, signal) == 0;
}

bool GroupHasLiveMembers(pid_t pgid) {
  if (pgid <= 0) return false;
  if (kill(-pgid, 0) != 0 && errno == ESRCH) return false;
  return AnyLiveProcessInGroup(pgid);  // only zombies left is "gone"
}

bool WaitUntilGroupGone(pid_t pgid, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (GroupHasLiveMembers(pgid)) {
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace cirun
