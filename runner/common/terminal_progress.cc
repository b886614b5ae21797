#include "runner/common/terminal_progress.h"
#include "harness/duration_text.h"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>

namespace cirun {
namespace {

using Clock = std::chrono::steady_clock;

std::string Seconds(Clock::duration d) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.1fs", std::chrono::duration<double>(d).count());
  return buf;
}

const char* StateMark(JobState s, bool color) {
  switch (s) {
    case JobState::kPassed:
      return color ? "\x1b[32mpassed \x1b[0m" : "passed ";
    case JobState::kFailed:
      return color ? "\x1b[31mFAILED \x1b[0m" : "FAILED ";
    case JobState::kSkipped:
      return color ? "\x1b[33mskipped\x1b[0m" : "skipped";
    case JobState::kInfra:
      return color ? "\x1b[35minfra  \x1b[0m" : "infra  ";
    case JobState::kCancelled:
      return color ? "\x1b[33mcancel \x1b[0m" : "cancel ";
    default:
      return "       ";
  }
}

}  // namespace

struct TerminalProgress::State {
  struct Running {
    std::string step = "starting";
    Clock::time_point started = Clock::now();
    std::string steps_done;  // "build cached, boot 45ms"
    int tests = 0;           // test:* steps finished
    int tests_passed = 0;
    std::string Describe() const {
      if (tests == 0) return steps_done;
      std::string t = "tests " + std::to_string(tests_passed) + "/" + std::to_string(tests);
      return steps_done.empty() ? t : steps_done + ", " + t;
    }
  };
  FILE* out;
  bool live;
  int total;
  std::mutex mu;
  std::condition_variable wake;
  bool stopping = false;
  int finished = 0;
  std::map<std::string, int> counts;       // by state name
  std::map<std::string, Running> running;  // by job name
  int drawn_lines = 0;                     // height of the live block on screen
  std::thread redraw;

  void ClearBlock() {
    if (drawn_lines > 0) fprintf(out, "\x1b[%dA\x1b[J", drawn_lines);
    drawn_lines = 0;
  }

  void DrawBlock() {
    std::string summary;
    for (const auto& [name, n] : counts) summary += " " + std::to_string(n) + " " + name;
    fprintf(out, "\x1b[1m[%d/%d]\x1b[0m%s%s\n", finished, total, summary.c_str(),
            running.empty() ? "" : "  running:");
    drawn_lines = 1;
    for (const auto& [name, r] : running) {
      fprintf(out, "  %-40s %-18s %s\n", name.c_str(), r.step.c_str(),
              Seconds(Clock::now() - r.started).c_str());
      ++drawn_lines;
    }
    fflush(out);
  }

  // Prints a permanent line above the live block (or just the line).
  void PrintLine(const std::string& line) {
    if (live) ClearBlock();
    fprintf(out, "%s\n", line.c_str());
    if (live)
      DrawBlock();
    else
      fflush(out);
  }

  void RedrawLoop() {
    std::unique_lock lock(mu);
    while (!stopping) {
      wake.wait_for(lock, std::chrono::milliseconds(200));
      if (stopping) break;
      ClearBlock();
      DrawBlock();
    }
    ClearBlock();
    fflush(out);
  }
};

TerminalProgress::TerminalProgress(FILE* out, bool live, int total_jobs)
    : state_(std::make_unique<State>()) {
  state_->out = out;
  state_->live = live;
  state_->total = total_jobs;
  if (live) state_->redraw = std::thread([s = state_.get()] { s->RedrawLoop(); });
}

TerminalProgress::~TerminalProgress() {
  {
    std::lock_guard lock(state_->mu);
    state_->stopping = true;
  }
  state_->wake.notify_all();
  if (state_->redraw.joinable()) state_->redraw.join();
}

bool TerminalProgress::IsInteractive(FILE* out) {
  const char* term = std::getenv("TERM");
  return isatty(fileno(out)) && !(term && std::string(term) == "dumb");
}

void TerminalProgress::JobStarted(const JobRecord& job) {
  std::lock_guard lock(state_->mu);
  state_->running[job.name] = {};
}

void TerminalProgress::StepStarted(const JobRecord& job, const std::string& step) {
  std::lock_guard lock(state_->mu);
  state_->running[job.name].step = step;
}

void TerminalProgress::StepFinished(const JobRecord& job, const StepRecord& step) {
  std::lock_guard lock(state_->mu);
  auto& r = state_->running[job.name];
  if (step.name.starts_with("test:")) {
    ++r.tests;
    r.tests_passed += step.outcome == "passed";
    return;
  }
  std::string done =
      step.name + " " +
      (step.outcome == "passed" ? FormatDuration(std::chrono::milliseconds(step.duration_ms))
                                : step.outcome);
  r.steps_done += (r.steps_done.empty() ? "" : ", ") + done;
}

void TerminalProgress::JobFinished(const JobRecord& job, const JobResult& result) {
  std::lock_guard lock(state_->mu);
  State& s = *state_;
  ++s.finished;
  ++s.counts[JobStateName(result.state)];
  std::string steps;
  if (auto it = s.running.find(job.name); it != s.running.end()) {
    steps = it->second.Describe();
    s.running.erase(it);
  }
  char head[64];
  snprintf(head, sizeof head, "[%*d/%d] ", static_cast<int>(std::to_string(s.total).size()),
           s.finished, s.total);
  std::string line = head + std::string(StateMark(result.state, s.live)) + " " + job.name;
  if (!steps.empty()) line += "  (" + steps + ")";
  if (result.state != JobState::kPassed && !result.cause.empty())
    line += "\n           " + result.cause;
  s.PrintLine(line);
}

void TerminalProgress::Message(const std::string& line) {
  std::lock_guard lock(state_->mu);
  state_->PrintLine(line);
}

}  // namespace cirun
