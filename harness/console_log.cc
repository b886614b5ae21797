#include "harness/console_log.h"

#include <algorithm>

namespace cirun {

void ConsoleLog::Append(std::string_view chunk) {
  total_ += chunk.size();
  const size_t to_head = std::min(chunk.size(), half_ - std::min(half_, head_.size()));
  head_.append(chunk.substr(0, to_head));
  chunk.remove_prefix(to_head);
  if (chunk.empty()) return;
  if (chunk.size() >= half_) {  // the chunk alone fills the tail
    tail_.assign(chunk.substr(chunk.size() - half_));
    tail_start_ = 0;
    return;
  }
  tail_.append(chunk);
  if (TailSize() > half_) tail_start_ = tail_.size() - half_;
  if (tail_start_ > half_) {  // compact: each byte is moved at most once per half_ appended
    tail_.erase(0, tail_start_);
    tail_start_ = 0;
  }
}

std::string ConsoleLog::Text() const {
  std::string text = head_;
  if (const size_t skipped = dropped(); skipped > 0) {
    if (!text.empty() && text.back() != '\n') text += '\n';
    text += "[ci-run: " + std::to_string(skipped) + " bytes of console not kept]\n";
  }
  text.append(tail_, tail_start_, std::string::npos);
  return text;
}

}  // namespace cirun
