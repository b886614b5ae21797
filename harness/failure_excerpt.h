// FailureExcerpt: the few lines of a console or build log that explain a
// failure, instead of the whole log.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cirun {

/// How much an excerpt keeps. Every field bounds memory and output: an
/// excerpt is never longer than `total_bytes` (plus one cut marker line),
/// whatever the size of the console it was taken from.
struct ExcerptLimits {
  size_t before = 12;         // lines kept before the match (or before the end)
  size_t after = 15;          // lines kept after the match
  size_t key_lines = 12;      // OCaml backtrace / Solo5 report lines kept from anywhere
  size_t line_bytes = 240;    // a longer line is cut, "..." after it
  size_t total_bytes = 4096;  // the whole excerpt; the lines farthest from the match go first
};

/// One line of an excerpt, in the form every report shows it: bytes that
/// are not printable (control characters but tab, bytes that are not valid
/// UTF-8) as \xNN, cut to `max` bytes (never inside a UTF-8 sequence) with
/// "..." after.
std::string ExcerptLine(std::string_view line, size_t max);

/// True for a line that explains a crash wherever it is: an OCaml
/// backtrace line ("Raised at", "Re-raised at", "Raised by primitive
/// operation at", "Called from") or a Solo5 abort or trap report
/// ("Solo5: trap", "Solo5: Abort", "Solo5: ABORT", "solo5_abort").
bool IsKeyLine(std::string_view line);

/// Collects the lines that matter of a console as it streams, in bounded
/// memory: the last `before` lines, the line that stopped the judgement (a
/// fail pattern or crash signature) and up to `after` lines following it,
/// and the first `key_lines` key lines (IsKeyLine) seen anywhere. Not
/// thread-safe: one per boot.
class ConsoleExcerpt {
 public:
  explicit ConsoleExcerpt(ExcerptLimits limits = {}) : limits_(limits) {}

  /// Adds the next console line. `stopped` is true once the judgement has
  /// stopped: the first line added with `stopped` is the match; after it,
  /// lines fill the `after` window, and the `before` window stops moving.
  void Add(std::string_view line, bool stopped);

  /// The excerpt: one line per kept console line, "   N | text" (N its
  /// 1-based line number in the console, the match marked ">" instead of
  /// the first space), a "     ... |" line wherever lines were left out.
  /// "" if no line was added. At most limits.total_bytes bytes (plus one
  /// "[excerpt cut ...]" line).
  std::string Text() const;

  /// How many lines were added.
  size_t lines_seen() const { return seen_; }

 private:
  struct Line {
    size_t number = 0;
    std::string text;  // already ExcerptLine'd
  };
  ExcerptLimits limits_;
  size_t seen_ = 0;
  std::deque<Line> before_;
  std::optional<Line> match_;
  std::vector<Line> after_;
  std::vector<Line> key_;
};

/// The excerpt of a failed build's log, in ConsoleExcerpt::Text's form:
/// the compiler's first error (a line with ": error:" or ": fatal error:",
/// an OCaml "Error:" line with the `File "...", line N` header and source
/// lines before it, a linker's "undefined reference"), with up to 2 lines
/// before it and 8 after; without one, make's first "*** " line; without
/// that either, the last `limits.before` lines. "" for an empty log.
std::string BuildLogExcerpt(std::string_view log, ExcerptLimits limits = {});

}  // namespace cirun
