// ConfigReader helpers: hints and names.
#include "jobs/config_reader.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

constexpr std::string_view kKeys[] = {"path", "build", "image", "build-timeout", "boot"};

TEST_CASE("DidYouMean suggests the closest key, counting a swap as one edit") {
  CHECK(DidYouMean("bulid", kKeys) == " (did you mean \"build\"?)");
  CHECK(DidYouMean("imag", kKeys) == " (did you mean \"image\"?)");
  CHECK(DidYouMean("build_timeout", kKeys) == " (did you mean \"build-timeout\"?)");
}

TEST_CASE("DidYouMean stays quiet when nothing is close") {
  CHECK(DidYouMean("tests", kKeys) == "");
  CHECK(DidYouMean("bat", kKeys) == "");
}

TEST_CASE("IsName accepts letters, digits, '_', '.', '-' only") {
  CHECK(IsName("hello_world-2.0"));
  CHECK_FALSE(IsName(""));
  CHECK_FALSE(IsName("two words"));
  CHECK_FALSE(IsName("a/b"));
}

TEST_CASE("ConfigReader sorts diagnostics by position, keeping order within one") {
  ConfigReader r("f.yml");
  r.Error(SourcePos{"f.yml", 3, 1}, "c");
  r.Error(SourcePos{"f.yml", 1, 9}, "b1");
  r.Error(SourcePos{"f.yml", 1, 9}, "b2");
  r.Error(SourcePos{"f.yml", 1, 2}, "a");
  std::vector<std::string> messages;
  for (const ConfigDiagnostic& d : r.TakeDiagnostics()) messages.push_back(d.ToString());
  CHECK(messages ==
        std::vector<std::string>{"f.yml:1:2: a", "f.yml:1:9: b1", "f.yml:1:9: b2", "f.yml:3:1: c"});
}

TEST_CASE("Quote keeps a message on one line: control bytes escaped, long text cut") {
  CHECK(Quote("build") == "\"build\"");
  CHECK(Quote("a\nb\tc\x01\x7f") == "\"a\\nb\\tc\\x01\\x7f\"");
  CHECK(Quote("caf\xc3\xa9") == "\"caf\xc3\xa9\"");
  const std::string line(5000, 'a');
  CHECK(Quote(line) == "\"" + std::string(kQuoteLimit, 'a') + "...\" (5000 bytes)");
  // A cut never splits a UTF-8 character: "é" is two bytes.
  std::string accents;
  while (accents.size() <= kQuoteLimit) accents += "\xc3\xa9";
  const std::string quoted = Quote("x" + accents);
  CHECK(quoted.starts_with("\"x\xc3\xa9"));
  CHECK(quoted.find("\xc3...") == std::string::npos);
}

TEST_CASE("DidYouMean skips a key far longer than any candidate") {
  CHECK(DidYouMean(std::string(1 << 20, 'b'), kKeys) == "");
  CHECK(DidYouMean("image-", kKeys) == " (did you mean \"image\"?)");
}

TEST_CASE("A scalar with a newline in it stays inside its diagnostic's line") {
  ConfigReader r("f.yml");
  YAML::Node root = r.Load("\"line one\\nline two\"\n");
  r.Expected(root, r.Pos(root), "top level", "a map");
  Status s = r.TakeStatus();
  CHECK(s.message() == "f.yml:1:1: top level: expected a map, got \"line one\\nline two\"");
  CHECK(s.message().find('\n') == std::string::npos);
}

TEST_CASE("ConfigReader: a message with a control byte in it stays one line") {
  ConfigReader r("f.yml");
  r.Error(SourcePos{"f.yml", 2, 3}, "unknown escape character: \n\x01");
  CHECK(r.TakeStatus().message() == "f.yml:2:3: unknown escape character: \\n\\x01");
}

TEST_CASE("ConfigReader shows the first 50 diagnostics and counts the rest") {
  ConfigReader r("f.yml");
  for (int line = 200; line >= 1; --line) r.Error(SourcePos{"f.yml", line, 1}, "bad");
  std::vector<ConfigDiagnostic> d = r.TakeDiagnostics();
  REQUIRE(d.size() == ConfigReader::kMaxDiagnostics + 1);
  CHECK(d[49].ToString() == "f.yml:50:1: bad");
  CHECK(d[50].ToString() == "f.yml:51:1: ... and 150 more problems from here on, not shown");
  CHECK(r.TakeDiagnostics().empty());
}

TEST_CASE("OrList joins choices the way a message names them") {
  constexpr std::string_view one[] = {"a"};
  constexpr std::string_view two[] = {"rw", "ro"};
  constexpr std::string_view three[] = {"tcg", "kvm", "auto"};
  CHECK(OrList(one) == "a");
  CHECK(OrList(two) == "rw or ro");
  CHECK(OrList(three) == "tcg, kvm or auto");
}

TEST_CASE("ConfigReader: Choice, Load and TakeStatus carry FILE:LINE:COL") {
  ConfigReader r("h.yml");
  YAML::Node root = r.Load("accel: kvm\nexit: reboot\n");
  auto entries = r.Entries(root, r.Start(), "top level");
  REQUIRE(entries);
  constexpr std::string_view accels[] = {"tcg", "kvm", "auto"};
  CHECK(r.Choice(entries->at(0), accels) == 1u);
  CHECK_FALSE(r.Choice(entries->at(1), accels));
  Status s = r.TakeStatus();
  CHECK(s.code() == Status::Code::kInvalidArgument);
  CHECK(s.message() == "h.yml:2:7: \"exit\": expected tcg, kvm or auto, got \"reboot\"");
  CHECK(r.TakeStatus().ok());

  CHECK(r.Load("a: [1, 2\n").IsNull());
  Status syntax = r.TakeStatus();
  CHECK(syntax.message().starts_with("h.yml:"));
  CHECK(syntax.message().find("h.yml:1:1: ") == std::string::npos);
}

}  // namespace
}  // namespace cirun
