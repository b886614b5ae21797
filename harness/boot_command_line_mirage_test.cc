// Differential test: SplitBootCommandLine against the fixture unikernels' own
// C splitter (fixtures/unikernels/runtime/cmdline.c), on random lines.
#include <doctest/doctest.h>

#include <random>

#include "harness/boot_command_line.h"

extern "C" int rt_split_cmdline(const char* line, char* store, size_t store_size, char** argv,
                                int first, int argv_max, const char** err);

namespace cirun {
namespace {

struct CSplit {
  bool ok = false;
  std::vector<std::string> args;
  std::string error;
};

CSplit SplitWithFixture(const std::string& line) {
  std::vector<char> store(line.size() + 1);
  std::vector<char*> argv(line.size() + 2);
  const char* err = nullptr;
  CSplit out;
  int argc = rt_split_cmdline(line.c_str(), store.data(), store.size(), argv.data(), 0,
                              static_cast<int>(argv.size()) - 1, &err);
  out.ok = argc >= 0;
  if (!out.ok) out.error = err;
  for (int i = 0; i < argc; ++i) out.args.emplace_back(argv[i]);
  return out;
}

std::string RandomLine(std::mt19937& rng) {
  static const std::string kAlphabet = "  \"\"\\\\'\tab=-x\n";
  std::uniform_int_distribution<int> length(0, 24);
  std::uniform_int_distribution<size_t> pick(0, kAlphabet.size() - 1);
  std::string line;
  for (int n = length(rng); n > 0; --n) line += kAlphabet[pick(rng)];
  return line;
}

}  // namespace

TEST_CASE("SplitBootCommandLine agrees with the fixture unikernels' splitter") {
  std::mt19937 rng(8191);
  for (int round = 0; round < 20000; ++round) {
    const std::string line = RandomLine(rng);
    CSplit expected = SplitWithFixture(line);
    Result<std::vector<std::string>> got = SplitBootCommandLine(line);
    REQUIRE_MESSAGE(got.ok() == expected.ok, "line: [" << line << "]");
    if (expected.ok) {
      REQUIRE_MESSAGE(got.value() == expected.args, "line: [" << line << "]");
    } else {
      REQUIRE_MESSAGE(got.status().message() == expected.error, "line: [" << line << "]");
    }
  }
}

}  // namespace cirun
