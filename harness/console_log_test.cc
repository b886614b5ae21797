#include "harness/console_log.h"

#include <doctest/doctest.h>

#include <string>

namespace cirun {
namespace {

TEST_CASE("ConsoleLog: a console within the budget is kept whole") {
  ConsoleLog log(100);
  log.Append("hello\n");
  log.Append("world\n");
  CHECK(log.Text() == "hello\nworld\n");
  CHECK(log.dropped() == 0);
  CHECK(log.total() == 12);
}

TEST_CASE("ConsoleLog: a long console keeps its head and its end, and says what it dropped") {
  ConsoleLog log(20);
  for (int i = 0; i < 100; ++i) log.Append("line " + std::to_string(i) + "\n");
  const std::string text = log.Text();
  CHECK(text.starts_with("line 0\nlin\n[ci-run:"));  // head: 10 bytes
  CHECK(text.ends_with("]\n8\nline 99\n"));          // tail: the last 10 bytes
  CHECK(log.total() == 790);
  CHECK(log.dropped() == 770);
  CHECK(text.find("[ci-run: 770 bytes of console not kept]\n") != std::string::npos);
}

TEST_CASE("ConsoleLog: a chunk larger than the budget keeps its own end") {
  ConsoleLog log(10);
  log.Append(std::string(1000, 'a') + "END");
  const std::string text = log.Text();
  CHECK(text.starts_with("aaaaa\n[ci-run: 993 bytes"));
  CHECK(text.ends_with("aaEND"));
}

TEST_CASE("ConsoleLog: memory stays bounded over many small appends") {
  ConsoleLog log(1000);
  for (int i = 0; i < 100000; ++i) log.Append("0123456789");
  CHECK(log.Text().size() < 1100);
  CHECK(log.total() == 1000000);
  CHECK(log.Text().ends_with("0123456789"));
}

}  // namespace
}  // namespace cirun
