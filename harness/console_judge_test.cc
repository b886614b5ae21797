#include "harness/console_judge.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

using std::chrono::milliseconds;

ConsoleJudge Make(std::vector<std::string> expect, std::vector<std::string> fail = {}) {
  Result<ConsoleJudge> judge = ConsoleJudge::Create(expect, fail, 3);
  REQUIRE_MESSAGE(judge.ok(), judge.status().ToString());
  return std::move(judge).value();
}

}  // namespace

TEST_CASE("ConsoleJudge: expects match in order, one expect per line") {
  ConsoleJudge judge = Make({"^A", "^B", "^A"});
  CHECK(judge.Feed("B first\nA\n", milliseconds(1)) == ConsoleVerdict::kPending);
  CHECK(judge.expects_seen() == 1);  // "B first" came before A: not counted
  CHECK(judge.Feed("AB\n", milliseconds(2)) == ConsoleVerdict::kPending);
  CHECK(judge.expects_seen() == 1);  // "AB" matches /^A/ only, and /^A/ is already seen
  CHECK(judge.Feed("B\n", milliseconds(3)) == ConsoleVerdict::kPending);
  CHECK(judge.first_missing_expect() == "^A");
  CHECK(judge.Feed("A again\n", milliseconds(4)) == ConsoleVerdict::kAllExpected);
  CHECK(judge.success() == milliseconds(4));
  CHECK_FALSE(judge.first_missing_expect().has_value());
}

TEST_CASE("ConsoleJudge: a line split across chunks is judged once, when complete") {
  ConsoleJudge judge = Make({"^SUCCESS$"});
  CHECK(judge.Feed("SUCC", milliseconds(5)) == ConsoleVerdict::kPending);
  CHECK(judge.Feed("ESS", milliseconds(6)) == ConsoleVerdict::kPending);
  CHECK(judge.Feed("\nnext", milliseconds(7)) == ConsoleVerdict::kAllExpected);
  CHECK(judge.first_byte() == milliseconds(5));
  CHECK(judge.success() == milliseconds(7));
}

TEST_CASE("ConsoleJudge: CRLF line ends are stripped before matching") {
  ConsoleJudge judge = Make({"^hello$", "^world$"});
  judge.Feed("hello\r", milliseconds(1));
  CHECK(judge.Feed("\nworld\r\n", milliseconds(2)) == ConsoleVerdict::kAllExpected);
  CHECK(judge.tail().back() == "world");
}

TEST_CASE("ConsoleJudge: the final line without newline counts only at Finish") {
  ConsoleJudge judge = Make({"done"});
  CHECK(judge.Feed("all done", milliseconds(8)) == ConsoleVerdict::kPending);
  CHECK(judge.Finish(milliseconds(9)) == ConsoleVerdict::kAllExpected);
  CHECK(judge.success() == milliseconds(9));
  CHECK(judge.last_line() == "all done");
}

TEST_CASE("ConsoleJudge: a fail pattern stops the judgement at once") {
  ConsoleJudge judge = Make({"^start", "^SUCCESS"}, {"error: .*"});
  CHECK(judge.Feed("start\nerror: disk gone\nSUCCESS\n", milliseconds(4)) ==
        ConsoleVerdict::kFailMatched);
  REQUIRE(judge.failure().has_value());
  CHECK(judge.failure()->pattern == "error: .*");
  CHECK(judge.failure()->line == "error: disk gone");
  CHECK(judge.failure()->at == milliseconds(4));
  CHECK(judge.expects_seen() == 1);  // SUCCESS after the failure is not judged
  CHECK(judge.stopped());
}

TEST_CASE("ConsoleJudge: a line matching both fail and expect fails") {
  ConsoleJudge judge = Make({"boot"}, {"boot failed"});
  CHECK(judge.Feed("boot failed\n", milliseconds(1)) == ConsoleVerdict::kFailMatched);
  CHECK(judge.expects_seen() == 0);
}

