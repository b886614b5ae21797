// FakeProcessRunner: a ProcessRunner for tests that starts nothing.
#pragma once

#include <deque>
#include <mutex>
#include <vector>

#include "harness/process_runner.h"

namespace cirun {

class FakeProcessRunner : public ProcessRunner {
 public:
  /// What one Run call will produce.
  struct Script {
    std::vector<std::string> chunks;  // delivered to on_output in order, at 1 ms apart
    ProcessExit exit;                 // returned (kind kExited, code 0 unless set)
    Script() {
      exit.kind = ProcessExit::Kind::kExited;
      exit.code = 0;
    }
  };

  /// Queues the result of a future Run (first in, first out). Thread-safe.
  void Push(Script script);

  /// Records `spec`, then plays the next queued Script (or "exit 0, no output"):
  /// a cancelled token gives kCancelled before any output; kStop from on_output
  /// ends the run as kStopped. Output beyond spec.output_cap is counted as
  /// dropped. Thread-safe.
  ProcessExit Run(const ProcessSpec& spec, const OutputCallback& on_output,
                  const CancelToken* cancel) override;

  /// Every spec passed to Run, in call order (like ninja's commands_ran_).
  std::vector<ProcessSpec> runs() const;

 private:
  mutable std::mutex mutex_;
  std::deque<Script> scripts_;     // GUARDED_BY(mutex_)
  std::vector<ProcessSpec> runs_;  // GUARDED_BY(mutex_)
};

}  // namespace cirun
