#include "harness/line_splitter.h"

namespace cirun {

std::vector<std::string_view> ConsoleLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

void LineSplitter::Feed(std::string_view chunk, const LineVisitor& visit) {
  while (!chunk.empty()) {
    size_t newline = chunk.find('\n');
    size_t room = kMaxLineBytes - partial_.size();
    if (newline == std::string_view::npos || newline > room) {
      size_t take = std::min(chunk.size(), room);
      partial_.append(chunk.substr(0, take));
      chunk.remove_prefix(take);
      if (partial_.size() == kMaxLineBytes) Deliver(visit);
      continue;
    }
    partial_.append(chunk.substr(0, newline));
    chunk.remove_prefix(newline + 1);
    Deliver(visit);
  }
}

void LineSplitter::Finish(const LineVisitor& visit) {
  if (!partial_.empty()) Deliver(visit);
}

void LineSplitter::Deliver(const LineVisitor& visit) {
  std::string line = std::move(partial_);
  partial_.clear();
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (visit) visit(line);
}

}  // namespace cirun
