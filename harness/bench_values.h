// The values a benchmark boot yields for the metrics a `bench:` section keeps.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "harness/boot_request.h"

namespace cirun {

/// Metrics the harness measures itself (the rest come from METRIC lines).
inline constexpr const char* kBootMsMetric = "boot_ms";  // spawn to the last expect's line
inline constexpr const char* kCpuMsMetric = "cpu_ms";    // CPU time of the VM process (user+sys)
inline constexpr const char* kImageBytesMetric = "image_bytes";  // size of the image file
/// The METRIC line that QEMU's instruction_count plugin (qemu_plugins/) prints
/// under `clock: instructions`: guest instructions executed, boot to exit.
inline constexpr const char* kInstructionsMetric = "instructions";

struct BenchValue {
  std::string metric;
  double value = 0;
  std::string unit;  // "ms", "bytes", or the METRIC line's unit
};

/// The value of each of `metrics` (in that order) from a passed boot:
/// boot_ms = result.success (the line that matched the last expect, else the
/// whole run), cpu_ms = the process's CPU time, image_bytes = the image size,
/// any other name = the last `METRIC name=...` line with that name.
/// Returns NotFound naming the metric if the boot printed no such line, and
/// FailedPrecondition if the boot did not pass.
Result<std::vector<BenchValue>> BenchValues(const BootResult& result,
                                            const std::vector<std::string>& metrics);

}  // namespace cirun
