// BootRequest and BootResult: the input and output of one judged boot.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/boot_outcome.h"
#include "harness/process_runner.h"

namespace cirun {

struct BootRequest {
  std::string image;              // path of the image (absolute, or relative to work_dir)
  std::vector<std::string> args;  // runtime arguments, one per element
  std::optional<std::string> raw_command_line;  // if set, used verbatim instead of joining `args`
                                                // (the fuzzer's byte-level mutations)
  std::vector<std::string> expect;              // RE2 regexes, matched per line, in order
  std::vector<std::string> fail;                // any match ends the boot as failed
  std::chrono::milliseconds timeout{20'000};    // spawn to exit
  std::vector<int> exit_codes{0};               // accepted guest exit codes; empty: the boot passes
                                                // (and the VM is stopped) once every expect matched
  std::string work_dir;                         // the child's cwd and scratch space ("" : current)
  std::string instance_name;                    // unique per concurrent boot (VM/domain names)
  BootOutcome expected_outcome = BootOutcome::kPassed;  // the outcome that passes this boot
                                                        // (a negative test: kCrashed, kHung,
                                                        // kFailed, kRejected); never kInfra
  bool count_instructions = false;       // the guest's clock counts executed instructions (QEMU
                                         // -icount): timings the guest takes become exact counts.
                                         // Honoured where BootBackend::CountsInstructions() is true
  std::string instruction_count_plugin;  // with count_instructions: the QEMU TCG plugin
                                         // (qemu_plugins/instruction_count.so) to load, which
                                         // prints "METRIC instructions=N count" as QEMU exits;
                                         // "" : none, and no `instructions` metric
};

/// One `METRIC name=value unit` line printed by the unikernel.
struct BootMetric {
  std::string name;
  double value = 0;
  std::string unit;
};

struct BootResult {
  BootOutcome outcome = BootOutcome::kInfra;
  std::string cause;                 // one line: why (the matched pattern, the exit, the last line)
  std::optional<int> guest_exit;     // decoded guest exit code, if the guest exited
  ProcessExit process;               // how the backend process ended
  std::vector<std::string> command;  // the argv that was run (for reproducers)
  std::string console;               // console output as the guest wrote it: all of it, or its first and last 512 KiB
  std::vector<std::string> console_tail;  // the last judged lines (at most 20), oldest first,
                                          // ending at the crash/fail line when one matched;
                                          // output after the deadline is not in it
  std::string excerpt;  // when not passed: the lines that matter (failure_excerpt.h), numbered,
                        // at most a few KiB whatever the console's size; "" when passed
  std::optional<std::chrono::milliseconds> first_byte;  // spawn to first console byte
  std::optional<std::chrono::milliseconds>
      success;                         // spawn to the line that matched the last expect
  std::chrono::milliseconds total{0};  // spawn to reap
  std::uintmax_t image_bytes = 0;      // size of the image file
  std::vector<BootMetric> metrics;     // METRIC lines, in order
  std::string
      note;  // backend remark, e.g. "xen image booted under QEMU (PVH): no Xen on this host"
};

}  // namespace cirun
