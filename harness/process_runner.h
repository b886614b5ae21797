// ProcessRunner: runs one child process under supervision.
//
// Every child ci-run starts (builds, QEMU, tenders, xl) goes through this
// interface. The real implementation (process_runner_posix.cc, Boost.Process)
// puts the child in its own process group, gives it /dev/null as stdin, merges
// stdout and stderr into one pipe that it streams to the caller, and makes the
// kernel kill the child if ci-run dies (PR_SET_PDEATHSIG). On a deadline, a
// stop request from the output callback, or cancellation it sends SIGTERM to
// the whole group, waits `kill_grace`, then SIGKILLs the group; it returns only
// once the child has been reaped and the group is gone.
//
// Details of the real implementation:
// - when the leader exits by itself, the rest of its group (grandchildren it
//   left running) is SIGKILLed before the leader is reaped;
// - after the leader is reaped, the pipe is drained until EOF, for at most 1 s
//   (a process that left the group with setsid may hold it open: it is not ours
//   to kill);
// - "gone" means no live process in the group (zombies whose parent is init
//   do not count); Run waits for that at most 2 s after the final SIGKILL;
// - PR_SET_PDEATHSIG follows the *thread* that spawned the child: Run blocks
//   that thread until the child is reaped, so this holds. It covers the leader
//   only; its own children die with it only if it takes them along;
// - the child gets an empty signal mask and default dispositions for TERM, INT,
//   HUP, PIPE and QUIT, and every descriptor above 2 is closed at exec.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cirun {

/// Cancellation shared by every run of one job or one whole invocation.
/// Thread-safe. Cancel() is async-signal-safe (a relaxed atomic store).
class CancelToken {
 public:
  void Cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> cancelled_{false};
};

/// A setrlimit(2) applied in the child before exec (soft = hard = `value`).
struct ResourceLimit {
  int resource = 0;  // RLIMIT_AS, RLIMIT_NPROC, RLIMIT_CPU, RLIMIT_FSIZE, ...
  uint64_t value = 0;
};

struct ProcessSpec {
  std::vector<std::string> argv;                // argv[0] is looked up in PATH if it has no '/'
  std::map<std::string, std::string> env_set;   // added to / replacing ci-run's environment
  std::vector<std::string> env_unset;           // removed from the environment
  std::string cwd;                              // "" : ci-run's current directory
  std::chrono::milliseconds timeout{60'000};    // from spawn; 0: no deadline
  std::chrono::milliseconds kill_grace{2'000};  // between SIGTERM and SIGKILL
  size_t output_cap = 8 << 20;  // bytes delivered to on_output; the rest is dropped (counted)

  // What the process needs from a sandbox (harness/sandbox.h); a runner that
  // does not sandbox ignores these three.
  std::vector<std::string> writable_paths;   // e.g. the job's workspace
  std::vector<std::string> read_only_paths;  // beyond the system: a toolchain, an image, a plugin
  bool network = false;                      // the host's network (a target's tap device)
  /// ci-run's own trusted helpers that cannot work boxed (Xen's `xl`, which
  /// needs /dev/xen as root; ci-run itself): a sandboxing runner runs them as
  /// they are. Never set for a repository's commands.
  bool unsandboxed = false;
  /// Exit statuses above 128 are the program's own (QEMU's isa-debug-exit
  /// gives (code << 1) | 1), not "killed by signal N": a sandbox, whose
  /// bubblewrap reports a signal as 128+N, must not translate them.
  bool high_exit_codes = false;

  // Enforced by the real runner:
  std::vector<ResourceLimit> rlimits;     // set in the child before exec
  std::vector<std::string> join_cgroups;  // cgroup.procs files the child moves itself into
  /// Polled about once a second while the child runs; a non-empty answer (the
  /// limit that was hit, "used more than 8 GiB of disk") kills the group like
  /// a stop request and becomes ProcessExit::limit.
  std::function<std::string()> watchdog;
};

/// What on_output asks the runner to do next.
enum class OutputAction { kContinue, kStop };

/// How a supervised run ended.
struct ProcessExit {
  enum class Kind {
    kExited,       // the child exited by itself; `code` holds its status
    kSignaled,     // the child was killed by a signal it did not get from us; `signal`
    kTimedOut,     // the deadline passed; we killed the group
    kStopped,      // on_output returned kStop; we killed the group
    kCancelled,    // the CancelToken fired; we killed the group
    kSpawnFailed,  // the child could not be started; `error` says why
  };
  Kind kind = Kind::kSpawnFailed;
  int code = -1;                          // exit status for kExited
  int signal = 0;                         // terminating signal for kSignaled
  std::string error;                      // for kSpawnFailed
  std::chrono::milliseconds elapsed{0};   // spawn to reap
  std::chrono::milliseconds timeout{0};   // the deadline that passed, for kTimedOut
  std::chrono::microseconds cpu_time{0};  // user + system CPU time of the child and the
                                          // descendants it waited for (0 if not reaped by us)
  int pid = 0;               // the child's pid (= its process group id); 0 if not spawned
  size_t output_bytes = 0;   // total bytes the child wrote
  size_t dropped_bytes = 0;  // bytes beyond output_cap
  /// The resource limit that ended the run, as a phrase that follows a
  /// subject ("used more than 4 GiB of memory"); "" if none did. Set from
  /// spec.watchdog, or by a sandboxing runner that saw its limits hit.
  std::string limit;
  /// One line: "exited with status 3", "killed by signal 11 (SIGSEGV)", "timed out
  /// after 10s", "stopped on request after 1.2s", "cancelled after 300ms",
  /// "failed to start: <error>"; a hit limit wins: "used more than 4 GiB of
  /// memory (the sandbox's limit)".
  std::string Describe() const;
};

/// Called from the supervising thread with each chunk of output as it arrives
/// (chunks are arbitrary byte ranges, not lines) and the time since spawn.
/// After it returned kStop it is not called again. During a kill's grace it is
/// still called (e.g. with QEMU's "terminating on signal 15").
using OutputCallback =
    std::function<OutputAction(std::string_view chunk, std::chrono::milliseconds since_spawn)>;

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  /// Runs `spec` to completion (see the file comment for the kill protocol).
  /// Blocks the calling thread; many threads may call Run concurrently.
  /// `on_output` may be null. `cancel` may be null.
  virtual ProcessExit Run(const ProcessSpec& spec, const OutputCallback& on_output,
                          const CancelToken* cancel) = 0;
};

/// The real implementation. Thread-safe.
ProcessRunner& RealProcessRunner();

}  // namespace cirun
