// Typed bootvar values, key replacement, the systematic inputs and the schedule.
#include "harness/bootvar_generator.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "harness/fuzz_schedule.h"

namespace cirun {
namespace {

using Strings = std::vector<std::string>;

BootvarKey Key(const std::string& name, const std::string& type) {
  return {name, ParseBootvarType(type).value()};
}

std::vector<BootvarKey> BootvarsKeys() {
  return {Key("name", "string"), Key("port", "int[1,65535]"), Key("ipv4", "ipv4-cidr"),
          Key("verbose", "bool")};
}

const Strings kBase = {"--name=ci", "--port=8443", "--ipv4=192.168.7.2/24", "--verbose"};

TEST_CASE("ParseBootvarType reads the canonical types") {
  BootvarType t = ParseBootvarType("int[-5,65535]").value();
  CHECK(t.kind == BootvarType::Kind::kInt);
  CHECK(t.lo == -5);
  CHECK(t.hi == 65535);
  t = ParseBootvarType("enum[tcp,udp]").value();
  CHECK(t.kind == BootvarType::Kind::kEnum);
  CHECK(t.values == Strings{"tcp", "udp"});
  CHECK(ParseBootvarType("ipv4-cidr").value().kind == BootvarType::Kind::kIpv4Cidr);
  CHECK(ParseBootvarType("ipv4").value().kind == BootvarType::Kind::kIpv4);
  for (const char* bad : {"int", "int[1]", "int[5,1]", "enum[]", "enum[a,,b]", "integer", ""}) {
    CAPTURE(bad);
    CHECK(ParseBootvarType(bad).status().code() == Status::Code::kInvalidArgument);
  }
}

TEST_CASE("InterestingValues: int ranges start with off-by-one and the bounds") {
  const Strings v = InterestingValues(ParseBootvarType("int[1,65535]").value());
  REQUIRE(v.size() > 10);
  CHECK(Strings(v.begin(), v.begin() + 6) == Strings{"0", "65536", "1", "65535", "-1", "2"});
  CHECK(std::count(v.begin(), v.end(), "2147483648") == 1);
  CHECK(std::set<std::string>(v.begin(), v.end()).size() == v.size());
  const Strings wide =
      InterestingValues(ParseBootvarType("int[-9223372036854775808,9223372036854775807]").value());
  CHECK(wide[0] == "-9223372036854775809");
  CHECK(wide[1] == "9223372036854775808");
}

TEST_CASE("InterestingValues: no NUL byte, splitter specials and long values for every type") {
  for (const char* type : {"string", "bool", "ipv4", "ipv4-cidr", "int[0,10]", "enum[a,bc]"}) {
    CAPTURE(type);
    const Strings v = InterestingValues(ParseBootvarType(type).value());
    for (const std::string& s : v) CHECK(s.find('\0') == std::string::npos);
    for (const char* special : {"\"", "\\", " ", "=", "--", "\xc3\xa9"}) {
      CHECK(std::count(v.begin(), v.end(), special) == 1);
    }
    CHECK(std::count(v.begin(), v.end(), std::string(4096, 'a')) == 1);
  }
  const Strings e = InterestingValues(ParseBootvarType("enum[tcp,udp]").value());
  CHECK(Strings(e.begin(), e.begin() + 8) ==
        Strings{"", "TCP", "tcpx", " tcp", "tcp ", "tc", "tcp,udp", "tcp"});
}

TEST_CASE("ReplaceKey replaces --k=v, --k and --k v in place, keeps a bool's next word") {
  const BootvarKey port = Key("port", "int[1,65535]");
  CHECK(BootvarGenerator::ReplaceKey(kBase, port, {"--port=0"}) ==
        Strings{"--name=ci", "--port=0", "--ipv4=192.168.7.2/24", "--verbose"});
  CHECK(BootvarGenerator::ReplaceKey({"a", "--port", "80", "b"}, port, {"--port=1"}) ==
        Strings{"a", "--port=1", "b"});
  CHECK(BootvarGenerator::ReplaceKey({"--portx=1"}, port, {}) == Strings{"--portx=1"});
  CHECK(BootvarGenerator::ReplaceKey({"x"}, port, {"--port"}) == Strings{"x", "--port"});
  const BootvarKey verbose = Key("verbose", "bool");
  CHECK(BootvarGenerator::ReplaceKey({"--verbose", "word"}, verbose, {}) == Strings{"word"});
}

TEST_CASE("Systematic inputs: one value of each key per round, then a structural case") {
  BootvarGenerator g(BootvarsKeys(), kBase);
  const std::vector<FuzzInput>& s = g.Systematic();
  REQUIRE(s.size() > 60);
  CHECK(s[0].args == Strings{"--name=", "--port=8443", "--ipv4=192.168.7.2/24", "--verbose"});
  CHECK(s[1].args == Strings{"--name=ci", "--port=0", "--ipv4=192.168.7.2/24", "--verbose"});
  CHECK(s[1].origin == "typed port");
  CHECK(s[2].args == Strings{"--name=ci", "--port=8443", "--ipv4=0.0.0.0/0", "--verbose"});
  CHECK(s[3].args == Strings{"--name=ci", "--port=8443", "--ipv4=192.168.7.2/24", "--verbose="});
  CHECK(s[4].args.empty());
  CHECK(s[4].origin == "no arguments");
  CHECK(s[5].args[0] == "--name=" + std::string(256, 'a'));
  // A command line of exactly the Solo5 limit, and one byte more, per key.
  int at_limit = 0, past_limit = 0;
  for (const FuzzInput& in : s) {
    at_limit += in.CommandLine().size() == kBootCommandLineLimit;
    past_limit += in.CommandLine().size() == kBootCommandLineLimit + 1;
  }
  CHECK(at_limit == 5);  // 4 keys, and a raw line of spaces
  CHECK(past_limit == 5);
}

TEST_CASE("FuzzSchedule: systematic first, then the same random inputs for the same seed") {
  BootvarGenerator g(BootvarsKeys(), kBase);
  FuzzSchedule a(g, 7), b(g, 7), c(g, 8);
  const size_t first_random = g.Systematic().size();
  CHECK(a.At(0) == g.Systematic()[0]);
  CHECK(c.At(0) == g.Systematic()[0]);
  int differ = 0;
  for (size_t i = first_random; i < first_random + 200; ++i) {
    const FuzzInput x = a.At(i);
    CHECK(x == b.At(i));
    differ += !(x == c.At(i));
    CHECK(x.CommandLine().find('\0') == std::string::npos);
  }
  CHECK(differ > 150);
  // Asked out of order, an input is still the same.
  CHECK(a.At(first_random + 50) == b.At(first_random + 50));
}

TEST_CASE("RandomBootvarValue never yields a NUL byte") {
  FuzzRng rng(3);
  for (const char* type : {"string", "bool", "ipv4", "ipv4-cidr", "int[1,65535]", "enum[a,b]"}) {
    const BootvarType t = ParseBootvarType(type).value();
    for (int i = 0; i < 300; ++i) CHECK(RandomBootvarValue(t, rng).find('\0') == std::string::npos);
  }
}

}  // namespace
}  // namespace cirun