TEST_CASE("ConsoleJudge: built-in crash signatures") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"PANIC: stack smashing detected", "PANIC"},
      {"Solo5: ABORT (lib.c:12): boom", "ABORT"},
      {"Solo5: Abort (bindings/x.c:3)", "Solo5: Abort"},
      {"Fatal error: exception Not_found", "Fatal error: exception"},
      {"KVM: Triple fault", "[Tt]riple fault"},
      {"guest triple fault, resetting", "[Tt]riple fault"},
  };
  for (const auto& [line, pattern] : cases) {
    ConsoleJudge judge = Make({"never"}, {"PANIC"});
    CHECK_MESSAGE(judge.Feed(line + "\n", milliseconds(2)) == ConsoleVerdict::kCrashMatched, line);
    CHECK(judge.failure()->pattern == pattern);
    CHECK(judge.failure()->line == line);
  }
  ConsoleJudge calm = Make({});
  CHECK(calm.Feed("panic? no, abort was lowercase\n", milliseconds(1)) ==
        ConsoleVerdict::kAllExpected);
}

TEST_CASE("ConsoleJudge: bad regexes are reported, not thrown") {
  Result<ConsoleJudge> bad = ConsoleJudge::Create({"ok", "(unclosed"}, {});
  CHECK(bad.status().code() == Status::Code::kInvalidArgument);
  CHECK(bad.status().message().rfind("bad expect regex /(unclosed/: ", 0) == 0);
  Result<ConsoleJudge> bad_fail = ConsoleJudge::Create({}, {"[z-a]"});
  CHECK(bad_fail.status().message().rfind("bad fail regex /[z-a]/: ", 0) == 0);
}

TEST_CASE("ConsoleJudge: keeps the last N lines and the last non-blank line") {
  ConsoleJudge judge = Make({"x"});
  judge.Feed("1\n2\n3\n4\n   \n", milliseconds(1));
  CHECK(judge.tail() == std::deque<std::string>{"3", "4", "   "});
  CHECK(judge.last_line() == "4");
}

TEST_CASE("ConsoleJudge: first byte is the first non-empty chunk - no success without expects") {
  ConsoleJudge judge = Make({});
  judge.Feed("", milliseconds(3));
  CHECK_FALSE(judge.first_byte().has_value());
  judge.Feed("x", milliseconds(11));
  judge.Feed("y\n", milliseconds(12));
  CHECK(judge.first_byte() == milliseconds(11));
  CHECK_FALSE(judge.success().has_value());
}

TEST_CASE("ConsoleJudge: visitor sees every line, after a failure too") {
  ConsoleJudge judge = Make({}, {"bad"});
  std::vector<std::string> seen;
  judge.Feed("a\nbad\nc\r\nd", milliseconds(1),
             [&](std::string_view line) { seen.emplace_back(line); });
  judge.Finish(milliseconds(2), [&](std::string_view line) { seen.emplace_back(line); });
  CHECK(seen == std::vector<std::string>{"a", "bad", "c", "d"});
}

TEST_CASE("ConsoleJudge: a 10 MB line is judged in bounded pieces, in linear time") {
  // RE2 does not backtrack: "(a|aa)*b" over 10 MB of 'a' is one linear scan
  // (std::regex recursed per character and took minutes on 100 KB).
  ConsoleJudge judge = Make({"(a|aa)*c$", "^x.*y$"}, {"(a|aa)*b"});
  ConsoleVerdict verdict = judge.Feed(std::string(10'000'000, 'a') + "c\n", milliseconds(1));
  CHECK(verdict == ConsoleVerdict::kPending);  // the first expect matched the last piece
  CHECK(judge.first_missing_expect() == "^x.*y$");
  CHECK(judge.tail().size() == 3);
  CHECK(judge.tail().front().size() == LineSplitter::kMaxLineBytes);
  CHECK(judge.tail().back().ends_with("ac"));
}

}  // namespace cirun
