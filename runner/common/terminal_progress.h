// TerminalProgress: the live view of a pipeline in a terminal.
//
// On a TTY: finished jobs scroll by as permanent lines, and a block at the
// bottom, redrawn five times a second, lists the running jobs with their
// current step and elapsed time plus the counts so far. Otherwise (a pipe, a
// CI log): one plain line per finished job and per message, nothing redrawn.
#pragma once

#include <cstdio>
#include <memory>

#include "runner/common/progress.h"

namespace cirun {

class TerminalProgress final : public ProgressSink {
 public:
  /// Writes to `out`; `live` selects the redrawn TTY view. `total_jobs` is the
  /// pipeline's job count (for "[n/total]").
  TerminalProgress(FILE* out, bool live, int total_jobs);
  ~TerminalProgress() override;  // stops the redraw thread and clears the live block

  void JobStarted(const JobRecord& job) override;
  void StepStarted(const JobRecord& job, const std::string& step) override;
  void StepFinished(const JobRecord& job, const StepRecord& step) override;
  void JobFinished(const JobRecord& job, const JobResult& result) override;
  void Message(const std::string& line) override;

  /// True if `out` is a terminal and TERM is not "dumb".
  static bool IsInteractive(FILE* out);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace cirun
