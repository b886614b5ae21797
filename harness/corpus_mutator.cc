#include "harness/corpus_mutator.h"

#include <algorithm>

#include "harness/command_line_mutator.h"

namespace cirun {
namespace {

char RandomByte(FuzzRng& rng) {
  static const std::string kSpecial = "\"\\ ='-_./:,";
  switch (rng.Below(3)) {
    case 0:
      return static_cast<char>('a' + rng.Below(26));
    case 1:
      return static_cast<char>('0' + rng.Below(10));
    default:
      return rng.Pick(kSpecial);
  }
}

const CorpusEntry& PickEntry(const std::vector<CorpusEntry>& entries, FuzzRng& rng) {
  if (entries.size() > 8 && rng.Chance(50)) return entries[entries.size() - 8 + rng.Below(8)];
  return rng.Pick(entries);
}

// The indices of the `--key=value` arguments of `args`.
std::vector<size_t> ValueArguments(const std::vector<std::string>& args) {
  std::vector<size_t> at;
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i].starts_with("--") && args[i].find('=') != std::string::npos) at.push_back(i);
  return at;
}

// Mostly a value the entry changed from the valid arguments: the one that
// took the campaign somewhere new.
FuzzInput WithValueBytes(std::vector<std::string> args, const std::vector<std::string>& base,
                         FuzzRng& rng) {
  const std::vector<size_t> at = ValueArguments(args);
  if (at.empty()) return {};
  std::vector<size_t> changed;
  for (size_t i : at)
    if (std::find(base.begin(), base.end(), args[i]) == base.end()) changed.push_back(i);
  std::string& arg = args[!changed.empty() && rng.Chance(75) ? rng.Pick(changed) : rng.Pick(at)];
  const size_t eq = arg.find('=');
  arg = arg.substr(0, eq + 1) + MutateValueBytes(arg.substr(eq + 1), rng);
  return {std::move(args), std::nullopt, "corpus: value bytes"};
}

FuzzInput WithTypedKey(const std::vector<std::string>& args, const BootvarGenerator& generator,
                       FuzzRng& rng) {
  if (generator.keys().empty()) return {};
  const BootvarKey& key = rng.Pick(generator.keys());
  std::string value;
  if (rng.Chance(40)) {
    const std::vector<std::string> interesting = InterestingValues(key.type);
    value = interesting.empty() ? "" : rng.Pick(interesting);
  } else {
    value = RandomBootvarValue(key.type, rng);
  }
  return {BootvarGenerator::ReplaceKey(args, key, {"--" + key.name + "=" + value}), std::nullopt,
          "corpus: typed " + key.name};
}

// One argument moved to another place: the order of keys is an input too.
std::vector<std::string> MoveArgument(std::vector<std::string> args, FuzzRng& rng) {
  if (args.size() < 2) return args;
  const size_t from = rng.Below(args.size());
  std::string moved = args[from];
  args.erase(args.begin() + from);
  args.insert(args.begin() + rng.Below(args.size() + 1), std::move(moved));
  return args;
}

FuzzInput Spliced(const std::vector<std::string>& a, const std::vector<CorpusEntry>& entries,
                  FuzzRng& rng) {
  const CorpusEntry& other = rng.Pick(entries);
  if (other.input.raw) return {};
  const std::vector<std::string>& b = other.input.args;
  std::vector<std::string> args(a.begin(), a.begin() + rng.Below(a.size() + 1));
  args.insert(args.end(), b.begin() + rng.Below(b.size() + 1), b.end());
  return {std::move(args), std::nullopt, "corpus: splice"};
}

}  // namespace

