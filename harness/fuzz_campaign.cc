#include "harness/fuzz_campaign.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "harness/boot.h"
#include "harness/boot_command_line.h"
#include "harness/corpus_mutator.h"
#include "harness/delta_debug.h"
#include "harness/duration_text.h"
#include "harness/finding_signature.h"
#include "harness/fuzz_corpus.h"
#include "harness/fuzz_oracle.h"
#include "harness/fuzz_schedule.h"

namespace cirun {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// CorpusEntry::index of the valid arguments' calibration boots.
constexpr size_t kCalibrationInput = std::numeric_limits<size_t>::max();

// With coverage, input i is made from the corpus of inputs 0 .. i-kFoldLag-1:
// the same inputs however many boots run at once (at most kFoldLag + 1 do).
constexpr size_t kFoldLag = 8;

// With coverage, this many systematic inputs come first, as without it: a
// small budget finds the boundary defects it found before.
constexpr size_t kSystematicFirst = 24;

milliseconds Since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

// " after Nms" for a hung boot (spawn to reap), else "".
std::string HungFor(const BootResult& r) {
  if (r.outcome != BootOutcome::kHung) return "";
  return " after " + std::to_string(r.total.count()) + "ms";
}

// One boot of one input, judged.
struct FuzzBoot {
  FuzzInput input;
  bool representable = true;  // false: the backend cannot pass this input; nothing ran
  BootResult result;          // console cleared (the tail is kept)
  FuzzVerdict verdict;
};

class Campaign {
 public:
  Campaign(const FuzzCampaignConfig& config, const BootBackend& backend, ProcessRunner& runner,
           const CancelToken* cancel, const FuzzProgressCallback& progress)
      : config_(config),
        backend_(backend),
        runner_(runner),
        cancel_(cancel),
        progress_(progress),
        generator_(config.keys, config.base_args),
        schedule_(generator_, config.seed) {
    seeds_ = config.seeds;
    seeds_.resize(std::min<size_t>(seeds_.size(), std::max(0, config.boots / 2)));
  }

  FuzzCampaignResult Run();

 private:
  bool Cancelled() const { return cancel_ && cancel_->cancelled(); }
  void Log(const std::string& line);
  void Report(const char* phase);

  FuzzBoot BootOne(const FuzzInput& input, milliseconds timeout);
  // Whether this campaign collects coverage; sets result_.coverage_note if not.
  bool CoverageOn();
  // Input `index` of the fuzz phase. With coverage, waits until the inputs
  // before index - jobs are folded (false: cancelled meanwhile).
  bool InputAt(size_t index, FuzzInput* input);
  // Folds the coverage of input `index` (in input order: later ones wait).
  void Fold(size_t index, const FuzzBoot& boot);
  // Counts a hung boot and how long it lived past `timeout`.
  void NoteHang(const BootResult& hung, milliseconds timeout);
  std::vector<FuzzBoot> BootAll(const std::vector<FuzzInput>& inputs, milliseconds timeout);

  Status Calibrate();
  void Fuzz();
  // Minimises a finding of the fuzz phase (delta debugging within
  // minimise_boots), confirms a hang with the longer timeout; nullopt when
  // cancelled or when the hang was a slow boot.
  std::optional<FuzzFinding> Minimise(const FuzzBoot& found, size_t index, int hits);
  // Minimise's state for one finding: the boots left and spent, and the boot
  // of the smallest input that reproduced so far.
  struct Shrink {
    BootOutcome outcome;  // what a candidate must end in
    int budget;
    int used;
    bool gave_up;  // the budget ran out or the campaign was cancelled
    FuzzBoot last;
  };
  // Boots candidates in windows of `jobs`; the index of the first in order
  // that gives s->outcome (its boot becomes s->last).
  std::optional<size_t> FirstReproducing(Shrink* s, const std::vector<FuzzInput>& candidates);
  bool Reproduces(Shrink* s, const FuzzInput& input) {
    return FirstReproducing(s, {input}).has_value();
  }
  // The arguments that matter, then the bytes of each value.
  void ShrinkArgs(Shrink* s, FuzzInput input);
  // The bytes of a raw line.
  void ShrinkRaw(Shrink* s, const FuzzInput& input);
  // A raw line split into arguments when they fail the same way, then shrunk.
  void ShrinkInput(Shrink* s, const FuzzInput& found);
  // Boots a minimised hang again with ConfirmTimeout (or, if it ends, the
  // input as found); false when it ended: a slow boot (dropped_slow).
  bool ConfirmMinimisedHang(const FuzzInput& found, size_t index, FuzzFinding* finding);
  // The longer timeout a hang must survive: not a slow boot.
  milliseconds ConfirmTimeout() const { return std::min(2 * hang_timeout_, config_.boot_timeout); }
  // Boots `input` again with ConfirmTimeout (counted in confirm_boots).
  FuzzBoot Confirm(const FuzzInput& input);
  // A fuzz boot that timed out: unless a hang with its signature was
  // confirmed already, boots it again with the longer timeout. A boot that
  // then ends is a slow boot (dropped_slow): the second boot replaces it.
  void ConfirmHang(size_t index, FuzzBoot* boot);
  void AddFinding(FuzzFinding finding);

