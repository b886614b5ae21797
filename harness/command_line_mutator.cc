#include "harness/command_line_mutator.h"

#include <algorithm>

namespace cirun {
namespace {

constexpr char kSpecialBytes[] = {'"', '\\', ' ', '=', '-',    '\'',   '\t',  '\n',
                                  '0', 'a',  '/', '.', '\x80', '\xff', '\x01'};

char NonNul(uint64_t bits) {
  const char c = static_cast<char>(bits & 0xff);
  return c == '\0' ? '\x01' : c;
}

size_t Position(const std::string& s, FuzzRng& rng, bool after_end) {
  return rng.Below(s.size() + (after_end ? 1 : 0));
}

// A block length, small blocks being more likely (as in AFL).
size_t BlockLength(FuzzRng& rng, size_t limit) {
  if (limit == 0) return 0;
  size_t max = rng.Chance(70) ? 8 : rng.Chance(70) ? 64 : 4096;
  return 1 + rng.Below(std::min(max, limit));
}

void EditOnce(std::string& s, FuzzRng& rng, const std::vector<std::string>& dictionary) {
  switch (rng.Below(dictionary.empty() ? 7 : 9)) {
    case 0:  // flip one bit
      if (!s.empty()) {
        size_t i = Position(s, rng, false);
        s[i] = NonNul(static_cast<unsigned char>(s[i]) ^ (1u << rng.Below(8)));
      }
      break;
    case 1:  // a special byte, written over or inserted
      if (!s.empty() && rng.Chance(50)) {
        const size_t at = Position(s, rng, false);
        s[at] = rng.Pick(kSpecialBytes);
      } else {
        const size_t at = Position(s, rng, true);
        s.insert(at, 1, rng.Pick(kSpecialBytes));
      }
      break;
    case 2:  // any byte
      if (!s.empty()) {
        const size_t at = Position(s, rng, false);
        s[at] = NonNul(rng.Next());
      }
      break;
    case 3:  // delete a block
      if (s.size() > 1) {
        const size_t n = BlockLength(rng, s.size() - 1);
        const size_t at = rng.Below(s.size() - n + 1);
        s.erase(at, n);
      }
      break;
    case 4: {  // duplicate a block, possibly many times (long values)
      if (s.empty()) break;
      const size_t n = BlockLength(rng, s.size());
      const size_t from = rng.Below(s.size() - n + 1);
      const std::string block = s.substr(from, n);
      const size_t times = rng.Chance(80) ? 1 : 1 + rng.Below(kMaxMutatedLine / block.size());
      std::string repeated;
      for (size_t t = 0; t < times; ++t) repeated += block;
      const size_t at = Position(s, rng, true);
      s.insert(at, repeated);
      break;
    }
    case 5:  // overwrite a block with one byte
      if (!s.empty()) {
        const size_t n = BlockLength(rng, s.size());
        const size_t at = rng.Below(s.size() - n + 1);
        const char c = rng.Chance(50) ? rng.Pick(kSpecialBytes) : NonNul(rng.Next());
        std::fill_n(s.begin() + static_cast<std::ptrdiff_t>(at), n, c);
      }
      break;
    case 6: {  // a long run of one byte (past the command line limit, sometimes)
      const size_t at = Position(s, rng, true);
      const size_t n = 1 + rng.Below(rng.Chance(50) ? 300 : 9000);
      const char c = rng.Chance(50) ? 'a' : rng.Pick(kSpecialBytes);
      s.insert(at, n, c);
      break;
    }
    case 7: {  // insert a dictionary token
      const size_t at = Position(s, rng, true);
      s.insert(at, rng.Pick(dictionary));
      break;
    }
    default: {  // write a dictionary token over the line
      const std::string& token = rng.Pick(dictionary);
      size_t at = Position(s, rng, true);
      s.replace(at, std::min(token.size(), s.size() - at), token);
    }
  }
}

}  // namespace

std::string Havoc(std::string line, FuzzRng& rng, const std::vector<std::string>& dictionary) {
  const size_t edits = size_t{1} << (rng.Below(5));  // 1, 2, 4, 8 or 16
  for (size_t i = 0; i < edits; ++i) EditOnce(line, rng, dictionary);
  if (line.size() > kMaxMutatedLine) line.resize(kMaxMutatedLine);
  return line;
}

std::string Splice(const std::string& a, const std::string& b, FuzzRng& rng) {
  // Named steps: the order of two calls in one expression is unspecified.
  const size_t head = rng.Below(a.size() + 1);
  const size_t tail = rng.Below(b.size() + 1);
  std::string out = a.substr(0, head) + b.substr(tail);
  if (out.size() > kMaxMutatedLine) out.resize(kMaxMutatedLine);
  return out;
}

std::vector<std::string> MutateArguments(std::vector<std::string> args, FuzzRng& rng) {
  const size_t edits = 1 + rng.Below(3);
  for (size_t e = 0; e < edits && !args.empty(); ++e) {
    const size_t i = rng.Below(args.size());
    switch (rng.Below(4)) {
      case 0:
        args.erase(args.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      case 1: {
        std::string copy = args[i];  // a copy: insert may move the vector
        args.insert(args.begin() + static_cast<std::ptrdiff_t>(rng.Below(args.size() + 1)),
                    std::move(copy));
        break;
      }
      case 2:
        std::swap(args[i], args[rng.Below(args.size())]);
        break;
      default: {
        const std::string head = args[i].substr(0, rng.Below(args[i].size() + 1));
        std::string tail = args[i].substr(head.size());
        args[i] = head;
        args.insert(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, tail);
      }
    }
  }
  return args;
}

}  // namespace cirun
