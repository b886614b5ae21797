// RealProcessRunner: Boost.Process spawns, Boost.Asio reads the pipe and keeps time.
//
// One Supervision per Run, on the calling thread, with its own io_context:
// - the child is spawned into its own process group (setpgid), with
//   PR_SET_PDEATHSIG, an unblocked signal mask, stdin from /dev/null and every
//   inherited descriptor above 2 marked close-on-exec;
// - output is read as it arrives and handed to the callback (up to output_cap);
// - a tick (every 50 ms, sooner for deadlines) checks the CancelToken, the
//   deadline and the kill grace; a pidfd (when the kernel has one) reports the
//   leader's exit at once;
// - once the leader has exited (seen with WNOWAIT, so its pid cannot be reused)
//   the whole group gets SIGKILL, the leader is reaped, the pipe is drained, and
//   Run waits until no live process of the group remains.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/args.hpp>
#include <boost/process/async_pipe.hpp>
#include <boost/process/child.hpp>
#include <boost/process/env.hpp>
#include <boost/process/environment.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/io.hpp>
#include <boost/process/search_path.hpp>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>

#include "harness/process_group.h"
#include "harness/process_runner.h"

namespace cirun {
namespace {

namespace asio = boost::asio;
namespace bp = boost::process;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kTick{50};           // CancelToken polling period
constexpr milliseconds kFastTick{2};        // after EOF, while the leader finishes exiting
constexpr milliseconds kDrainLimit{1'000};  // pipe held open by a process that left the group
constexpr milliseconds kGroupGoneLimit{2'000};
constexpr milliseconds kWatchdogPeriod{1'000};

milliseconds Since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

// What the child applies to itself before exec, prepared before the fork.
struct ChildLimits {
  std::vector<std::pair<int, struct rlimit>> rlimits;
  std::vector<const char*> cgroup_procs;  // cgroup.procs files to write "0" (= this process) to
};

// Runs in the child between fork and exec: async-signal-safe calls only.
template <typename Executor>
void SetUpChild(Executor& exec, pid_t parent, const char* cwd, const ChildLimits& limits) {
  auto fail = [&](const char* what) {
    exec.set_error(std::error_code(errno, std::system_category()), what);
    _exit(127);
  };
  if (setpgid(0, 0) != 0) fail("setpgid");
  if (cwd[0] != '\0' && chdir(cwd) != 0) fail("chdir");  // bp::start_dir ignores errors
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail("prctl(PR_SET_PDEATHSIG)");
  if (getppid() != parent) _exit(127);  // ci-run died before prctl took effect
  for (const char* procs : limits.cgroup_procs) {
    int fd = open(procs, O_WRONLY | O_CLOEXEC);
    if (fd < 0) fail("open cgroup.procs");
    if (write(fd, "0", 1) != 1) fail("join cgroup");
    close(fd);
  }
  for (const auto& [resource, limit] : limits.rlimits) {
    if (setrlimit(resource, &limit) != 0) fail("setrlimit");
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT}) signal(sig, SIG_DFL);
  if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
    for (int fd = 3; fd < 4096; ++fd) fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
}

bp::environment ChildEnvironment(const ProcessSpec& spec) {
  bp::environment env = boost::this_process::environment();
  for (const auto& [name, value] : spec.env_set) env[name] = value;
  for (const std::string& name : spec.env_unset) env.erase(name);
  return env;
}

// argv[0] as execve needs it: unchanged with a '/', else found in the child's PATH.
std::optional<std::string> ResolveExecutable(const std::string& name, bp::environment& env) {
  if (name.find('/') != std::string::npos) return name;
  std::vector<boost::filesystem::path> dirs;
  auto path = env.find("PATH");
  if (path != env.end()) {
    for (const std::string& dir : path->to_vector()) dirs.emplace_back(dir.empty() ? "." : dir);
  }
  boost::filesystem::path found = bp::search_path(name, dirs);
  if (found.empty()) return std::nullopt;
  return found.string();
}

// "" if `cwd` is usable as the child's directory, else why not.
std::string CheckCwd(const std::string& cwd) {
  if (cwd.empty()) return "";
  struct stat st {};
  if (stat(cwd.c_str(), &st) != 0) return "cwd " + cwd + ": " + std::strerror(errno);
  if (!S_ISDIR(st.st_mode)) return "cwd " + cwd + ": not a directory";
  return "";
}

std::mutex& SpawnMutex() {
  static std::mutex mutex;
  return mutex;
}

int PidfdOpen(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
#else
  return -1;
#endif
}

class Supervision {
 public:
  Supervision(const ProcessSpec& spec, const OutputCallback& on_output, const CancelToken* cancel)
      : spec_(spec), on_output_(on_output), cancel_(cancel) {}
  Supervision(const Supervision&) = delete;
  Supervision& operator=(const Supervision&) = delete;
  /// Only matters if Run threw: the child must not outlive its supervision.
  ~Supervision() {
    if (pid_ > 0 && !reaped_) {
      SignalGroup(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  ProcessExit Run();

 private:
  std::string Spawn();
  void StartRead();
  void OnRead(const boost::system::error_code& ec, size_t n);
  void Deliver(std::string_view chunk);
  void WatchPidfd();
  void ScheduleTick();
  void OnTick();
  void CheckStopConditions();
  void BeginKill(ProcessExit::Kind reason);
  bool LeaderExited();
  void ReapLeader();
  void Finish();
  void FillExit();

  const ProcessSpec& spec_;
  const OutputCallback& on_output_;
  const CancelToken* cancel_;

  asio::io_context io_;
  std::optional<bp::async_pipe> pipe_;
  asio::posix::stream_descriptor pidfd_{io_};
  asio::steady_timer tick_{io_};
  std::array<char, 64 * 1024> buffer_{};

  pid_t pid_ = -1;
  Clock::time_point start_;
  std::optional<Clock::time_point> deadline_;
  std::optional<Clock::time_point> kill_deadline_;  // SIGTERM sent, SIGKILL due
  Clock::time_point drain_deadline_;
  Clock::time_point next_watch_;
  std::optional<ProcessExit::Kind> kill_reason_;
  bool sigkill_sent_ = false;
  bool delivering_ = true;
  bool eof_ = false;
  bool reaped_ = false;
  bool finished_ = false;
  int wait_status_ = 0;
  size_t delivered_ = 0;
  ProcessExit exit_;
};

ProcessExit Supervision::Run() {
  start_ = Clock::now();
  if (spec_.argv.empty()) {
    exit_.error = "empty argv";
    return exit_;
  }
  exit_.error = Spawn();
  if (!exit_.error.empty()) {
    exit_.kind = ProcessExit::Kind::kSpawnFailed;
    exit_.elapsed = Since(start_);
    return exit_;
  }
  exit_.pid = pid_;
  if (spec_.timeout.count() > 0) deadline_ = start_ + spec_.timeout;
  next_watch_ = start_ + kWatchdogPeriod;
  StartRead();
  WatchPidfd();
  OnTick();
  io_.run();
  exit_.elapsed = Since(start_);
  WaitUntilGroupGone(pid_, kGroupGoneLimit);
  FillExit();
  return exit_;
}

std::string Supervision::Spawn() {
  bp::environment env = ChildEnvironment(spec_);
  std::optional<std::string> exe = ResolveExecutable(spec_.argv[0], env);
  if (!exe) return spec_.argv[0] + ": not found in PATH";
  std::string cwd_error = CheckCwd(spec_.cwd);
  if (!cwd_error.empty()) return cwd_error;
  std::vector<std::string> args(spec_.argv.begin() + 1, spec_.argv.end());
  const pid_t parent = getpid();
  ChildLimits limits;
  for (const ResourceLimit& l : spec_.rlimits) {
    struct rlimit r {};
    r.rlim_cur = r.rlim_max = static_cast<rlim_t>(l.value);
    limits.rlimits.emplace_back(l.resource, r);
  }
  for (const std::string& procs : spec_.join_cgroups) limits.cgroup_procs.push_back(procs.c_str());
  pid_t failed_pid = -1;
  std::error_code ec;
  std::lock_guard<std::mutex> lock(SpawnMutex());
  try {
    pipe_.emplace(io_);
    bp::child child(
        bp::exe = *exe, bp::args = args, env,
        bp::std_in<bp::null, (bp::std_out & bp::std_err)> * pipe_,
        bp::extend::on_exec_setup = [parent, cwd = spec_.cwd.c_str(), &limits](
                                        auto& exec) { SetUpChild(exec, parent, cwd, limits); },
        bp::extend::on_error = [&failed_pid](auto& exec,
                                             const std::error_code&) { failed_pid = exec.pid; },
        ec);
    if (failed_pid > 0) waitpid(failed_pid, nullptr, 0);  // Boost does not reap a failed exec
    if (ec) return *exe + ": " + ec.message();
    pid_ = child.id();
    child.detach();  // we wait for it ourselves (waitid/waitpid), never Boost
  } catch (const std::exception& e) {
    return *exe + ": " + e.what();
  }
  return "";
}

void Supervision::StartRead() {
  pipe_->async_read_some(asio::buffer(buffer_),
                         [this](const boost::system::error_code& ec, size_t n) { OnRead(ec, n); });
}

void Supervision::OnRead(const boost::system::error_code& ec, size_t n) {
  if (n > 0) Deliver(std::string_view(buffer_.data(), n));
  if (ec || finished_) {
    eof_ = true;
    if (!finished_) OnTick();
    return;
  }
  StartRead();
}

void Supervision::Deliver(std::string_view chunk) {
  exit_.output_bytes += chunk.size();
  const size_t room = spec_.output_cap - std::min(delivered_, spec_.output_cap);
  const size_t take = std::min(room, chunk.size());
  exit_.dropped_bytes += chunk.size() - take;
  if (!delivering_ || take == 0 || !on_output_) return;
  delivered_ += take;
  if (on_output_(chunk.substr(0, take), Since(start_)) == OutputAction::kStop) {
    delivering_ = false;
    if (!reaped_ && !kill_reason_) BeginKill(ProcessExit::Kind::kStopped);
  }
}

void Supervision::WatchPidfd() {
  int fd = PidfdOpen(pid_);
  if (fd < 0) return;  // no pidfd: the tick notices the exit
  pidfd_.assign(fd);
  pidfd_.async_wait(asio::posix::stream_descriptor::wait_read,
                    [this](const boost::system::error_code& ec) {
                      if (!ec && !finished_) OnTick();
                    });
}

void Supervision::ScheduleTick() {
  Clock::time_point next = Clock::now() + ((eof_ && !reaped_) ? kFastTick : kTick);
  if (!reaped_) {
    if (deadline_ && !kill_reason_) next = std::min(next, *deadline_);
    if (kill_deadline_ && !sigkill_sent_) next = std::min(next, *kill_deadline_);
  } else {
    next = std::min(next, drain_deadline_);
  }
  tick_.expires_at(next);
  tick_.async_wait([this](const boost::system::error_code& ec) {
    if (ec != asio::error::operation_aborted && !finished_) OnTick();
  });
}

void Supervision::OnTick() {
  if (finished_) return;
  if (!reaped_ && LeaderExited()) ReapLeader();
  if (!reaped_) CheckStopConditions();
  if (reaped_ && (eof_ || Clock::now() >= drain_deadline_)) {
    Finish();
    return;
  }
  ScheduleTick();
}

void Supervision::CheckStopConditions() {
  const Clock::time_point now = Clock::now();
  if (!kill_reason_) {
    if (cancel_ != nullptr && cancel_->cancelled()) {
      BeginKill(ProcessExit::Kind::kCancelled);
    } else if (deadline_ && now >= *deadline_) {
      BeginKill(ProcessExit::Kind::kTimedOut);
    } else if (spec_.watchdog && now >= next_watch_) {
      next_watch_ = now + kWatchdogPeriod;
      std::string limit = spec_.watchdog();
      if (!limit.empty()) {
        exit_.limit = std::move(limit);
        BeginKill(ProcessExit::Kind::kStopped);
      }
    }
  } else if (!sigkill_sent_ && now >= *kill_deadline_) {
    SignalGroup(pid_, SIGKILL);
    sigkill_sent_ = true;
  }
}

void Supervision::BeginKill(ProcessExit::Kind reason) {
  kill_reason_ = reason;
  kill_deadline_ = Clock::now() + spec_.kill_grace;
  if (spec_.kill_grace.count() <= 0) {
    SignalGroup(pid_, SIGKILL);
    sigkill_sent_ = true;
    return;
  }
  SignalGroup(pid_, SIGTERM);
  SignalGroup(pid_, SIGCONT);  // a stopped process must wake up to die of SIGTERM
}

bool Supervision::LeaderExited() {
  siginfo_t info{};
  if (waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
    return errno == ECHILD;  // someone else reaped it: treat as gone
  }
  return info.si_pid == pid_;
}

void Supervision::ReapLeader() {
  // The leader is a zombie: its pid (= the group id) cannot be reused yet.
  SignalGroup(pid_, SIGKILL);
  struct rusage usage {};
  while (wait4(pid_, &wait_status_, 0, &usage) < 0 && errno == EINTR) {
  }
  exit_.cpu_time =
      std::chrono::microseconds((usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1'000'000LL +
                                usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
  reaped_ = true;
  drain_deadline_ = Clock::now() + kDrainLimit;
}

void Supervision::Finish() {
  finished_ = true;
  boost::system::error_code ignored;
  tick_.cancel();
  pidfd_.close(ignored);
  pipe_->close(ignored);
}

void Supervision::FillExit() {
  if (WIFEXITED(wait_status_)) exit_.code = WEXITSTATUS(wait_status_);
  if (WIFSIGNALED(wait_status_)) exit_.signal = WTERMSIG(wait_status_);
  if (kill_reason_) {
    exit_.kind = *kill_reason_;
    if (exit_.kind == ProcessExit::Kind::kTimedOut) exit_.timeout = spec_.timeout;
  } else if (WIFSIGNALED(wait_status_)) {
    exit_.kind = ProcessExit::Kind::kSignaled;
  } else {
    exit_.kind = ProcessExit::Kind::kExited;
  }
}

class PosixProcessRunner : public ProcessRunner {
 public:
  ProcessExit Run(const ProcessSpec& spec, const OutputCallback& on_output,
                  const CancelToken* cancel) override {
    try {
      Supervision supervision(spec, on_output, cancel);
      return supervision.Run();
    } catch (const std::exception& e) {
      ProcessExit exit;
      exit.error = std::string("internal error: ") + e.what();
      return exit;
    }
  }
};

}  // namespace

ProcessRunner& RealProcessRunner() {
  static PosixProcessRunner runner;
  return runner;
}

}  // namespace cirun