  const FuzzCampaignConfig& config_;
  const BootBackend& backend_;
  ProcessRunner& runner_;
  const CancelToken* cancel_;
  const FuzzProgressCallback& progress_;
  BootvarGenerator generator_;
  FuzzSchedule schedule_;
  std::atomic<int> instance_{0};
  milliseconds hang_timeout_{0};

  std::mutex progress_mu_;                          // one progress_ call at a time
  std::mutex mu_;                                   // guards everything below
  FuzzCampaignResult result_;                       //
  std::vector<std::pair<size_t, FuzzBoot>> found_;  // finding boots of the fuzz phase
  std::map<std::string, int> raw_signatures_;       // signature -> hits
  std::set<std::string> confirmed_hangs_;           // signatures of hangs that survived Confirm
  std::vector<FuzzInput> seeds_;                    // config.seeds, capped
  bool coverage_ = false;                           // set before the first boot
  std::filesystem::path coverage_dir_;              // where the plugin's files go
  FuzzCorpus corpus_;                               // covered blocks and kept inputs
  struct Unfolded {
    FuzzInput input;
    std::vector<uint64_t> coverage;
    bool passed = false;
  };
  std::map<size_t, Unfolded> unfolded_;  // boots not folded yet, by input
  size_t folded_ = 0;                    // inputs 0 .. folded_-1 are in corpus_
  std::condition_variable folded_cv_;    // folded_ grew
};

void Campaign::Log(const std::string& line) {
  std::lock_guard lock(mu_);
  result_.log += line + "\n";
}

void Campaign::Report(const char* phase) {
  if (!progress_) return;
  // One call at a time, counts in order; the callback may print: not under mu_.
  std::lock_guard one_at_a_time(progress_mu_);
  FuzzProgress p{phase, 0, config_.boots, 0};
  {
    std::lock_guard lock(mu_);
    p.done = result_.inputs;
    p.findings = static_cast<int>(raw_signatures_.size());
  }
  progress_(p);
}

FuzzBoot Campaign::BootOne(const FuzzInput& input, milliseconds timeout) {
  FuzzBoot boot;
  boot.input = input;
  BootRequest request;
  request.image = config_.image;
  request.work_dir = config_.work_dir;
  request.fail = config_.fail;
  request.timeout = timeout;
  request.exit_codes = config_.exit_codes;
  if (config_.exit_codes.empty()) {
    request.expect = config_.expect;  // a server: it passes once these matched
  } else if (std::find(request.exit_codes.begin(), request.exit_codes.end(), kMirageHelpExit) ==
             request.exit_codes.end()) {
    request.exit_codes.push_back(kMirageHelpExit);
  }
  input.ApplyTo(&request);
  request.instance_name = config_.instance_prefix + "-" + std::to_string(instance_++);
  if (coverage_) {
    request.coverage_plugin = config_.coverage_plugin;
    request.coverage_file = (coverage_dir_ / (request.instance_name + ".coverage")).string();
  }
  if (!backend_.Command(request).ok()) {
    boot.representable = false;
    return boot;
  }
  if (config_.shared_slots && !config_.shared_slots->Acquire(cancel_)) {
    boot.result.outcome = BootOutcome::kInfra;
    boot.result.cause = "cancelled";
    boot.verdict = JudgeFuzzBoot(boot.result);
    return boot;
  }
  boot.result = Boot(request, backend_, runner_, cancel_);
  if (boot.result.outcome == BootOutcome::kInfra && !Cancelled()) {
    boot.result = Boot(request, backend_, runner_, cancel_);  // infra: retried once
  }
  if (config_.shared_slots) config_.shared_slots->Release();
  if (boot.result.outcome == BootOutcome::kHung && !Cancelled()) NoteHang(boot.result, timeout);
  boot.result.console.clear();  // the tail is enough; hundreds of boots are kept
  boot.verdict = JudgeFuzzBoot(boot.result);
  return boot;
}

void Campaign::NoteHang(const BootResult& hung, milliseconds timeout) {
  std::lock_guard lock(mu_);
  ++result_.hung_boots;
  result_.hang_overrun_max = std::max(result_.hang_overrun_max, hung.total - timeout);
}

std::vector<FuzzBoot> Campaign::BootAll(const std::vector<FuzzInput>& inputs,
                                        milliseconds timeout) {
  std::vector<FuzzBoot> boots(inputs.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < inputs.size(); ++i) {
    threads.emplace_back([&, i] { boots[i] = BootOne(inputs[i], timeout); });
  }
  for (std::thread& t : threads) t.join();
  return boots;
}

Status Campaign::Calibrate() {
  Report("calibrate");
  const FuzzInput valid{config_.base_args, std::nullopt, "the valid arguments"};
  std::vector<milliseconds> times;
  std::string line = "calibration:";
  for (int done = 0; done < config_.calibration_boots && !Cancelled();) {
    const int n = std::min(config_.jobs, config_.calibration_boots - done);
    for (const FuzzBoot& b : BootAll(std::vector<FuzzInput>(n, valid), config_.boot_timeout)) {
      ++result_.calibration_boots;
      if (b.result.outcome == BootOutcome::kInfra) {
        return Cancelled() ? Status::Cancelled("cancelled")
                           : Status::Unavailable("calibration boot: " + b.result.cause);
      }
      if (b.result.outcome != BootOutcome::kPassed) {
        return Status::FailedPrecondition(
            "the valid arguments do not boot cleanly, nothing to fuzz: " +
            std::string(BootOutcomeName(b.result.outcome)) + ": " + b.result.cause);
      }
      times.push_back(b.result.total);
      line += " " + std::to_string(b.result.total.count()) + "ms";
      if (coverage_) corpus_.Add(valid, b.result.coverage, kCalibrationInput, true);
    }
    done += n;
  }
  if (Cancelled()) return Status::Cancelled("cancelled");
  std::sort(times.begin(), times.end());
  result_.normal_boot = times.empty() ? milliseconds(0) : times[times.size() / 2];
  const milliseconds slowest = times.empty() ? milliseconds(0) : times.back();
  hang_timeout_ = std::max({5 * result_.normal_boot, 2 * slowest, milliseconds(1000)});
  hang_timeout_ = std::min(hang_timeout_, config_.boot_timeout);
  result_.hang_timeout = hang_timeout_;
  Log(line + "; hang timeout " + FormatDuration(hang_timeout_));
  if (coverage_) {
    result_.calibration_ids = corpus_.covered();
    if (corpus_.covered() == 0) {
      coverage_ = false;
      result_.coverage_note = "the coverage plugin reported nothing for the valid arguments";
      Log("coverage off: " + result_.coverage_note);
    } else {
      Log("coverage: the valid arguments ran " + std::to_string(corpus_.covered()) + " blocks");
    }
  }
  return Status::Ok();
}

bool Campaign::CoverageOn() {
  if (config_.coverage_plugin.empty()) {
    result_.coverage_note = "no coverage plugin (qemu_plugins/coverage.so is not built)";
  } else if (!backend_.CollectsCoverage()) {
    result_.coverage_note =
        "the " + backend_.target().name + " target does not run under QEMU TCG: no coverage";
  } else {
    std::error_code ec;
    const std::filesystem::path dir = config_.work_dir.empty()
                                          ? std::filesystem::temp_directory_path(ec)
                                          : std::filesystem::path(config_.work_dir);
    if (!ec) coverage_dir_ = std::filesystem::absolute(dir, ec);
    if (!ec) return true;
    result_.coverage_note = "no folder for the coverage files: " + ec.message();
  }
  return false;
}

bool Campaign::InputAt(size_t index, FuzzInput* input) {
  if (index < seeds_.size()) {
    *input = seeds_[index];
    std::lock_guard lock(mu_);
    ++result_.seed_inputs;
    return true;
  }
  const size_t k = index - seeds_.size();
  if (!coverage_) {
    *input = schedule_.At(k);
    return true;
  }
  // The first kSystematicFirst systematic inputs (the boundary values of
  // every key) as without coverage, then the rest one in three, interleaved
  // with corpus mutations, while they last.
  const std::vector<FuzzInput>& systematic = generator_.Systematic();
  const size_t first = std::min(kSystematicFirst, systematic.size());
  // The systematic input of fuzz slot `at`, or nullopt for a random slot.
  auto systematic_at = [&](size_t at) -> std::optional<size_t> {
    if (at < first) return at;
    const size_t j = at - first;
    if (j % 3 == 0 && first + j / 3 < systematic.size()) return first + j / 3;
    return std::nullopt;
  };
  auto systematic_slot = [&](size_t at) { return systematic_at(at).has_value(); };
  if (std::optional<size_t> s = systematic_at(k)) {
    *input = systematic[*s];
    return true;
  }
  std::vector<CorpusEntry> visible, rejected;
  {
    std::unique_lock lock(mu_);
    const size_t lag = kFoldLag;
    while (folded_ + lag < index && !Cancelled())
      folded_cv_.wait_for(lock, std::chrono::milliseconds(100));
    if (Cancelled()) return false;
    for (const CorpusEntry& e : corpus_.entries()) {
      if (e.index != kCalibrationInput && e.index + lag >= index) break;  // entries are in order
      (e.passed ? visible : rejected).push_back(e);
    }
  }
  // The random slots (not systematic ones) of the fuzz phase before input `at`.
  auto random_slots_before = [&](size_t at) {
    size_t n = 0;
    for (size_t j = seeds_.size(); j < at; ++j) n += systematic_slot(j - seeds_.size()) ? 0 : 1;
    return n;
  };
  // The deterministic stage: the entries that passed, in the order they
  // became visible, each gets its DeterministicSteps on consecutive random
  // slots, starting when it became visible or when the one before it is
  // done. A pure function of the visible entries: the same at any -j.
  const size_t slot = random_slots_before(index);
  size_t stage_end = 0;
  for (const CorpusEntry& e : visible) {
    const size_t visible_from =
        e.index == kCalibrationInput ? 0 : random_slots_before(e.index + kFoldLag + 1);
    const size_t start = std::max(visible_from, stage_end);
    if (start > slot) break;
    const std::vector<FuzzInput> steps = DeterministicSteps(e.input, generator_.base_args());
    stage_end = start + steps.size();
    if (slot < stage_end) {
      *input = steps[slot - start];
      std::lock_guard lock(mu_);
      ++result_.corpus_inputs;
      return true;
    }
  }
  // Entries that passed get the mutations; rejected ones (error paths) a few.
  FuzzRng rng(MixSeed(config_.seed ^ 0xc0fe, index));
  if (!rejected.empty() && (visible.empty() || rng.Chance(10))) {
    *input = MutateCorpusEntry(rejected, generator_, schedule_.dictionary(), rng);
    std::lock_guard lock(mu_);
    ++result_.corpus_inputs;
    return true;
  }
  if (!visible.empty() && rng.Chance(50)) {  // an older entry's step: none is starved
    const CorpusEntry& entry = rng.Pick(visible);
    const std::vector<FuzzInput> steps = DeterministicSteps(entry.input, generator_.base_args());
    if (!steps.empty()) {
      *input = rng.Pick(steps);
      std::lock_guard lock(mu_);
      ++result_.corpus_inputs;
      return true;
    }
  }
  if (!visible.empty() && rng.Chance(80)) {
    *input = MutateCorpusEntry(visible, generator_, schedule_.dictionary(), rng);
    std::lock_guard lock(mu_);
    ++result_.corpus_inputs;
    return true;
  }
  *input = schedule_.At(systematic.size() + index);
  return true;
}

void Campaign::Fold(size_t index, const FuzzBoot& boot) {
  if (!coverage_) return;
  std::lock_guard lock(mu_);
  // A finding is not mutated further (AFL keeps crashes out of its queue).
  const bool keep = boot.representable && boot.verdict.kind != FuzzVerdict::Kind::kFinding;
  unfolded_[index] = {boot.input, keep ? boot.result.coverage : std::vector<uint64_t>{},
                      boot.result.outcome == BootOutcome::kPassed};
  for (auto it = unfolded_.begin(); it != unfolded_.end() && it->first == folded_;
       it = unfolded_.erase(it)) {
    const Unfolded& u = it->second;
    const int added = corpus_.Add(u.input, u.coverage, it->first, true, u.passed);
    ++folded_;
    if (added > 0) {
      result_.coverage_growth.emplace_back(static_cast<int>(folded_), corpus_.covered());
      result_.log += "input " + std::to_string(it->first) + " (" + u.input.origin +
                     "): " + std::to_string(added) + " new blocks" +
                     (u.passed ? "" : " (rejected)") + ", " + std::to_string(corpus_.covered()) +
                     " in all\n";
    }
  }
  folded_cv_.notify_all();
}

void Campaign::Fuzz() {
  const auto start = Clock::now();
  std::atomic<size_t> next{0};
  auto worker = [&] {
    while (!Cancelled()) {
      if (config_.time.count() > 0 && Since(start) >= config_.time) return;
      const size_t index = next++;
      if (index >= static_cast<size_t>(config_.boots)) return;
      FuzzInput input;
      if (!InputAt(index, &input)) return;
      FuzzBoot boot = BootOne(input, hang_timeout_);
      if (Cancelled()) return;  // a cancelled boot says nothing
      ConfirmHang(index, &boot);
      if (Cancelled()) return;
      Fold(index, boot);
      {
        std::lock_guard lock(mu_);
        ++result_.inputs;
        if (!boot.representable) {
          ++result_.not_representable;
        } else {
          ++result_.boots;
          ++result_.outcomes[BootOutcomeName(boot.result.outcome)];
          if (boot.result.outcome != BootOutcome::kPassed) {
            result_.log += "input " + std::to_string(index) + " (" + boot.input.origin +
                           "): " + BootOutcomeName(boot.result.outcome) + HungFor(boot.result) +
                           ": " + AbbreviateCommandLine(boot.input.CommandLine(), 60) + ": " +
                           boot.result.cause.substr(0, 200) + "\n";
          }
        }
        if (boot.representable && boot.verdict.kind == FuzzVerdict::Kind::kFinding) {
          ++result_.raw_findings;
          const std::string signature =
              FindingSignature(boot.verdict.outcome, boot.result.console_tail,
                               boot.input.GuestArgs().value_or(std::vector<std::string>{}));
          if (raw_signatures_[signature]++ == 0) {
            result_.log += "input " + std::to_string(index) + " (" + boot.input.origin +
                           "): new finding: " + signature + "\n";
          }
          found_.emplace_back(index, std::move(boot));
        }
      }
      Report("fuzz");
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < std::max(1, std::min(config_.jobs, config_.boots)); ++i)
    threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
  result_.fuzz_time = Since(start);
}

FuzzBoot Campaign::Confirm(const FuzzInput& input) {
  FuzzBoot again = BootOne(input, ConfirmTimeout());
  std::lock_guard lock(mu_);
  ++result_.confirm_boots;
  return again;
}

void Campaign::ConfirmHang(size_t index, FuzzBoot* boot) {
  if (!boot->representable || boot->verdict.kind != FuzzVerdict::Kind::kFinding ||
      boot->verdict.outcome != BootOutcome::kHung)
    return;
  const std::string signature =
      FindingSignature(boot->verdict.outcome, boot->result.console_tail,
                       boot->input.GuestArgs().value_or(std::vector<std::string>{}));
  {
    std::lock_guard lock(mu_);
    if (confirmed_hangs_.count(signature)) return;
  }
  FuzzBoot again = Confirm(boot->input);
  if (Cancelled()) return;
  if (again.verdict.kind == FuzzVerdict::Kind::kFinding &&
      again.verdict.outcome == BootOutcome::kHung) {
    std::lock_guard lock(mu_);
    confirmed_hangs_.insert(signature);
    return;
  }
  Log("input " + std::to_string(index) + ": timed out after " + FormatDuration(hang_timeout_) +
      ", then ended within " + FormatDuration(ConfirmTimeout()) + " (" +
      BootOutcomeName(again.result.outcome) + "): a slow boot, not a hang");
  {
    std::lock_guard lock(mu_);
    ++result_.dropped_slow;
  }
  *boot = std::move(again);
}

std::optional<size_t> Campaign::FirstReproducing(Shrink* s,
                                                 const std::vector<FuzzInput>& candidates) {
  for (size_t start = 0; start < candidates.size(); start += config_.jobs) {
    if (s->budget <= 0 || Cancelled()) {
      s->gave_up = true;
      return std::nullopt;
    }
    const size_t n = std::min<size_t>({static_cast<size_t>(config_.jobs), candidates.size() - start,
                                       static_cast<size_t>(s->budget)});
    std::vector<FuzzInput> window(candidates.begin() + start, candidates.begin() + start + n);
    std::vector<FuzzBoot> boots = BootAll(window, hang_timeout_);
    s->budget -= static_cast<int>(n);
    s->used += static_cast<int>(n);
    for (size_t i = 0; i < boots.size(); ++i) {
      const FuzzVerdict& v = boots[i].verdict;
      if (boots[i].representable && v.kind == FuzzVerdict::Kind::kFinding &&
          v.outcome == s->outcome) {
        s->last = std::move(boots[i]);
        return start + i;
      }
    }
  }
  return std::nullopt;
}

void Campaign::ShrinkArgs(Shrink* s, FuzzInput input) {
  // Over the arguments.
  const std::vector<std::string> args = input.args;
  std::vector<size_t> kept = DeltaDebug(args.size(), [&](const auto& subsets) {
    std::vector<FuzzInput> candidates;
    for (const auto& subset : subsets) {
      FuzzInput c{{}, std::nullopt, input.origin};
      for (size_t i : subset) c.args.push_back(args[i]);
      candidates.push_back(std::move(c));
    }
    return FirstReproducing(s, candidates);
  });
  input.args.clear();
  for (size_t i : kept) input.args.push_back(args[i]);
  // Over the bytes of each value: the shortest failing prefix, then ddmin.
  for (size_t a = 0; a < input.args.size(); ++a) {
    const std::string arg = input.args[a];
    const size_t eq = arg.starts_with("--") ? arg.find('=') : std::string::npos;
    const std::string head = eq == std::string::npos ? "" : arg.substr(0, eq + 1);
    const std::string value = arg.substr(head.size());
    auto with_value = [&](std::string v) {
      FuzzInput c = input;
      c.args[a] = head + v;
      return c;
    };
    const size_t length = ShortestReproducingLength(
        value.size(), [&](size_t n) { return Reproduces(s, with_value(value.substr(0, n))); });
    std::string prefix = value.substr(0, length);
    // Readable when only the length matters: as many 'a' bytes.
    const std::string plain(prefix.size(), 'a');
    if (!prefix.empty() && prefix != plain && Reproduces(s, with_value(plain))) prefix = plain;
    // Bytes of a value made of one byte repeated cannot go: the shorter
    // prefixes were just found not to fail.
    const bool uniform =
        prefix.find_first_not_of(prefix.empty() ? 'a' : prefix[0]) == std::string::npos;
    std::vector<size_t> bytes = DeltaDebug(uniform ? 0 : prefix.size(), [&](const auto& subsets) {
      std::vector<FuzzInput> candidates;
      for (const auto& subset : subsets) {
        std::string v;
        for (size_t i : subset) v += prefix[i];
        candidates.push_back(with_value(v));
      }
      return FirstReproducing(s, candidates);
    });
    std::string minimal = prefix;
    if (!uniform) {
      minimal.clear();
      for (size_t i : bytes) minimal += prefix[i];
    }
    input.args[a] = head + minimal;
  }
}

void Campaign::ShrinkRaw(Shrink* s, const FuzzInput& input) {
  const std::string raw = *input.raw;
  auto with_raw = [&](std::string r) { return FuzzInput{{}, std::move(r), input.origin}; };
  const size_t length = ShortestReproducingLength(
      raw.size(), [&](size_t n) { return Reproduces(s, with_raw(raw.substr(0, n))); });
  const std::string prefix = raw.substr(0, length);
  DeltaDebug(prefix.size(), [&](const auto& subsets) {
    std::vector<FuzzInput> candidates;
    for (const auto& subset : subsets) {
      std::string r;
      for (size_t i : subset) r += prefix[i];
      candidates.push_back(with_raw(r));
    }
    return FirstReproducing(s, candidates);
  });
}

void Campaign::ShrinkInput(Shrink* s, const FuzzInput& found) {
  // A raw line that splits: go on with its arguments if they fail the same way.
  std::optional<std::vector<std::string>> guest = found.GuestArgs();
  FuzzInput input = found;
  if (input.raw && guest && !Reproduces(s, {*guest, std::nullopt, input.origin})) guest.reset();
  if (input.raw && guest) input = {*guest, std::nullopt, input.origin};
  if (!input.raw)
    ShrinkArgs(s, input);
  else
    ShrinkRaw(s, input);  // a line that does not split: over its bytes
}

bool Campaign::ConfirmMinimisedHang(const FuzzInput& found, size_t index, FuzzFinding* finding) {
  FuzzBoot again = Confirm(finding->input);
  if (Cancelled()) return false;
  if (again.verdict.kind != FuzzVerdict::Kind::kFinding && !(found == finding->input)) {
    Log("input " + std::to_string(index) + ": the minimised hang ended within " +
        FormatDuration(ConfirmTimeout()) + "; trying the input as found");
    again = Confirm(found);
    if (Cancelled()) return false;
    finding->input = found;
    finding->minimal = false;
  }
  if (again.verdict.kind != FuzzVerdict::Kind::kFinding) {
    Log("input " + std::to_string(index) + ": the hang ended within " +
        FormatDuration(ConfirmTimeout()) + "; a slow boot, dropped");
    std::lock_guard lock(mu_);
    ++result_.dropped_slow;
    return false;
  }
  finding->outcome = again.verdict.outcome;
  finding->cause = again.verdict.cause;
  finding->console_tail = again.result.console_tail;
  return true;
}

std::optional<FuzzFinding> Campaign::Minimise(const FuzzBoot& found, size_t index, int hits) {
  Shrink s{found.verdict.outcome, config_.minimise_boots, 0, false, found};
  // Phase 1: a crash must show again. (A hang is confirmed with a longer
  // timeout at the end; booting it again here would cost a hang timeout.)
  if (s.outcome != BootOutcome::kHung && !Reproduces(&s, found.input)) {
    if (Cancelled()) return std::nullopt;
    Log("input " + std::to_string(index) + ": " + BootOutcomeName(s.outcome) +
        " did not show again; reported as it was found");
    s.last = found;
  } else {
    // Phase 2: shrink the input; s.last is the boot of the smallest that reproduced.
    ShrinkInput(&s, found.input);
    if (Cancelled()) return std::nullopt;
  }
  // Phase 3: the finding, from that boot.
  FuzzFinding finding;
  finding.outcome = s.last.verdict.outcome;
  finding.cause = s.last.verdict.cause;
  finding.input = s.last.input;
  finding.original = found.input;
  finding.console_tail = s.last.result.console_tail;
  finding.first_input = index;
  finding.hits = hits;
  finding.minimise_boots = s.used;
  finding.minimal = !s.gave_up;
  {
    std::lock_guard lock(mu_);
    result_.minimise_boots += s.used;
  }
  // Phase 4: a hang must survive a longer timeout; otherwise it was a slow
  // boot. A candidate accepted during minimisation may have been one (the
  // machine was busy): then the input as found (confirmed in the fuzz phase)
  // is reported, if it still hangs.
  if (finding.outcome == BootOutcome::kHung && !ConfirmMinimisedHang(found.input, index, &finding))
    return std::nullopt;
  // Phase 5: its signature, logged.
  finding.signature =
      FindingSignature(finding.outcome, finding.console_tail,
                       finding.input.GuestArgs().value_or(std::vector<std::string>{}));
  Log("input " + std::to_string(index) + ": minimised in " + std::to_string(s.used) + " boots" +
      (finding.minimal ? "" : " (budget spent)") + " to " +
      AbbreviateCommandLine(finding.input.CommandLine()) + ": " + finding.signature);
  return finding;
}

void Campaign::AddFinding(FuzzFinding finding) {
  for (FuzzFinding& known : result_.findings) {
    if (known.signature != finding.signature) continue;
    known.hits += finding.hits;
    if (finding.input.CommandLine().size() < known.input.CommandLine().size()) {
      known.input = finding.input;
    }
    Log("input " + std::to_string(finding.first_input) + ": same finding as input " +
        std::to_string(known.first_input));
    return;
  }
  result_.findings.push_back(std::move(finding));
}

FuzzCampaignResult Campaign::Run() {
  const auto start = Clock::now();
  coverage_ = CoverageOn();
  if (!coverage_) Log("coverage off: " + result_.coverage_note);
  result_.status = Calibrate();
  if (result_.status.ok()) {
    Fuzz();
    if (Cancelled()) result_.status = Status::Cancelled("cancelled");
  }
  if (result_.status.ok()) {
    // First input of each raw signature, in input order.
    std::sort(found_.begin(), found_.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::map<std::string, bool> seen;
    for (const auto& [index, boot] : found_) {
      const std::string signature =
          FindingSignature(boot.verdict.outcome, boot.result.console_tail,
                           boot.input.GuestArgs().value_or(std::vector<std::string>{}));
      if (seen[signature]) continue;
      seen[signature] = true;
      Report("minimise");
      std::optional<FuzzFinding> finding = Minimise(boot, index, raw_signatures_[signature]);
      if (Cancelled()) break;
      if (finding) AddFinding(std::move(*finding));
    }
    if (Cancelled()) result_.status = Status::Cancelled("cancelled");
  }
  const auto infra = result_.outcomes.find("infra");
  const int infra_boots = infra == result_.outcomes.end() ? 0 : infra->second;
  if (result_.status.ok() && infra_boots * 2 > result_.boots && result_.boots > 0) {
    result_.status =
        Status::Unavailable(std::to_string(infra_boots) + " of " + std::to_string(result_.boots) +
                            " fuzz boots failed on the host (infra)");
  }
  result_.coverage = coverage_;
  result_.covered_ids = corpus_.covered();
  for (const CorpusEntry& e : corpus_.entries())
    if (e.index != kCalibrationInput) result_.corpus.push_back(e.input);
  result_.total_time = Since(start);
  return std::move(result_);
}

}  // namespace

double FuzzCampaignResult::BootsPerSecond() const {
  return fuzz_time.count() > 0 ? boots * 1000.0 / static_cast<double>(fuzz_time.count()) : 0;
}

FuzzCampaignResult RunFuzzCampaign(const FuzzCampaignConfig& config, const BootBackend& backend,
                                   ProcessRunner& runner, const CancelToken* cancel,
                                   const FuzzProgressCallback& progress) {
  FuzzCampaignConfig checked = config;
  checked.jobs = std::max(1, config.jobs);
  try {
    Campaign campaign(checked, backend, runner, cancel, progress);
    return campaign.Run();
  } catch (const std::exception& e) {
    FuzzCampaignResult result;
    result.status = Status::Internal(std::string("fuzz campaign: ") + e.what());
    return result;
  }
}

}  // namespace cirun
