#include "harness/failure_excerpt.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "harness/line_splitter.h"

namespace cirun {
namespace {

// The length of the valid UTF-8 sequence at the start of `s` (2 to 4), or 0.
size_t Utf8Sequence(std::string_view s) {
  const auto c = static_cast<unsigned char>(s[0]);
  size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
  if (c >= 0xf5 || n == 0 || s.size() < n) return 0;
  for (size_t i = 1; i < n; ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xc0) != 0x80) return 0;
  return n;
}

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

struct Numbered {
  size_t number;
  std::string text;
  bool match;
};

std::string Format(const Numbered& line) {
  char prefix[32];
  std::snprintf(prefix, sizeof prefix, "%c%5zu | ", line.match ? '>' : ' ', line.number);
  return prefix + line.text + "\n";
}

// Joins `lines` (sorted by number, no duplicates) with gap markers, dropping
// the lines farthest from the match (or from the end) until it fits `cap`.
std::string Render(std::vector<Numbered> lines, size_t cap) {
  if (lines.empty()) return "";
  size_t anchor = lines.back().number;
  for (const Numbered& l : lines)
    if (l.match) anchor = l.number;
  auto size_of = [](const std::vector<Numbered>& ls) {
    size_t total = 0;
    for (const Numbered& l : ls) total += Format(l).size() + 12;  // room for a gap line
    return total;
  };
  size_t dropped = 0;
  while (lines.size() > 1 && size_of(lines) > cap) {
    auto farthest = std::max_element(lines.begin(), lines.end(), [&](const auto& a, const auto& b) {
      auto distance = [&](const Numbered& l) {
        return l.match ? 0 : (l.number > anchor ? l.number - anchor : anchor - l.number);
      };
      return distance(a) < distance(b);
    });
    lines.erase(farthest);
    ++dropped;
  }
  std::string out;
  size_t previous = 0;
  for (const Numbered& l : lines) {
    if (previous != 0 && l.number > previous + 1) out += "      ... |\n";
    out += Format(l);
    previous = l.number;
  }
  if (out.size() > cap) out = out.substr(0, cap) + "\n";  // one huge line alone
  if (dropped > 0) out += "[excerpt cut: " + std::to_string(dropped) + " more lines]\n";
  return out;
}

bool IsCompilerError(std::string_view line) {
  const std::string_view t = TrimLeft(line);
  return line.find(": error:") != std::string_view::npos ||
         line.find(": fatal error:") != std::string_view::npos || t.starts_with("Error:") ||
         t.starts_with("Error (") || line.find("undefined reference to") != std::string_view::npos;
}

}  // namespace

std::string ExcerptLine(std::string_view line, size_t max) {
  std::string out;
  size_t i = 0;
  while (i < line.size() && out.size() < max) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c >= 0x80) {
      if (size_t n = Utf8Sequence(line.substr(i)); n > 0) {
        if (out.size() + n > max) break;
        out.append(line.substr(i, n));
        i += n;
        continue;
      }
    }
    if (c < 0x20 && c != '\t') {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else if (c >= 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
  if (i < line.size()) out += "...";
  return out;
}

bool IsKeyLine(std::string_view line) {
  const std::string_view t = TrimLeft(line);
  for (std::string_view prefix :
       {"Raised at ", "Re-raised at ", "Raised by primitive operation at ", "Called from "}) {
    if (t.starts_with(prefix)) return true;
  }
  for (std::string_view part : {"Solo5: trap", "Solo5: Abort", "Solo5: ABORT", "solo5_abort"}) {
    if (line.find(part) != std::string_view::npos) return true;
  }
  return false;
}

void ConsoleExcerpt::Add(std::string_view line, bool stopped) {
  ++seen_;
  // Only the lines that may be kept are copied (and cut): a huge console
  // costs a scan, never memory.
  const bool key = key_.size() < limits_.key_lines && IsKeyLine(line);
  const bool is_match = stopped && !match_;
  const bool in_after = stopped && match_ && after_.size() < limits_.after;
  const bool in_before = !stopped && limits_.before > 0;
  if (!key && !is_match && !in_after && !in_before) return;
  Line kept{seen_, ExcerptLine(line, limits_.line_bytes)};
  if (key) key_.push_back(kept);
  if (is_match) {
    match_ = std::move(kept);
  } else if (in_after) {
    after_.push_back(std::move(kept));
  } else if (in_before) {
    before_.push_back(std::move(kept));
    if (before_.size() > limits_.before) before_.pop_front();
  }
}

std::string ConsoleExcerpt::Text() const {
  std::map<size_t, Numbered> lines;
  auto put = [&](const Line& l, bool match) { lines[l.number] = {l.number, l.text, match}; };
  for (const Line& l : key_) put(l, false);
  for (const Line& l : before_) put(l, false);
  for (const Line& l : after_) put(l, false);
  if (match_) put(*match_, true);
  std::vector<Numbered> sorted;
  for (auto& [number, line] : lines) sorted.push_back(std::move(line));
  return Render(std::move(sorted), limits_.total_bytes);
}

std::string BuildLogExcerpt(std::string_view log, ExcerptLimits limits) {
  const std::vector<std::string_view> lines = ConsoleLines(log);
  if (lines.empty()) return "";
  std::optional<size_t> error;
  for (size_t i = 0; i < lines.size() && !error; ++i)
    if (IsCompilerError(lines[i])) error = i;
  for (size_t i = 0; i < lines.size() && !error; ++i)
    if (lines[i].find("*** ") != std::string_view::npos) error = i;
  size_t first, last;
  if (error) {
    first = *error >= 2 ? *error - 2 : 0;
    // OCaml: File "x.ml", line N, characters A-B: comes before the source lines.
    for (size_t back = 1; back <= 6 && back <= *error; ++back) {
      if (TrimLeft(lines[*error - back]).starts_with("File \"")) {
        first = std::min(first, *error - back);
        break;
      }
    }
    last = std::min(lines.size() - 1, *error + 8);
  } else {
    first = lines.size() > limits.before ? lines.size() - limits.before : 0;
    last = lines.size() - 1;
  }
  std::vector<Numbered> kept;
  for (size_t i = first; i <= last; ++i)
    kept.push_back({i + 1, ExcerptLine(lines[i], limits.line_bytes), error && i == *error});
  return Render(std::move(kept), limits.total_bytes);
}

}  // namespace cirun
