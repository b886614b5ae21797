#include "harness/boot_command_line.h"

#include <doctest/doctest.h>

#include <random>

namespace cirun {
namespace {

using Args = std::vector<std::string>;

Args SplitOk(std::string_view line) {
  Result<Args> r = SplitBootCommandLine(line);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return r.value();
}

std::string RandomArg(std::mt19937& rng) {
  static const std::string kAlphabet = "ab= -_.,:\"'\\\t\n\r/x";
  std::uniform_int_distribution<int> length(0, 12);
  std::uniform_int_distribution<int> pick(0, 3);
  std::uniform_int_distribution<size_t> special(0, kAlphabet.size() - 1);
  std::uniform_int_distribution<int> any_byte(1, 255);
  std::string arg;
  for (int n = length(rng); n > 0; --n) {
    const int kind = pick(rng);
    if (kind == 0) {
      arg += static_cast<char>(any_byte(rng));
    } else {
      arg += kAlphabet[special(rng)];
    }
  }
  return arg;
}

}  // namespace

TEST_CASE("JoinBootArgs leaves plain arguments bare") {
  CHECK(JoinBootArgs({}) == "");
  CHECK(JoinBootArgs({"--port=80", "-v"}) == "--port=80 -v");
}

TEST_CASE("JoinBootArgs quotes empty, spaced, quoted and backslashed arguments") {
  CHECK(JoinBootArgs({""}) == "\"\"");
  CHECK(JoinBootArgs({"--greeting=hi there"}) == "\"--greeting=hi there\"");
  CHECK(JoinBootArgs({"a\"b"}) == "\"a\\\"b\"");
  CHECK(JoinBootArgs({"a\\b"}) == "\"a\\\\b\"");
  CHECK(JoinBootArgs({"it's"}) == "\"it's\"");
  CHECK(JoinBootArgs({"a\tb", "c"}) == "\"a\tb\" c");
}

TEST_CASE("SplitBootCommandLine: spaces separate, double quotes group, backslash escapes") {
  CHECK(SplitOk("") == Args{});
  CHECK(SplitOk("    ") == Args{});
  CHECK(SplitOk("a  b   c") == Args{"a", "b", "c"});
  CHECK(SplitOk(" --x=1 ") == Args{"--x=1"});
  CHECK(SplitOk("\"a b\" \"c d\"") == Args{"a b", "c d"});
  CHECK(SplitOk("a\"b c\"d") == Args{"ab cd"});
  CHECK(SplitOk("a\\ b") == Args{"a b"});
  CHECK(SplitOk("\"a\\\"b\"") == Args{"a\"b"});
  CHECK(SplitOk("\\\\") == Args{"\\"});
}

TEST_CASE("SplitBootCommandLine: MirageOS specifics (tabs, single quotes, empty arguments)") {
  CHECK(SplitOk("a\tb\nc") == Args{"a\tb\nc"});  // only ' ' separates
  CHECK(SplitOk("'a b'") == Args{"'a", "b'"});   // single quotes are ordinary
  CHECK(SplitOk("\"\" x \"\"") == Args{"x"});    // empty arguments disappear
}

TEST_CASE("SplitBootCommandLine rejects what the unikernel would refuse") {
  Result<Args> r = SplitBootCommandLine("a \"b c");
  CHECK(r.status().code() == Status::Code::kInvalidArgument);
  CHECK(r.status().message() == "unterminated double quote");
  CHECK(SplitBootCommandLine("ab\\").status().message() == "backslash at end of command line");
  CHECK(SplitBootCommandLine("\"ab\\").status().message() == "backslash at end of command line");
}

TEST_CASE("JoinBootArgs and SplitBootCommandLine round-trip random argument lists") {
  std::mt19937 rng(20240601);
  std::uniform_int_distribution<int> count(0, 6);
  for (int round = 0; round < 5000; ++round) {
    Args args;
    for (int n = count(rng); n > 0; --n) args.push_back(RandomArg(rng));
    Args non_empty;
    for (const std::string& arg : args) {
      if (!arg.empty()) non_empty.push_back(arg);
    }
    const std::string line = JoinBootArgs(args);
    Result<Args> back = SplitBootCommandLine(line);
    REQUIRE_MESSAGE(back.ok(), "line: " << line);
    REQUIRE_MESSAGE(back.value() == non_empty, "line: " << line);
  }
}

}  // namespace cirun

namespace cirun {

TEST_CASE("GuestCommandLine: joined args, or the raw line verbatim - NUL rejected") {
  BootRequest request;
  request.args = {"--greeting=hi there", "-v"};
  CHECK(GuestCommandLine(request).value() == "\"--greeting=hi there\" -v");
  request.raw_command_line = "x \"unterminated";
  CHECK(GuestCommandLine(request).value() == "x \"unterminated");
  request.raw_command_line = std::string("a\0b", 3);
  CHECK(GuestCommandLine(request).status().message() == "boot arguments contain a NUL byte");
}

TEST_CASE("GuestArgs: args as given, or the raw line split - errors name the cause") {
  BootRequest request;
  request.args = {"", "a b"};
  CHECK(GuestArgs(request).value() == std::vector<std::string>{"", "a b"});
  request.raw_command_line = "--x=\"1 2\"  y";
  CHECK(GuestArgs(request).value() == std::vector<std::string>{"--x=1 2", "y"});
  request.raw_command_line = "--x=\"1";
  CHECK(GuestArgs(request).status().message() == "raw command line: unterminated double quote");
  request.raw_command_line.reset();
  request.args = {std::string("a\0", 2)};
  CHECK(GuestArgs(request).status().code() == Status::Code::kInvalidArgument);
}

}  // namespace cirun
