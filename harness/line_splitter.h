// LineSplitter: turns a stream of arbitrary chunks into console lines.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cirun {

/// Receives one console line, without its "\n" or "\r\n".
using LineVisitor = std::function<void(std::string_view line)>;

/// The lines of a whole console text, each without its "\n" or "\r\n" (a
/// last line without a newline included). Views into `text`.
std::vector<std::string_view> ConsoleLines(std::string_view text);

class LineSplitter {
 public:
  /// Lines longer than this are delivered in pieces of this many bytes, so a
  /// guest that never prints a newline cannot grow memory unboundedly (a
  /// 10 MB line is judged as 160 pieces; a match across two pieces is missed).
  /// Matching is RE2's, linear in the piece's length.
  static constexpr size_t kMaxLineBytes = 64 * 1024;

  /// Appends `chunk` and calls `visit` for every line it completes.
  void Feed(std::string_view chunk, const LineVisitor& visit);
  /// Delivers the last line if the stream ended without a newline; then empty.
  void Finish(const LineVisitor& visit);

 private:
  void Deliver(const LineVisitor& visit);
  std::string partial_;
};

}  // namespace cirun
