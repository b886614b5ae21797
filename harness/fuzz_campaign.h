// FuzzCampaign: fuzzing the boot arguments of one built image.
//
// 1. Calibrate: boot the valid arguments a few times; they must pass. The
//    hang timeout is derived from these normal boot times (5 x the median,
//    2 x the slowest, at least 1 s, at most the boot timeout), so that a hang
//    costs about a second instead of the whole boot timeout.
// 2. Fuzz: boot the inputs of a FuzzSchedule on `jobs` parallel slots until
//    the budget (boots and/or time) is spent. JudgeFuzzBoot sorts each boot
//    into correct behaviour and findings (crashed, hung).
// 3. Deduplicate the findings by FindingSignature, then minimise each one:
//    delta debugging over the arguments, then over the bytes of each value
//    (the shortest failing prefix by bisection first, then as many 'a' bytes
//    when only the length matters). A candidate reproduces when it gives the
//    same outcome (crashed or hung).
// 4. Confirm each minimised hang with twice the hang timeout (at most the
//    boot timeout): one that finishes was a slow boot, not a hang, and is
//    dropped. Deduplicate again by the signature of the minimised input, so
//    that one defect found several ways is reported once.
//
// With coverage (a coverage plugin and a backend that CollectsCoverage: the
// QEMU targets), every boot also says which blocks of the guest it ran, and
// step 2 becomes coverage-guided: the inputs that reached blocks no earlier
// input reached are kept in a corpus (FuzzCorpus), and the random inputs are
// mostly small mutations of corpus entries (MutateCorpusEntry): each new
// entry's DeterministicSteps first, then random ones. The first 24
// systematic inputs come first, as without coverage; the rest are
// interleaved with the corpus's, one in three. `seeds` (the corpus a previous
// campaign stored) are booted first. Without coverage (unix, Solo5 tenders,
// no plugin) the campaign is the blind schedule alone, and says why.
//
// Deterministic for a seed: the inputs are a pure function of (seed, index),
// findings are taken in input order, and minimisation picks the first
// reproducing candidate in order, however many boots ran in parallel. With
// coverage, input i also depends on the coverage of inputs 0 .. i-9,
// folded into the corpus in input order (input i waits for them), which is
// the same however the boots interleave (at most 9 run at once). Only
// timing (a boot slower than the hang timeout) can differ between runs, and
// step 4 catches that.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "harness/boot_backend.h"
#include "harness/boot_slots.h"
#include "harness/bootvar_generator.h"
#include "harness/fuzz_input.h"
#include "harness/process_runner.h"

