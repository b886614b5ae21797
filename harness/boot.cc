#include "harness/boot.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <system_error>

#include "harness/boot_verdict.h"
#include "harness/console_judge.h"
#include "harness/console_log.h"
#include "harness/failure_excerpt.h"
#include "harness/metric_lines.h"

namespace cirun {
namespace {

using std::chrono::milliseconds;

/// Console bytes kept in BootResult::console (its head and its end). The
/// whole console is judged as it streams, whatever its size.
constexpr size_t kConsoleCap = 1 << 20;

// The judge's tail, cut after the line that stopped the judgement (if any).
std::vector<std::string> JudgedTail(const ConsoleJudge& judge) {
  std::vector<std::string> tail(judge.tail().begin(), judge.tail().end());
  if (const auto& failure = judge.failure()) {
    auto it = std::find(tail.rbegin(), tail.rend(), failure->line);
    if (it != tail.rend()) tail.erase(it.base(), tail.end());
  }
  return tail;
}

BootResult Infra(BootResult result, const std::string& cause) {
  result.outcome = BootOutcome::kInfra;
  result.cause = cause;
  return result;
}

std::filesystem::path ImagePath(const BootRequest& request) {
  std::filesystem::path image(request.image);
  if (image.is_relative() && !request.work_dir.empty()) return request.work_dir / image;
  return image;
}

// Everything one boot accumulates while the backend process runs.
class BootAttempt {
 public:
  BootAttempt(const BootRequest& request, ConsoleJudge judge, const ConsoleObserver& observer)
      : request_(request), judge_(std::move(judge)), observer_(observer) {}

  OutputAction OnOutput(std::string_view chunk, milliseconds at);
  void Finish(const ProcessExit& exit, const BootBackend& backend, BootResult& result);

 private:
  void OnLine(std::string_view line);

