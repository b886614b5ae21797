// ConsoleLog: what a boot keeps of its console, bounded whatever the guest
// prints: the first half of the budget as it came, and the last half rolling.
// A guest that prints gigabytes is still judged line by line as it streams
// (ConsoleJudge); this is only what is stored and shown afterwards, and the
// end (a Solo5 exit line, the crash) is always in it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cirun {

class ConsoleLog {
 public:
  /// Keeps at most `budget` bytes of output (plus one marker line): the first
  /// budget/2 and the last budget/2.
  explicit ConsoleLog(size_t budget) : half_(budget / 2) {}

  /// Adds output as it arrives. Amortised O(chunk size).
  void Append(std::string_view chunk);

  /// The kept console: everything when nothing was dropped; otherwise the
  /// head, the line "[ci-run: N bytes of console not kept]" and the tail.
  std::string Text() const;

  /// Bytes seen in all, and bytes not kept.
  size_t total() const { return total_; }
  size_t dropped() const { return total_ - head_.size() - TailSize(); }

 private:
  size_t TailSize() const { return tail_.size() - tail_start_; }

  size_t half_;
  size_t total_ = 0;
  std::string head_;
  std::string tail_;       // tail_.substr(tail_start_) is the kept tail
  size_t tail_start_ = 0;  // dropped prefix, compacted when it outgrows the tail
};

}  // namespace cirun