namespace cirun {

struct FuzzCampaignConfig {
  std::string image;                               // the image (absolute, or relative to work_dir)
  std::string work_dir;                            // every boot's cwd ("" : the current one)
  std::string instance_prefix = "ci-run-fuzz";     // VM names are <prefix>-<n>
  std::vector<std::string> base_args;              // valid arguments (the main boot's)
  std::vector<std::string> expect;                 // the main boot's; used only for servers
  std::vector<std::string> fail;                   // the main boot's fail patterns
  std::vector<int> exit_codes{0};                  // the main boot's accepted guest codes;
                                                   // empty: a server (passes once expect matched)
  std::chrono::milliseconds boot_timeout{20'000};  // the main boot's timeout
  std::vector<BootvarKey> keys;                    // typed keys; none: mutation only
  uint64_t seed = 1;
  int boots = 200;                    // inputs to try (calibration, minimisation and
                                      // confirmation boots are not counted)
  std::chrono::milliseconds time{0};  // no new input after this; 0: no time limit
  int jobs = 2;                       // boots at once
  int minimise_boots = 64;            // per finding
  int calibration_boots = 3;          //
  BootSlots* shared_slots = nullptr;  // if set, each boot also holds one of these
  std::string coverage_plugin;        // qemu_plugins/coverage.so; "": coverage off
  std::vector<FuzzInput> seeds;       // a stored corpus: booted first, at most half the budget
};

struct FuzzFinding {
  BootOutcome outcome = BootOutcome::kCrashed;  // kCrashed or kHung
  std::string signature;                        // FindingSignature of the minimised input
  std::string cause;                            // one line, from the minimised input's boot
  FuzzInput input;                              // minimised
  FuzzInput original;                           // as the fuzzer first booted it
  std::vector<std::string> console_tail;        // the minimised input's judged console tail
  size_t first_input = 0;                       // schedule index of the input that found it
  int hits = 1;                                 // fuzz inputs that showed this finding
  int minimise_boots = 0;                       // boots spent minimising it
  bool minimal = true;                          // false: the minimisation budget ran out
};

struct FuzzCampaignResult {
  /// OK; Cancelled; FailedPrecondition if the valid arguments do not pass
  /// (nothing was fuzzed); Unavailable if the host failed (infra).
  Status status;
  std::vector<FuzzFinding> findings;    // unique by signature, in order of discovery
  int inputs = 0;                       // schedule inputs tried
  int boots = 0;                        // of which booted (others: not representable here)
  int not_representable = 0;            // e.g. a raw line that does not split, on unix
  std::map<std::string, int> outcomes;  // fuzz boots by outcome name ("passed", "hung", ...)
  int raw_findings = 0;                 // fuzz boots that were findings
  int calibration_boots = 0;
  int minimise_boots = 0;
  int confirm_boots = 0;  // boots again with twice the hang timeout, to tell hangs from slow boots
  int dropped_slow = 0;   // timed out, then ended with the longer timeout: slow boots, not hangs
  std::chrono::milliseconds normal_boot{0};   // median calibration boot
  std::chrono::milliseconds hang_timeout{0};  //
  // Hung boots (every phase), and how promptly they were stopped: the longest
  // a hung boot lived past its timeout, spawn to reap (the stop's TERM, KILL
  // and the reaping of the VM).
  int hung_boots = 0;
  std::chrono::milliseconds hang_overrun_max{0};
  std::chrono::milliseconds fuzz_time{0};   // the fuzz boots phase
  std::chrono::milliseconds total_time{0};  // everything
  std::string log;  // what happened, one event per line (every fuzz boot that did not pass)

  // Coverage (all zero when it is off).
  bool coverage = false;                                // coverage guided the campaign
  std::string coverage_note;                            // why coverage is off ("" when on)
  size_t calibration_ids = 0;                           // distinct blocks the valid arguments ran
  size_t covered_ids = 0;                               // distinct blocks all boots ran
  std::vector<std::pair<int, size_t>> coverage_growth;  // (fuzz boots folded, blocks) each time
                                                        // the covered blocks grew
  std::vector<FuzzInput> corpus;  // the fuzz inputs that reached new blocks, in input order
  int seed_inputs = 0;            // inputs booted from config.seeds
  int corpus_inputs = 0;          // inputs made by mutating a corpus entry

  /// Fuzz boots per second of the fuzz phase (0 if it took no time).
  double BootsPerSecond() const;
};

/// Where a campaign stands, for progress displays.
struct FuzzProgress {
  const char* phase = "";  // "calibrate", "fuzz", "minimise", "confirm"
  int done = 0;            // fuzz inputs tried so far
  int total = 0;           // the input budget
  int findings = 0;        // distinct signatures seen so far (before minimisation)
};
/// Called from the campaign's threads, one call at a time.
using FuzzProgressCallback = std::function<void(const FuzzProgress&)>;

/// Runs the campaign (see the file comment). Every boot goes through Boot()
/// with `backend` and `runner`; all of them have ended when this returns, also
/// when `cancel` fires (status Cancelled; the findings so far are returned,
/// not minimised). `cancel` and `progress` may be null. Never throws.
FuzzCampaignResult RunFuzzCampaign(const FuzzCampaignConfig& config, const BootBackend& backend,
                                   ProcessRunner& runner, const CancelToken* cancel,
                                   const FuzzProgressCallback& progress = nullptr);

}  // namespace cirun