std::vector<FuzzInput> DeterministicSteps(const FuzzInput& entry,
                                          const std::vector<std::string>& base_args) {
  std::vector<FuzzInput> steps;
  if (entry.raw) return steps;
  const std::vector<std::string>& args = entry.args;
  auto add = [&](std::vector<std::string> made, const char* origin) {
    if (made == args) return;
    for (const FuzzInput& s : steps)
      if (s.args == made) return;
    steps.push_back({std::move(made), std::nullopt, origin});
  };
  std::vector<size_t> values = ValueArguments(args), changed;
  for (size_t i : values)
    if (std::find(base_args.begin(), base_args.end(), args[i]) == base_args.end())
      changed.push_back(i);
  for (size_t i : changed.empty() ? values : changed) {
    const size_t eq = args[i].find('=');
    const std::string head = args[i].substr(0, eq + 1), v = args[i].substr(eq + 1);
    auto with = [&](const std::string& value) {
      std::vector<std::string> made = args;
      made[i] = head + value;
      return made;
    };
    const size_t sep = v.find_last_of("=:/.,@");
    if (sep != std::string::npos) {
      for (const char* field : {"", "0", "1", "80", "8443", "65535"})
        add(with(v.substr(0, sep + 1) + field), "corpus: field");
    }
    add(with(v + "=1"), "corpus: field");
    add(with(v + ":1"), "corpus: field");
    if (!v.empty()) {
      add(with("1" + v.substr(1)), "corpus: first byte");
      add(with("a" + v.substr(1)), "corpus: first byte");
    }
    for (size_t cut = 1; cut <= 4 && cut <= v.size(); ++cut)
      add(with(v.substr(0, v.size() - cut)), "corpus: length");
    add(with(v + (v.empty() ? "a" : v.substr(v.size() - 1))), "corpus: length");
    add(with(v.substr(0, v.size() / 2)), "corpus: length");
    if (v.size() < 4096) add(with(v + v), "corpus: length");
    add(with(""), "corpus: length");
    // Lengths at powers of two and one past them, the value repeated.
    for (size_t length : {16, 17, 32, 33, 64, 65, 128, 129, 256, 257}) {
      std::string sized;
      while (!v.empty() && sized.size() < length) sized += v;
      if (!v.empty()) add(with(sized.substr(0, length)), "corpus: length");
    }
  }
  for (size_t i = 0; i < args.size(); ++i) {
    std::vector<std::string> front = args;
    front.erase(front.begin() + i);
    std::vector<std::string> back = front;
    front.insert(front.begin(), args[i]);
    back.push_back(args[i]);
    add(front, "corpus: order");
    add(back, "corpus: order");
  }
  return steps;
}

std::string MutateValueBytes(std::string value, FuzzRng& rng) {
  const int edits = rng.Chance(70) ? 1 : 2 + static_cast<int>(rng.Below(2));
  for (int e = 0; e < edits; ++e) {
    const size_t n = value.size();
    const uint64_t op = rng.Below(100);
    if (op < 15) {  // insert a byte
      value.insert(value.begin() + rng.Below(n + 1), RandomByte(rng));
    } else if (op < 30) {  // delete 1-4 bytes
      if (n > 0) {
        const size_t at = rng.Below(n);
        value.erase(at, 1 + rng.Below(std::min<size_t>(4, n - at)));
      }
    } else if (op < 45) {  // overwrite a byte
      if (n > 0) value[rng.Below(n)] = RandomByte(rng);
    } else if (op < 70) {  // a new length: shorter, short (as typed values are), about half
      const uint64_t how = rng.Below(3);
      const size_t length = how == 0   ? rng.Below(n + 1)
                            : how == 1 ? rng.Below(65)
                                       : n / 2 + rng.Below(n / 4 + 1);
      const std::string pattern = value.empty() ? std::string(1, RandomByte(rng)) : value;
      while (value.size() < length) value += pattern;  // longer: the value repeated
      value.resize(length);
    } else if (op < 80) {  // the field after a separator replaced (HOST=PORT, A.B, K:V)
      const size_t sep = value.find_last_of("=:/.,@");
      if (sep != std::string::npos) {
        value.resize(sep + 1);
        const size_t length = rng.Below(6);
        const bool digits = rng.Chance(60);
        for (size_t i = 0; i < length; ++i)
          value += digits ? static_cast<char>('0' + rng.Below(10)) : RandomByte(rng);
      } else if (n > 0 && n < 4096) {  // none: repeat a part
        const size_t at = rng.Below(n);
        value.insert(at, value.substr(at, 1 + rng.Below(std::min<size_t>(16, n - at))));
      }
    } else if (op < 88) {  // a separator inserted
      value.insert(value.begin() + rng.Below(n + 1), rng.Pick(std::string("=:/.,@")));
    } else if (n > 0) {  // the first byte: where formats are often decided
      value[0] = RandomByte(rng);
    }
  }
  return value;
}

FuzzInput MutateCorpusEntry(const std::vector<CorpusEntry>& entries,
                            const BootvarGenerator& generator,
                            const std::vector<std::string>& dictionary, FuzzRng& rng) {
  const CorpusEntry& entry = PickEntry(entries, rng);
  const FuzzInput& input = entry.input;
  if (!input.raw) {
    FuzzInput made;
    const uint64_t strategy = rng.Below(100);
    if (strategy < 45) {
      made = WithValueBytes(input.args, generator.base_args(), rng);
    } else if (strategy < 60) {
      made = WithTypedKey(input.args, generator, rng);
    } else if (strategy < 80) {
      made = {rng.Chance(70) ? MoveArgument(input.args, rng) : MutateArguments(input.args, rng),
              std::nullopt, "corpus: arguments"};
    } else if (strategy < 90) {
      made = Spliced(input.args, entries, rng);
    }
    if (!made.origin.empty()) return made;
  }
  return {{}, Havoc(input.CommandLine(), rng, dictionary), "corpus: havoc"};
}

}  // namespace cirun
