#include "harness/corpus_mutator.h"

#include <doctest/doctest.h>

#include <set>

namespace cirun {
namespace {

std::vector<CorpusEntry> Entries() {
  return {{{{"--name=ci", "--port=8443"}, std::nullopt, "valid"}, 0, 10},
          {{{"--name=" + std::string(20, 'a'), "--port=1"}, std::nullopt, "typed"}, 5, 2}};
}

BootvarGenerator Generator() {
  return BootvarGenerator({{"name", ParseBootvarType("string").value()},
                           {"port", ParseBootvarType("int[1,65535]").value()}},
                          {"--name=ci", "--port=8443"});
}

TEST_CASE("corpus mutator: the same random stream gives the same input") {
  const BootvarGenerator generator = Generator();
  for (uint64_t seed = 0; seed < 50; ++seed) {
    FuzzRng a(seed), b(seed);
    CHECK(MutateCorpusEntry(Entries(), generator, {"--"}, a) ==
          MutateCorpusEntry(Entries(), generator, {"--"}, b));
  }
}

TEST_CASE("corpus mutator: small steps from an entry, of every kind") {
  const BootvarGenerator generator = Generator();
  std::set<std::string> origins;
  int near_length = 0;  // a name of 19-21 bytes: one step from the entry's 20
  for (uint64_t seed = 0; seed < 2000; ++seed) {
    FuzzRng rng(seed);
    const FuzzInput input = MutateCorpusEntry(Entries(), generator, {"--"}, rng);
    origins.insert(input.origin);
    if (!input.raw && !input.args.empty() && input.args[0].starts_with("--name=")) {
      const size_t n = input.args[0].size() - 7;
      if (n >= 19 && n <= 21 && n != 20) ++near_length;
    }
  }
  CHECK(origins == std::set<std::string>{"corpus: value bytes", "corpus: typed name",
                                         "corpus: typed port", "corpus: arguments",
                                         "corpus: splice", "corpus: havoc"});
  CHECK(near_length > 50);
}

TEST_CASE("corpus mutator: value edits change a value by a few bytes") {
  int changed = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    FuzzRng rng(seed);
    const std::string v = MutateValueBytes("abcdefgh", rng);
    changed += v != "abcdefgh";
    CHECK(v.size() <= 3 * 64);
    CHECK(v.find('\0') == std::string::npos);
  }
  CHECK(changed > 150);
}

}  // namespace
}  // namespace cirun

namespace cirun {
namespace {

TEST_CASE("corpus steps: fields, first bytes, lengths and orders of the changed value") {
  const FuzzInput entry{{"--name=ci", "--port=8443", "--peer=h=x"}, std::nullopt, "typed"};
  const std::vector<FuzzInput> steps = DeterministicSteps(entry, {"--name=ci", "--port=8443"});
  auto has = [&](const std::vector<std::string>& args) {
    for (const FuzzInput& s : steps)
      if (s.args == args) return true;
    return false;
  };
  CHECK(has({"--name=ci", "--port=8443", "--peer=h=8443"}));  // the field after '='
  CHECK(has({"--name=ci", "--port=8443", "--peer=1=x"}));     // a digit first
  CHECK(has({"--name=ci", "--port=8443", "--peer=h="}));      // 1 byte shorter
  CHECK(has({"--name=ci", "--port=8443", "--peer=" + std::string("h=xh=xh=xh=xh=xh=")}));  // 17
  CHECK(has({"--peer=h=x", "--name=ci", "--port=8443"}));       // moved to the front
  CHECK_FALSE(has({"--name=c", "--port=8443", "--peer=h=x"}));  // unchanged values stay
  CHECK_FALSE(has(entry.args));
  CHECK(DeterministicSteps({{}, std::string("raw"), "havoc"}, {}).empty());
  // An entry equal to the valid arguments: every value gets steps.
  CHECK(!DeterministicSteps({{"--name=ci"}, std::nullopt, "valid"}, {"--name=ci"}).empty());
}

}  // namespace
}  // namespace cirun
