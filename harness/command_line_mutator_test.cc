// Havoc, splicing and argument mutation: deterministic, bounded, never NUL.
#include "harness/command_line_mutator.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

const std::vector<std::string> kDictionary = {"--port=", "--", "\""};

TEST_CASE("Havoc is deterministic for a seed, changes the line, never adds NUL or overflows") {
  const std::string line = "--name=ci --port=8443";
  int changed = 0;
  for (uint64_t seed = 0; seed < 500; ++seed) {
    FuzzRng a(seed), b(seed);
    const std::string x = Havoc(line, a, kDictionary);
    CHECK(x == Havoc(line, b, kDictionary));
    CHECK(x.find('\0') == std::string::npos);
    CHECK(x.size() <= kMaxMutatedLine);
    changed += x != line;
  }
  CHECK(changed > 450);
}

TEST_CASE("Havoc of an empty line works") {
  FuzzRng rng(1);
  for (int i = 0; i < 100; ++i) CHECK(Havoc("", rng, {}).size() <= kMaxMutatedLine);
}

TEST_CASE("Splice is a head of the first line and a tail of the second") {
  const std::string a = "AAAAAAAAAA", b = "bbbbbbbbbb";
  for (uint64_t seed = 0; seed < 50; ++seed) {
    FuzzRng rng(seed);
    const std::string s = Splice(a, b, rng);
    const size_t heads = s.find_first_not_of('A');
    const std::string tail = heads == std::string::npos ? "" : s.substr(heads);
    CHECK(tail.find_first_not_of('b') == std::string::npos);
  }
}

TEST_CASE("MutateArguments keeps the words' bytes and is deterministic") {
  const std::vector<std::string> args = {"--a=1", "--b=2", "--c=3"};
  for (uint64_t seed = 0; seed < 100; ++seed) {
    FuzzRng x(seed), y(seed);
    const std::vector<std::string> m = MutateArguments(args, x);
    CHECK(m == MutateArguments(args, y));
    for (const std::string& w : m)
      CHECK(std::string("--a=1--b=2--c=3").find(w) != std::string::npos);
  }
}

}  // namespace
}  // namespace cirun
