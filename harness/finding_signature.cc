#include "harness/finding_signature.h"

#include <algorithm>
#include <cctype>

namespace cirun {
namespace {

bool IsBlank(const std::string& line) {
  return std::all_of(line.begin(), line.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::string MaskValues(std::string line, std::vector<std::string> values) {
  // Longest first, so that a value containing another is masked whole.
  std::sort(values.begin(), values.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const std::string& v : values) {
    if (v.size() < 3) continue;
    for (size_t at = line.find(v); at != std::string::npos; at = line.find(v, at + 5)) {
      line.replace(at, v.size(), "<arg>");
    }
  }
  return line;
}

// What Solo5 0.8 prints before the guest runs (bindings/crt_init.h's banner,
// the memory map, virtio's clock and truncation lines): the same for every
// guest of a target, so not part of what a guest did.
bool IsSolo5StartupLine(std::string_view line) {
  static constexpr std::string_view kBanner[] = {
      "            |      ___|", "  __|  _ \\  |  _ \\ __ \\", "\\__ \\ (   | | (   |  ) |",
      "____/\\___/ _|\\___/____/"};
  static constexpr std::string_view kPrefixes[] = {
      "Solo5: Bindings version", "Solo5: Memory map:",   "Solo5:   reserved @",
      "Solo5:       text @",     "Solo5:     rodata @",  "Solo5:       data @",
      "Solo5:       heap >=",    "Solo5: Clock source:", "Solo5: warning: command line too long"};
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  for (std::string_view banner : kBanner) {
    while (!banner.empty() && banner.back() == ' ') banner.remove_suffix(1);
    if (line == banner) return true;
  }
  for (std::string_view prefix : kPrefixes) {
    if (line.starts_with(prefix)) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> EchoedValues(const std::vector<std::string>& guest_args) {
  std::vector<std::string> values;
  for (const std::string& arg : guest_args) {
    values.push_back(arg);
    if (size_t eq = arg.find('='); eq != std::string::npos) values.push_back(arg.substr(eq + 1));
  }
  return values;
}

std::string NormaliseConsoleLine(std::string_view line, const std::vector<std::string>& values) {
  const std::string masked = MaskValues(std::string(line), values);
  std::string out;
  for (size_t i = 0; i < masked.size() && out.size() < 120;) {
    const char c = masked[i];
    const bool hex = c == '0' && i + 2 < masked.size() &&
                     (masked[i + 1] == 'x' || masked[i + 1] == 'X') && IsHexDigit(masked[i + 2]);
    if (hex) {
      out += "0x#";
      for (i += 2; i < masked.size() && IsHexDigit(masked[i]); ++i) {
      }
    } else if (c >= '0' && c <= '9') {
      // A number becomes '#'; digits that are part of a word ("ipv4") stay.
      const bool in_word = i > 0 && std::isalpha(static_cast<unsigned char>(masked[i - 1]));
      const size_t start = i;
      while (i < masked.size() && masked[i] >= '0' && masked[i] <= '9') ++i;
      out += in_word ? masked.substr(start, i - start) : "#";
    } else {
      const unsigned char u = static_cast<unsigned char>(c);
      out += u >= 0x20 && u < 0x7f ? c : '?';
      ++i;
    }
  }
  return out.substr(0, 120);
}

std::string FindingSignature(BootOutcome outcome, const std::vector<std::string>& console_tail,
                             const std::vector<std::string>& guest_args, size_t lines) {
  // Values are masked in the joined text: an echoed value may span lines.
  std::string joined;
  for (const std::string& line : console_tail) joined += line + "\n";
  joined = MaskValues(std::move(joined), EchoedValues(guest_args));
  std::vector<std::string> all;
  for (size_t start = 0, end; (end = joined.find('\n', start)) != std::string::npos;
       start = end + 1) {
    all.push_back(joined.substr(start, end - start));
  }
  std::vector<std::string> picked;
  for (auto it = all.rbegin(); it != all.rend() && picked.size() < lines; ++it) {
    if (!IsBlank(*it) && !IsSolo5StartupLine(*it)) picked.push_back(NormaliseConsoleLine(*it, {}));
  }
  std::string signature = std::string(BootOutcomeName(outcome)) + ":";
  if (picked.empty()) return signature + " (no output)";
  for (auto it = picked.rbegin(); it != picked.rend(); ++it) {
    signature += (it == picked.rbegin() ? " " : " | ") + *it;
  }
  return signature;
}

}  // namespace cirun
