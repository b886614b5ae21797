#include "harness/line_splitter.h"

namespace cirun {

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