  const BootRequest& request_;
  ConsoleJudge judge_;
  const ConsoleObserver& observer_;
  ConsoleLog console_{kConsoleCap};
  std::vector<BootMetric> metrics_;
  ConsoleExcerpt excerpt_;  // the lines that matter, whatever the console's size
};

OutputAction BootAttempt::OnOutput(std::string_view chunk, milliseconds at) {
  if (observer_) observer_(chunk);
  console_.Append(chunk);
  // Output after the deadline is the kill's echo (QEMU's "terminating on
  // signal 15"): kept in the console, not judged.
  const bool late = request_.timeout.count() > 0 && at >= request_.timeout;
  if (late) return OutputAction::kContinue;
  ConsoleVerdict verdict = judge_.Feed(chunk, at, [this](std::string_view l) { OnLine(l); });
  if (judge_.stopped()) return OutputAction::kStop;
  const bool stop_on_expects = request_.exit_codes.empty() && !request_.expect.empty();
  if (stop_on_expects && verdict == ConsoleVerdict::kAllExpected) return OutputAction::kStop;
  return OutputAction::kContinue;
}

void BootAttempt::OnLine(std::string_view line) {
  excerpt_.Add(line, judge_.stopped());
  if (std::optional<BootMetric> metric = ParseMetricLine(line)) metrics_.push_back(*metric);
}

void BootAttempt::Finish(const ProcessExit& exit, const BootBackend& backend, BootResult& result) {
  BootEvidence evidence;
  evidence.console = judge_.Finish(exit.elapsed, [this](std::string_view l) { OnLine(l); });
  evidence.process = exit;
  std::string console = console_.Text();
  evidence.guest = backend.DecodeExit(exit, console);
  evidence.console_failure = judge_.failure();
  evidence.missing_expect = judge_.first_missing_expect();
  evidence.last_line = judge_.last_line();
  evidence.exit_codes = request_.exit_codes;
  BootVerdict verdict = ExpectOutcome(DecideBootOutcome(evidence), request_.expected_outcome);
  result.outcome = verdict.outcome;
  result.cause = verdict.cause;
  if (!verdict.note.empty()) result.note += (result.note.empty() ? "" : "; ") + verdict.note;
  if (evidence.guest.kind == GuestExit::Kind::kCode && evidence.guest.code_known)
    result.guest_exit = evidence.guest.code;
  result.process = exit;
  result.console = std::move(console);
  result.console_tail = JudgedTail(judge_);
  if (result.outcome != BootOutcome::kPassed) {
    result.excerpt = excerpt_.Text();
    // Output past the runner's cap was never seen: the excerpt says so.
    if (exit.dropped_bytes > 0)
      result.excerpt += "      ... | [" + std::to_string(exit.dropped_bytes) +
                        " console bytes after these lines not read: over the output cap]\n";
  }
  result.first_byte = judge_.first_byte();
  result.success = judge_.success();
  result.total = exit.elapsed;
  result.metrics = std::move(metrics_);
}

// What a boot needs to see in a sandbox (sandbox.h): its work directory
// writable, the image and the QEMU plugin read-only, a Solo5 target's block
// devices writable, the network when the target has it.
void DeclareSandboxNeeds(const BootRequest& request, const TargetSpec& target, ProcessSpec* spec) {
  if (!request.work_dir.empty()) spec->writable_paths.push_back(request.work_dir);
  spec->read_only_paths.push_back(ImagePath(request).string());
  if (request.count_instructions && !request.instruction_count_plugin.empty())
    spec->read_only_paths.push_back(request.instruction_count_plugin);
  for (const auto& [name, path] : target.solo5.block) {
    std::error_code missing;  // a missing disk is the tender's to report
    if (std::filesystem::exists(path, missing)) spec->writable_paths.push_back(path);
  }
  spec->network = target.network || !target.solo5.net.empty();
}

BootResult BootOnce(const BootRequest& request, const BootBackend& backend, ProcessRunner& runner,
                    const CancelToken* cancel, const ConsoleObserver& observer) {
  BootResult result;
  result.note = backend.Note();
  Result<ConsoleJudge> judge = ConsoleJudge::Create(request.expect, request.fail);
  if (!judge.ok()) return Infra(std::move(result), judge.status().message());
  judge->IgnoreLines([&backend](std::string_view line) { return backend.IsBackendLine(line); });
  std::error_code size_error;
  result.image_bytes = std::filesystem::file_size(ImagePath(request), size_error);
  if (size_error) {
    return Infra(std::move(result),
                 "image " + ImagePath(request).string() + ": " + size_error.message());
  }
  if (Status available = backend.CheckAvailable(); !available.ok()) {
    return Infra(std::move(result), available.message());
  }
  Result<ProcessSpec> spec = backend.Command(request);
  if (!spec.ok()) return Infra(std::move(result), spec.status().message());
  DeclareSandboxNeeds(request, backend.target(), &*spec);
  spec->output_cap = SIZE_MAX;  // every byte reaches the judge; ConsoleLog bounds what is kept
  result.command = spec->argv;
  if (Status prepared = backend.Prepare(request); !prepared.ok()) {
    return Infra(std::move(result), prepared.message());
  }
  BootAttempt attempt(request, std::move(judge).value(), observer);
  ProcessExit exit = runner.Run(
      *spec, [&](std::string_view chunk, milliseconds at) { return attempt.OnOutput(chunk, at); },
      cancel);
  attempt.Finish(exit, backend, result);
  return result;
}

}  // namespace

BootResult Boot(const BootRequest& request, const BootBackend& backend, ProcessRunner& runner,
                const CancelToken* cancel, const ConsoleObserver& observer) {
  BootResult result;
  try {
    result = BootOnce(request, backend, runner, cancel, observer);
  } catch (const std::exception& e) {
    result.outcome = BootOutcome::kInfra;
    result.cause = std::string("internal error: ") + e.what();
  }
  Status cleaned = backend.Cleanup(request);
  if (!cleaned.ok()) {
    result.note += (result.note.empty() ? "" : "; ") + ("cleanup failed: " + cleaned.message());
  }
  return result;
}

}  // namespace cirun
