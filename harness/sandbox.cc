#include "harness/sandbox.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "harness/duration_text.h"
#include "harness/executable_search.h"
#include "harness/resource_group.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDefaultPath = "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin";
constexpr const char* kSandboxUid = "1000";

// The top-level directories of a Debian system besides /usr: links into /usr
// on a merged-/usr system, directories on an older one.
const char* const kSystemDirs[] = {"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"};

// What of /etc a build or a boot may need, and nothing that could hold a
// secret (the service's files live elsewhere or are hidden explicitly).
const char* const kEtcFiles[] = {
    "/etc/alternatives", "/etc/ld.so.cache",     "/etc/ld.so.conf",    "/etc/ld.so.conf.d",
    "/etc/passwd",       "/etc/group",           "/etc/nsswitch.conf", "/etc/localtime",
    "/etc/ssl",          "/etc/ca-certificates", "/etc/findlib.conf",  "/etc/ocamlfind.conf",
    "/etc/os-release",   "/etc/debian_version",  "/etc/mime.types",    "/etc/qemu"};

bool Under(const std::string& path, const std::string& dir) {
  if (dir == "/") return true;
  return path == dir || (path.starts_with(dir) && path[dir.size()] == '/');
}

int Depth(const std::string& path) {
  return static_cast<int>(std::count(path.begin(), path.end(), '/'));
}

std::string Absolute(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::absolute(path, ec);
  return (ec ? fs::path(path) : p).lexically_normal().string();
}

struct Mount {
  std::string option;  // "--ro-bind-try", "--bind"
  std::string path;
};

std::string RlimitText(int signal, const SandboxLimits& limits) {
  if (signal == SIGXCPU)
    return "used more than " + FormatDuration(limits.cpu_time) + " of CPU time";
  if (signal == SIGXFSZ) return "wrote a file larger than " + ByteSizeText(limits.file_bytes);
  return "";
}

// Processes of this uid now (for an RLIMIT_NPROC that leaves room for them).
int ProcessesOfThisUser() {
  int count = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    struct stat st {};
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    if (stat(entry.path().c_str(), &st) == 0 && st.st_uid == getuid()) ++count;
  }
  return count;
}

uint64_t FreeBytes(const std::string& path) {
  struct statvfs s {};
  if (statvfs(path.c_str(), &s) != 0) return 0;
  return static_cast<uint64_t>(s.f_bavail) * s.f_frsize;
}

}  // namespace

Status SandboxAvailable(const std::string& bwrap) {
  static std::mutex mu;
  static std::map<std::string, Status> probed;
  std::lock_guard<std::mutex> lock(mu);
  auto it = probed.find(bwrap);
  if (it != probed.end()) return it->second;
  ProcessSpec spec;
  spec.argv = {bwrap, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "true"};
  spec.timeout = std::chrono::seconds(20);
  std::string output;
  ProcessExit exit = RealProcessRunner().Run(
      spec,
      [&output](std::string_view chunk, std::chrono::milliseconds) {
        output.append(chunk);
        return OutputAction::kContinue;
      },
      nullptr);
  Status status = Status::Ok();
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
  if (exit.kind == ProcessExit::Kind::kSpawnFailed) {
    status = Status::Unavailable(bwrap + ": " + exit.error +
                                 " (install bubblewrap: apt-get install bubblewrap)");
  } else if (exit.kind != ProcessExit::Kind::kExited || exit.code != 0) {
    status = Status::Unavailable(
        "bubblewrap cannot create a sandbox here (" + exit.Describe() +
        (output.empty() ? "" : ": " + output) +
        "); user namespaces may be disabled (sysctl kernel.unprivileged_userns_clone=1, "
        "user.max_user_namespaces > 0)");
  }
  probed.emplace(bwrap, status);
  return status;
}

