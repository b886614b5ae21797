// ConsoleJudge: judges a unikernel's console as it streams.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "harness/line_splitter.h"

namespace re2 {
class RE2;
}

namespace cirun {

/// Where the judgement of a console stands.
enum class ConsoleVerdict {
  kPending,       // no fail pattern yet, some expects not seen yet
  kAllExpected,   // every expect matched, in order (and no fail pattern)
  kFailMatched,   // a user `fail` pattern matched; the judgement stopped
  kCrashMatched,  // a built-in crash signature matched; the judgement stopped
};

/// The built-in crash signatures (RE2 regexes, searched in each line):
/// PANIC, ABORT, "Solo5: Abort", "Fatal error: exception", "Triple fault"/"triple fault".
const std::vector<std::string>& CrashSignatures();

class ConsoleJudge {
 public:
  /// The pattern that stopped the judgement, and the line it matched.
  struct Match {
    std::string pattern;
    std::string line;
    std::chrono::milliseconds at{0};  // since spawn
  };

  /// Compiles `expect` and `fail` (RE2 syntax). Returns InvalidArgument naming the
  /// first pattern that does not compile. Keeps the last `tail_lines` lines.
  static Result<ConsoleJudge> Create(const std::vector<std::string>& expect,
                                     const std::vector<std::string>& fail, size_t tail_lines = 20);

  /// Lines for which `ignore` returns true (the backend's own messages, e.g.
  /// xl's) are not judged, not remembered in tail(), and not visited. With a
  /// filter set, first_byte() is the time of the first line that is not
  /// ignored. `ignore` may be null (the default: every line is judged).
  void IgnoreLines(std::function<bool(std::string_view)> ignore) { ignore_ = std::move(ignore); }

  /// Feeds a chunk of console output that arrived `at` after spawn. Each line it
  /// completes is judged (crash signatures, then fail patterns, then the next
  /// pending expect; one line satisfies at most one expect), then passed to
  /// `visit` (may be null). After a fail or crash match, lines are no longer
  /// judged (but still visited). Returns the verdict so far.
  ConsoleVerdict Feed(std::string_view chunk, std::chrono::milliseconds at,
                      const LineVisitor& visit = nullptr);
  /// Judges the final line if the stream ended without a newline.
  ConsoleVerdict Finish(std::chrono::milliseconds at, const LineVisitor& visit = nullptr);

  ConsoleVerdict verdict() const;
  /// True once a fail pattern or crash signature matched.
  bool stopped() const { return failure_.has_value(); }
  /// The fail/crash match, if any.
  const std::optional<Match>& failure() const { return failure_; }
  /// Number of expects matched so far (they match in order).
  size_t expects_seen() const { return next_expect_; }
  /// The first expect not seen yet, if any.
  std::optional<std::string> first_missing_expect() const;
  /// Spawn to the first non-empty chunk.
  std::optional<std::chrono::milliseconds> first_byte() const { return first_byte_; }
  /// Spawn to the line that matched the last expect (nullopt without expects).
  std::optional<std::chrono::milliseconds> success() const { return success_; }
  /// The last `tail_lines` lines, oldest first.
  const std::deque<std::string>& tail() const { return tail_; }
  /// The last line that is not blank, or "" if none.
  std::string last_line() const;

 private:
  struct Pattern {
    std::string text;
    std::shared_ptr<const re2::RE2> regex;  // RE2: linear time in the line's length
  };
  static Result<std::vector<Pattern>> Compile(const std::vector<std::string>& texts,
                                              const char* what);
  void OnLine(std::string_view line, std::chrono::milliseconds at, const LineVisitor& visit);
  void JudgeLine(std::string_view line, std::chrono::milliseconds at);
  void Remember(std::string_view line);

  std::vector<Pattern> expect_;
  std::vector<Pattern> fail_;
  std::vector<Pattern> crash_;
  size_t tail_lines_ = 20;
  std::function<bool(std::string_view)> ignore_;
  LineSplitter splitter_;
  size_t next_expect_ = 0;
  bool crashed_ = false;
  std::optional<Match> failure_;
  std::optional<std::chrono::milliseconds> first_byte_;
  std::optional<std::chrono::milliseconds> success_;
  std::deque<std::string> tail_;
};

}  // namespace cirun
