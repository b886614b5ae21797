// ServiceLog: what `serve` and `worker` print while they run: one line per
// event, "2024-03-01T08:00:00Z message", to stderr (journald adds its own
// timestamps, but a terminal or a file does not). Thread-safe.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>

#include "runner/common/progress.h"

namespace cirun {

class ServiceLog final : public ProgressSink {
 public:
  /// Writes to `out` (not owned; stderr by default).
  explicit ServiceLog(FILE* out = stderr) : out_(out) {}

  /// Writes one line (newlines inside `line` are kept, each line prefixed).
  void Line(const std::string& line);

  // ProgressSink: job starts and ends (with their cause), messages. Steps
  // are not logged; they are in the store (`ci-run status PIPELINE`).
  void JobStarted(const JobRecord& job) override;
  void StepStarted(const JobRecord&, const std::string&) override {}
  void StepFinished(const JobRecord&, const StepRecord&) override {}
  void JobFinished(const JobRecord& job, const JobResult& result) override;
  void Message(const std::string& line) override { Line(line); }

 private:
  FILE* out_;
  std::mutex mu_;
};

}  // namespace cirun
