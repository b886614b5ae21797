// What the store keeps for performance tracking: benchmark samples and the
// changes (regressions, improvements) found in them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cirun {

/// One measured value of one metric in one benchmark run.
struct SampleRecord {
  std::string repo;       // as PipelineInfo::repo
  std::string unikernel;  // e.g. "bench"
  std::string cell_key;   // e.g. "compiler=gcc,target=virtio"
  std::string metric;     // "boot_ms", "cpu_ms", "image_bytes" or a METRIC line name
  std::string commit;     // full commit id
  std::string host;       // where it ran (see PerfHostName); results of hosts never mix
  double value = 0;
  std::string unit;
  std::string source;      // "pipeline 12", "bench", "compare", "history"
  int64_t created_ms = 0;  // filled in by the store when 0
};

/// Which samples to read: all of (repo, unikernel, cell_key, host), narrowed to
/// `commits` and `metric` when those are given.
struct SampleQuery {
  std::string repo;
  std::string unikernel;
  std::string cell_key;
  std::string host;
  std::vector<std::string> commits;  // empty: every commit
  std::string metric;                // "": every metric
};

/// A change between two commits on one metric, with its evidence.
struct PerfChangeRecord {
  int64_t id = 0;
  std::string repo, unikernel, cell_key, metric, host;
  std::string commit;              // the commit that introduced the change (head of a comparison)
  std::string base_commit;         // what it was compared with (its parent for history)
  std::string verdict;             // "slower" or "faster"
  double ratio = 1;                // head median / base median
  double ci_low = 0, ci_high = 0;  // 95% interval of the ratio (0 if unknown)
  double p_value = 1;
  double base_median = 0, head_median = 0;
  int64_t base_n = 0, head_n = 0;
  std::string unit;
  std::string source;      // "compare", "history", "pipeline 12"
  std::string reproducer;  // command line that reproduces the comparison
  int64_t created_ms = 0;  // filled in by the store when 0
};

}  // namespace cirun
