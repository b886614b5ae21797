// FuzzCorpusStore: the corpora of coverage-guided fuzz campaigns, kept in the
// cache per repository and unikernel, so that the next pipeline or nightly
// run starts from what the last one reached:
//
//   CACHE/fuzz-corpus/<repository key>/<unikernel>/<cell key>.corpus
//
// One file per cell (cells write at once without locks: each only its own,
// replaced atomically); a campaign reads every cell's file of its unikernel
// (the inputs are command lines, good for any cell), without duplicates.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "harness/fuzz_input.h"

namespace cirun {

class FuzzCorpusStore {
 public:
  /// `cache_dir` "" : nothing is stored or read.
  FuzzCorpusStore(std::string cache_dir, const std::string& repo, const std::string& unikernel);

  /// The folder of this repository's unikernel ("" without a cache dir).
  const std::string& dir() const { return dir_; }

  /// Every stored input of the unikernel, the file of `cell_key` first, then
  /// the others in name order, each input once. A missing folder is empty;
  /// an unreadable or corrupt file is skipped and named in `warnings`.
  std::vector<FuzzInput> Load(const std::string& cell_key,
                              std::vector<std::string>* warnings) const;

  /// Replaces the file of `cell_key` with `inputs` (write, then rename).
  /// IoError if it cannot be written; OK and nothing done without a cache dir.
  Status Save(const std::string& cell_key, const std::vector<FuzzInput>& inputs) const;

 private:
  std::string FileOf(const std::string& cell_key) const;
  std::string dir_;
};

}  // namespace cirun
