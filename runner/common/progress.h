// Progress: what a pipeline run reports while it works (terminal display,
// logs). Implementations must be thread-safe: jobs run on several threads.
#pragma once

#include <string>

#include "runner/store/store.h"

namespace cirun {

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  /// A job was claimed and starts.
  virtual void JobStarted(const JobRecord& job) = 0;
  /// A step of `job` starts ("build", "boot", "test:bad-port", ...).
  virtual void StepStarted(const JobRecord& job, const std::string& step) = 0;
  /// A step finished with `step.outcome`.
  virtual void StepFinished(const JobRecord& job, const StepRecord& step) = 0;
  /// The job ended (also for jobs cancelled or skipped before they started).
  virtual void JobFinished(const JobRecord& job, const JobResult& result) = 0;
  /// A free-form line (fetch progress, warnings).
  virtual void Message(const std::string& line) = 0;
};

/// A sink that ignores everything.
class NullProgress final : public ProgressSink {
 public:
  void JobStarted(const JobRecord&) override {}
  void StepStarted(const JobRecord&, const std::string&) override {}
  void StepFinished(const JobRecord&, const StepRecord&) override {}
  void JobFinished(const JobRecord&, const JobResult&) override {}
  void Message(const std::string&) override {}
};

}  // namespace cirun
