#include "harness/failure_excerpt.h"

#include <doctest/doctest.h>

#include <string>

namespace cirun {
namespace {

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Feeds "line 1" ... "line N", the judgement stopping at line `stop` (0: never).
std::string Excerpt(size_t n, size_t stop, ExcerptLimits limits = {}) {
  ConsoleExcerpt excerpt(limits);
  for (size_t i = 1; i <= n; ++i) {
    const std::string line = i == stop ? "PANIC: boom" : "line " + std::to_string(i);
    excerpt.Add(line, stop != 0 && i >= stop);
  }
  return excerpt.Text();
}

TEST_CASE("an excerpt keeps the lines around the match, the match marked") {
  const std::string text = Excerpt(3000, 1500);
  CHECK(Has(text, "> 1500 | PANIC: boom\n"));
  CHECK(Has(text, "  1488 | line 1488\n"));
  CHECK(Has(text, "  1499 | line 1499\n"));
  CHECK(Has(text, "  1515 | line 1515\n"));
  CHECK_FALSE(Has(text, "line 1487\n"));
  CHECK_FALSE(Has(text, "line 1516\n"));
  CHECK_FALSE(Has(text, "line 1\n"));
  CHECK(text.find("line 1488") < text.find("PANIC"));
}

TEST_CASE("without a match the excerpt is the last lines, for a hang or a bad exit") {
  const std::string text = Excerpt(500, 0);
  CHECK(Has(text, "   489 | line 489\n"));
  CHECK(Has(text, "   500 | line 500\n"));
  CHECK_FALSE(Has(text, "line 488\n"));
  CHECK_FALSE(Has(text, ">"));
}

TEST_CASE("an OCaml backtrace after the exception is kept") {
  ConsoleExcerpt excerpt;
  excerpt.Add("starting", false);
  excerpt.Add("Fatal error: exception Not_found", true);
  excerpt.Add("Raised at Stdlib__Map.Make.find in file \"map.ml\", line 141, characters 10-25",
              true);
  excerpt.Add("Called from Dune__exe__Main.start in file \"main.ml\", line 12", true);
  const std::string text = excerpt.Text();
  CHECK(Has(text, ">    2 | Fatal error: exception Not_found\n"));
  CHECK(Has(text, "     3 | Raised at Stdlib__Map.Make.find"));
  CHECK(Has(text, "     4 | Called from Dune__exe__Main.start"));
}

TEST_CASE("a Solo5 trap report far from the end is kept, with a gap marker") {
  ConsoleExcerpt excerpt;
  for (int i = 1; i <= 1000; ++i) {
    excerpt.Add(i == 5 ? "Solo5: trap: type=#PF ec=0x2 rip=0x1234" : "tick " + std::to_string(i),
                false);
  }
  const std::string text = excerpt.Text();
  CHECK(Has(text,
            "     5 | Solo5: trap: type=#PF ec=0x2 rip=0x1234\n      ... |\n   989 | tick 989"));
  CHECK(Has(text, "  1000 | tick 1000\n"));
  CHECK(IsKeyLine("  Raised by primitive operation at Foo.bar"));
  CHECK(IsKeyLine("Solo5: solo5_abort() called"));
  CHECK_FALSE(IsKeyLine("Hello from virtio"));
}

TEST_CASE("a 1 GiB console gives an excerpt of bounded size") {
  ConsoleExcerpt excerpt;
  const std::string line(4096, 'x');
  const size_t lines = (size_t{1} << 30) / line.size();
  for (size_t i = 0; i < lines; ++i) excerpt.Add(line, i + 1 >= lines);
  const std::string text = excerpt.Text();
  CHECK(excerpt.lines_seen() == lines);
  CHECK(text.size() <= ExcerptLimits{}.total_bytes + 64);
  CHECK(Has(text, ">262144 | xxx"));
  CHECK(Has(text, "...\n"));
}

TEST_CASE("the size cap drops the lines farthest from the match first") {
  ExcerptLimits limits;
  limits.total_bytes = 600;
  ConsoleExcerpt excerpt(limits);
  for (int i = 1; i <= 40; ++i) {
    const bool match = i == 30;
    excerpt.Add(match ? "ABORT here" : std::string(60, 'a' + i % 26), i >= 30);
  }
  const std::string text = excerpt.Text();
  CHECK(text.size() <= 600 + 64);
  CHECK(Has(text, ">   30 | ABORT here"));
  CHECK(Has(text, "    29 | "));
  CHECK(Has(text, "    31 | "));
  CHECK_FALSE(Has(text, "    18 | "));
  CHECK(Has(text, "[excerpt cut: "));
}

TEST_CASE("excerpt lines escape control bytes and broken UTF-8 and keep valid UTF-8") {
  CHECK(ExcerptLine("a\x1b[31mb\tc", 100) == "a\\x1b[31mb\tc");
  CHECK(ExcerptLine("caf\xc3\xa9 \xff!", 100) == "caf\xc3\xa9 \\xff!");
  CHECK(ExcerptLine(std::string(300, 'z'), 240) == std::string(240, 'z') + "...");
  CHECK(ExcerptLine("\xc3\xa9\xc3\xa9", 3) == "\xc3\xa9...");
}

TEST_CASE("a build log excerpt starts at the compiler's first error") {
  const std::string log =
      "cc -c boot.c\n"
      "runtime/console.c: In function 'print':\n"
      "runtime/console.c:12:9: error: function definition is not allowed here\n"
      "   12 |   void put(char c) {\n"
      "      |         ^\n"
      "runtime/console.c:20:3: error: use of undeclared identifier 'put'\n"
      "make: *** [Makefile:3: all] Error 1\n";
  const std::string text = BuildLogExcerpt(log);
  CHECK(Has(text, "     1 | cc -c boot.c\n"));
  CHECK(Has(text, ">    3 | runtime/console.c:12:9: error: function definition"));
  CHECK(Has(text, "     7 | make: *** "));
}

TEST_CASE("an OCaml build error comes with its File header and source lines") {
  std::string log;
  for (int i = 0; i < 30; ++i) log += "ocamlfind ocamlopt step " + std::to_string(i) + "\n";
  log +=
      "File \"hello.ml\", line 3, characters 2-5:\n"
      "3 |   foo ()\n"
      "      ^^^\n"
      "Error: Unbound value foo\n";
  const std::string text = BuildLogExcerpt(log);
  CHECK(Has(text, "    31 | File \"hello.ml\", line 3, characters 2-5:\n"));
  CHECK(Has(text, ">   34 | Error: Unbound value foo\n"));
  CHECK_FALSE(Has(text, "step 20"));
}

TEST_CASE("a build log without a compiler error: make's line, else the last lines") {
  CHECK(Has(BuildLogExcerpt("a\nb\nmake: *** [all] Error 2\nc\n"), ">    3 | make: *** [all]"));
  std::string log;
  for (int i = 1; i <= 50; ++i) log += "out " + std::to_string(i) + "\n";
  const std::string text = BuildLogExcerpt(log);
  CHECK(Has(text, "    39 | out 39\n"));
  CHECK(Has(text, "    50 | out 50\n"));
  CHECK_FALSE(Has(text, "out 38\n"));
  CHECK(BuildLogExcerpt("") == "");
}

}  // namespace
}  // namespace cirun
