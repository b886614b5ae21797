#include "harness/fuzz_corpus.h"

#include "harness/line_splitter.h"

namespace cirun {
namespace {

constexpr std::string_view kHeader = "ci-run corpus 1";

std::string ToHex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : bytes) {
    hex += kDigits[c >> 4];
    hex += kDigits[c & 15];
  }
  return hex;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// The bytes of `hex`; false if it is not an even run of lowercase hex digits.
bool FromHex(std::string_view hex, std::string* bytes) {
  if (hex.size() % 2 != 0) return false;
  bytes->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexDigit(hex[i]), lo = HexDigit(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    *bytes += static_cast<char>(hi * 16 + lo);
  }
  return true;
}

std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t start = 0;
  while (start <= line.size()) {
    const size_t space = line.find(' ', start);
    const size_t end = space == std::string_view::npos ? line.size() : space;
    words.push_back(line.substr(start, end - start));
    if (space == std::string_view::npos) break;
    start = space + 1;
  }
  return words;
}

}  // namespace

int FuzzCorpus::Add(const FuzzInput& input, const std::vector<uint64_t>& ids, size_t index,
                    bool keep, bool passed) {
  int added = 0;
  for (uint64_t id : ids) added += covered_.insert(id).second ? 1 : 0;
  if (added > 0 && keep) entries_.push_back({input, index, added, passed});
  return added;
}

std::string SerializeCorpus(const std::vector<FuzzInput>& inputs) {
  std::string text = std::string(kHeader) + "\n";
  for (const FuzzInput& input : inputs) {
    if (input.raw) {
      text += "raw " + ToHex(*input.raw) + "\n";
      continue;
    }
    text += "args";
    for (const std::string& arg : input.args) text += " " + ToHex(arg);
    text += "\n";
  }
  return text;
}

Result<std::vector<FuzzInput>> ParseCorpus(std::string_view text) {
  std::vector<FuzzInput> inputs;
  int number = 0;
  for (std::string_view line : ConsoleLines(text)) {
    ++number;
    if (number == 1) {
      if (line != kHeader) return Status::InvalidArgument("not a corpus file: no header line");
      continue;
    }
    if (line.empty()) continue;
    const std::vector<std::string_view> words = Words(line);
    FuzzInput input;
    input.origin = "corpus";
    std::string bytes;
    bool good = false;
    if (words[0] == "raw" && words.size() == 2) {
      good = FromHex(words[1], &bytes);
      input.raw = bytes;
    } else if (words[0] == "args") {
      good = true;
      for (size_t i = 1; i < words.size() && good; ++i) {
        good = FromHex(words[i], &bytes);
        input.args.push_back(bytes);
      }
    }
    if (!good) return Status::InvalidArgument("corpus line " + std::to_string(number) + ": bad");
    inputs.push_back(std::move(input));
  }
  if (number == 0) return Status::InvalidArgument("not a corpus file: empty");
  return inputs;
}

}  // namespace cirun
