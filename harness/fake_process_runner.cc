#include "harness/fake_process_runner.h"

#include <algorithm>

namespace cirun {

void FakeProcessRunner::Push(Script script) {
  std::lock_guard<std::mutex> lock(mutex_);
  scripts_.push_back(std::move(script));
}

ProcessExit FakeProcessRunner::Run(const ProcessSpec& spec, const OutputCallback& on_output,
                                   const CancelToken* cancel) {
  Script script;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    runs_.push_back(spec);
    if (!scripts_.empty()) {
      script = std::move(scripts_.front());
      scripts_.pop_front();
    }
  }
  ProcessExit exit = script.exit;
  if (cancel != nullptr && cancel->cancelled()) {
    exit.kind = ProcessExit::Kind::kCancelled;
    return exit;
  }
  size_t delivered = 0;
  std::chrono::milliseconds at{0};
  for (const std::string& chunk : script.chunks) {
    exit.output_bytes += chunk.size();
    const size_t take =
        std::min(chunk.size(), spec.output_cap - std::min(delivered, spec.output_cap));
    exit.dropped_bytes += chunk.size() - take;
    delivered += take;
    at += std::chrono::milliseconds(1);
    if (take == 0 || !on_output) continue;
    if (on_output(std::string_view(chunk).substr(0, take), at) == OutputAction::kStop) {
      exit.kind = ProcessExit::Kind::kStopped;
      return exit;
    }
  }
  return exit;
}

std::vector<ProcessSpec> FakeProcessRunner::runs() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return runs_;
}

}  // namespace cirun