std::vector<std::string> SandboxArgv(const SandboxPolicy& policy, const ProcessSpec& spec) {
  std::vector<std::string> argv = {policy.bwrap, "--unshare-all"};
  if (spec.network) argv.push_back("--share-net");
  argv.insert(argv.end(), {"--die-with-parent", "--new-session", "--uid", kSandboxUid, "--gid",
                           kSandboxUid, "--hostname", "ci-run-sandbox"});
  // The system, read-only.
  argv.insert(argv.end(), {"--ro-bind", "/usr", "/usr"});
  for (const char* dir : kSystemDirs) {
    std::error_code ec;
    if (fs::is_symlink(dir, ec)) {
      argv.insert(argv.end(), {"--symlink", fs::read_symlink(dir, ec).string(), dir});
    } else if (fs::is_directory(dir, ec)) {
      argv.insert(argv.end(), {"--ro-bind", dir, dir});
    }
  }
  for (const char* file : kEtcFiles) argv.insert(argv.end(), {"--ro-bind-try", file, file});
  if (spec.network) {
    for (const char* file : {"/etc/resolv.conf", "/etc/hosts", "/etc/host.conf"})
      argv.insert(argv.end(), {"--ro-bind-try", file, file});
  }
  argv.insert(argv.end(), {"--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"});
  argv.insert(argv.end(), {"--dev-bind-try", "/dev/kvm", "/dev/kvm"});
  if (spec.network) argv.insert(argv.end(), {"--dev-bind-try", "/dev/net/tun", "/dev/net/tun"});

  // What the command names, parents before children.
  std::vector<Mount> mounts;
  auto add = [&mounts](const char* option, const std::string& path) {
    if (!path.empty()) mounts.push_back({option, Absolute(path)});
  };
  for (const std::string& p : spec.read_only_paths) add("--ro-bind-try", p);
  for (const std::string& p : policy.read_only) add("--ro-bind-try", p);
  if (!spec.argv.empty() && spec.argv[0].starts_with("/")) add("--ro-bind-try", spec.argv[0]);
  for (const std::string& p : spec.writable_paths) add("--bind", p);
  if (!policy.cache_home.empty()) add("--bind", policy.cache_home);
  std::stable_sort(mounts.begin(), mounts.end(),
                   [](const Mount& a, const Mount& b) { return Depth(a.path) < Depth(b.path); });
  std::set<std::string> mounted;
  for (const Mount& m : mounts) {
    if (!mounted.insert(m.option + m.path).second) continue;
    argv.insert(argv.end(), {m.option, m.path, m.path});
  }
  // What must stay invisible although it lies below something visible.
  for (const std::string& hidden : policy.hidden) {
    const std::string h = Absolute(hidden);
    const bool below = std::any_of(mounts.begin(), mounts.end(),
                                   [&h](const Mount& m) { return Under(h, m.path); }) ||
                       Under(h, "/usr");
    std::error_code ec;
    if (!below || !fs::exists(h, ec)) continue;
    if (fs::is_directory(h, ec))
      argv.insert(argv.end(), {"--tmpfs", h});
    else
      argv.insert(argv.end(), {"--ro-bind", "/dev/null", h});
  }

  std::string cwd =
      spec.cwd.empty() ? (spec.writable_paths.empty() ? "/tmp" : spec.writable_paths[0]) : spec.cwd;
  argv.insert(argv.end(), {"--chdir", Absolute(cwd)});
  // A scrubbed environment: the basics, then the command's own variables.
  argv.push_back("--clearenv");
  std::map<std::string, std::string> env = {
      {"PATH", kDefaultPath},
      {"HOME", "/tmp"},
      {"TMPDIR", "/tmp"},
      {"LANG", "C.UTF-8"},
      {"TERM", "dumb"},
      {"USER", "ci-run"},
      {"LOGNAME", "ci-run"},
      {"XDG_CACHE_HOME", policy.cache_home.empty() ? "/tmp/.cache" : Absolute(policy.cache_home)}};
  for (const auto& [name, value] : spec.env_set) env[name] = value;
  for (const auto& [name, value] : env) argv.insert(argv.end(), {"--setenv", name, value});
  argv.push_back("--");
  argv.insert(argv.end(), spec.argv.begin(), spec.argv.end());
  return argv;
}

uint64_t DiskUsage(const std::vector<std::string>& paths) {
  uint64_t total = 0;
  std::set<std::pair<dev_t, ino_t>> linked;
  for (const std::string& root : paths) {
    std::error_code ec;
    auto account = [&](const fs::path& p) {
      struct stat st {};
      if (lstat(p.c_str(), &st) != 0) return;
      if (st.st_nlink > 1 && !S_ISDIR(st.st_mode) && !linked.insert({st.st_dev, st.st_ino}).second)
        return;
      total += static_cast<uint64_t>(st.st_blocks) * 512;
    };
    account(root);
    for (fs::recursive_directory_iterator
             it(root, fs::directory_options::skip_permission_denied, ec),
         end;
         !ec && it != end; it.increment(ec)) {
      account(it->path());
    }
  }
  return total;
}

ProcessExit SandboxedProcessRunner::Run(const ProcessSpec& spec, const OutputCallback& on_output,
                                        const CancelToken* cancel) {
  if (!policy_.enabled || spec.unsandboxed) return inner_.Run(spec, on_output, cancel);
  if (Status s = SandboxAvailable(policy_.bwrap); !s.ok()) {
    ProcessExit exit;
    exit.error = "no sandbox: " + s.message();
    return exit;
  }
  if (!policy_.cache_home.empty()) {
    std::error_code ec;
    fs::create_directories(policy_.cache_home, ec);
  }
  const SandboxLimits& limits = policy_.limits;
  ProcessSpec boxed;
  // The program ci-run would have run: found on ci-run's PATH (a tender in
  // a directory the box does not show is then shown, read-only), unless the
  // command sets a PATH of its own (a toolchain's), which the box keeps.
  ProcessSpec resolved = spec;
  if (!spec.argv.empty() && spec.argv[0].find('/') == std::string::npos &&
      !spec.env_set.contains("PATH")) {
    if (auto exe = FindExecutable(spec.argv[0]); exe.ok()) resolved.argv[0] = *exe;
  }
  boxed.argv = SandboxArgv(policy_, resolved);
  boxed.timeout = spec.timeout;
  boxed.kill_grace = spec.kill_grace;
  boxed.output_cap = spec.output_cap;
  boxed.rlimits = spec.rlimits;
  boxed.rlimits.push_back({RLIMIT_CPU, static_cast<uint64_t>(limits.cpu_time.count())});
  boxed.rlimits.push_back({RLIMIT_FSIZE, limits.file_bytes});
  boxed.rlimits.push_back({RLIMIT_CORE, 0});

  static std::atomic<int> runs{0};
  const std::string group_name =
      "ci-run-" + std::to_string(getpid()) + "-" + std::to_string(++runs);
  auto group = ResourceGroup::Create(group_name, {limits.memory_bytes, limits.processes});
  std::unique_ptr<ResourceGroup> cgroup;
  if (group.ok()) {
    cgroup = std::move(*group);
    boxed.join_cgroups = cgroup->ProcsFiles();
  } else {
    // Per-process fallbacks: the address space, and (not for root, which the
    // kernel exempts) this user's processes.
    boxed.rlimits.push_back({RLIMIT_AS, limits.memory_bytes});
    if (getuid() != 0) {
      boxed.rlimits.push_back(
          {RLIMIT_NPROC, static_cast<uint64_t>(limits.processes + ProcessesOfThisUser())});
    }
  }
  std::vector<std::string> writable = spec.writable_paths;
  const uint64_t free_at_start = writable.empty() ? 0 : FreeBytes(writable[0]);
  int polls = 0;
  boxed.watchdog = [&]() -> std::string {
    if (spec.watchdog) {
      std::string own = spec.watchdog();
      if (!own.empty()) return own;
    }
    if (cgroup) {
      std::string hit = cgroup->LimitHit();
      if (!hit.empty()) return hit;
    }
    if (writable.empty()) return "";
    // Cheap first: the walk runs when the file system lost half the limit
    // (other writers count there too), and every 10 s in case they freed some.
    const uint64_t free_now = FreeBytes(writable[0]);
    const bool dropped = free_now + limits.disk_bytes / 2 <= free_at_start;
    if (!dropped && ++polls % 10 != 0) return "";
    if (DiskUsage(writable) <= limits.disk_bytes) return "";
    return "wrote more than " + ByteSizeText(limits.disk_bytes) + " to disk";
  };

  std::string head;  // the first bytes of output: bwrap's own errors start "bwrap: "
  OutputCallback sniff = [&](std::string_view chunk, std::chrono::milliseconds since) {
    if (head.size() < 256) head.append(chunk.substr(0, 256 - head.size()));
    return on_output ? on_output(chunk, since) : OutputAction::kContinue;
  };
  ProcessExit exit = inner_.Run(boxed, sniff, cancel);

  if (exit.limit.empty() && cgroup) exit.limit = cgroup->LimitHit();
  // wait4() saw bubblewrap; the group saw the command and all it started.
  if (auto cpu = cgroup ? cgroup->CpuTime() : std::nullopt; cpu && *cpu > exit.cpu_time)
    exit.cpu_time = *cpu;
  if (exit.kind == ProcessExit::Kind::kExited && exit.code == 1 && head.starts_with("bwrap: ")) {
    exit.kind = ProcessExit::Kind::kSpawnFailed;
    exit.error = "sandbox: " + head.substr(0, head.find('\n'));
  } else if (exit.kind == ProcessExit::Kind::kExited && exit.code > 128 && exit.code <= 128 + 64 &&
             !spec.high_exit_codes) {
    exit.kind = ProcessExit::Kind::kSignaled;
    exit.signal = exit.code - 128;
    if (exit.limit.empty()) exit.limit = RlimitText(exit.signal, limits);
  }
  return exit;
}

}  // namespace cirun
