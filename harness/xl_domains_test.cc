// Domain names, `xl list` parsing, destroy and the start-up sweep, against a
// FakeProcessRunner that records every xl command.
#include "harness/xl_domains.h"

#include <unistd.h>

#include <doctest/doctest.h>

#include "harness/fake_process_runner.h"
#include "harness/xl_config.h"

namespace cirun {
namespace {

using Argv = std::vector<std::string>;

FakeProcessRunner::Script Output(const std::string& text, int code = 0) {
  FakeProcessRunner::Script s;
  s.chunks = {text};
  s.exit.code = code;
  return s;
}

const char kList[] =
    "Name                                        ID   Mem VCPUs\tState\tTime(s)\n"
    "Domain-0                                     0  2048     4     r-----     812.3\n"
    "web                                          3   128     1     -b----      10.0\n"
    "ci-run-100-7-1-0                             4    64     1     -b----       0.2\n"
    "ci-run-200-8-1-0                             5    64     1     r-----       0.1\n"
    "ci-run-boot-old                              6    64     1     -b----       0.1\n";

}  // namespace

TEST_CASE("XlDomainName: owner pid, then the instance, valid for xl, unique when cut") {
  CHECK(XlDomainName(4242, "ci-run-7-1-0") == "ci-run-4242-7-1-0");
  CHECK(XlDomainName(4242, "ci-run-boot-4242") == "ci-run-4242-boot-4242");
  CHECK(XlDomainName(1, "fuzz case/3 \"x\"") == "ci-run-1-fuzz-case-3--x-");
  std::string a = XlDomainName(99999, "ci-run-" + std::string(80, 'a') + "1");
  std::string b = XlDomainName(99999, "ci-run-" + std::string(80, 'a') + "2");
  CHECK(a.size() == 64);
  CHECK(b.size() == 64);
  CHECK(a != b);
  CHECK(a.rfind("ci-run-99999-aaaa", 0) == 0);
  CHECK(a == XlDomainName(99999, "ci-run-" + std::string(80, 'a') + "1"));  // stable
  for (const std::string& name : {a, b, XlDomainName(1, "fuzz case/3 \"x\"")})
    CHECK(CheckXlDomainName(name).ok());
}

TEST_CASE("XlDomainOwner: only names made by XlDomainName") {
  CHECK(XlDomainOwner("ci-run-4242-7-1-0") == 4242);
  CHECK(XlDomainOwner(XlDomainName(77, "x")) == 77);
  CHECK(XlDomainOwner("ci-run-boot-old") == std::nullopt);
  CHECK(XlDomainOwner("ci-run-12") == std::nullopt);
  CHECK(XlDomainOwner("web") == std::nullopt);
  CHECK(XlDomainOwner("ci-run-123456789012-x") == std::nullopt);
}

TEST_CASE("ParseXlList: the first column, without the header and Domain-0") {
  CHECK(ParseXlList(kList) ==
        Argv{"web", "ci-run-100-7-1-0", "ci-run-200-8-1-0", "ci-run-boot-old"});
  CHECK(ParseXlList("").empty());
  CHECK(ParseXlList("garbage without a header\n").empty());
}

TEST_CASE("Sweep: destroys ci-run domains whose owner is gone, nothing else") {
  FakeProcessRunner fake;
  fake.Push(Output(kList));
  Result<XlSweep> sweep = SweepLeftoverXlDomains("xl", fake, [](int pid) { return pid == 200; });
  REQUIRE_MESSAGE(sweep.ok(), sweep.status().ToString());
  CHECK(sweep->destroyed == Argv{"ci-run-100-7-1-0"});
  CHECK(sweep->failed.empty());
  std::vector<ProcessSpec> runs = fake.runs();
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].argv == Argv{"xl", "list"});
  CHECK(runs[1].argv == Argv{"xl", "destroy", "ci-run-100-7-1-0"});
}

TEST_CASE("Sweep: a domain named after this very process is a leftover too") {
  const std::string mine = XlDomainName(static_cast<int>(getpid()), "ci-run-1-1-0");
  FakeProcessRunner fake;
  fake.Push(Output(std::string(kList) + mine + "  9  64  1  -b----  0.1\n"));
  Result<XlSweep> sweep = SweepLeftoverXlDomains("/usr/sbin/xl", fake, [](int) { return true; });
  REQUIRE(sweep.ok());
  CHECK(sweep->destroyed == Argv{mine});
  CHECK(fake.runs().back().argv == Argv{"/usr/sbin/xl", "destroy", mine});
}

TEST_CASE("Sweep: xl list failing is Unavailable with xl's last line, destroy failures listed") {
  FakeProcessRunner broken;
  broken.Push(
      Output("xencall: error: Could not obtain handle on privileged command interface\n"
             "cannot init xl context\n",
             1));
  Result<XlSweep> failed = SweepLeftoverXlDomains("xl", broken, [](int) { return false; });
  CHECK(failed.status().code() == Status::Code::kUnavailable);
  CHECK(failed.status().message() == "xl list exited with status 1: cannot init xl context");

  FakeProcessRunner fake;
  fake.Push(Output(kList));
  for (int i = 0; i < 3; ++i) fake.Push(Output("libxl: error: domain busy\n", 1));
  Result<XlSweep> sweep = SweepLeftoverXlDomains("xl", fake, [](int pid) { return pid == 200; });
  REQUIRE(sweep.ok());
  CHECK(sweep->destroyed.empty());
  CHECK(sweep->failed == Argv{"ci-run-100-7-1-0: xl destroy ci-run-100-7-1-0 exited with "
                              "status 1: libxl: error: domain busy"});
  CHECK(fake.runs().size() == 4);  // list, then three destroy attempts
}

TEST_CASE("DestroyXlDomain: a domain that is already gone is fine") {
  FakeProcessRunner fake;
  fake.Push(Output("ci-run-1-2 is an invalid domain identifier (rc=-6)\n", 1));
  CHECK(DestroyXlDomain("xl", "ci-run-1-2", fake).ok());
  CHECK(fake.runs().size() == 1);
  FakeProcessRunner spawn;
  FakeProcessRunner::Script missing;
  missing.exit.kind = ProcessExit::Kind::kSpawnFailed;
  missing.exit.error = "xl: no such file";
  spawn.Push(missing);
  CHECK(DestroyXlDomain("xl", "ci-run-1-2", spawn).message() ==
        "failed to start: xl: no such file");
  CHECK(spawn.runs().size() == 1);  // no retry when xl cannot even start
}

TEST_CASE("CiRunProcessAlive: this test binary is alive but not ci-run, pid 0 never") {
  CHECK(!CiRunProcessAlive(static_cast<int>(getpid())));
  CHECK(!CiRunProcessAlive(0));
  CHECK(!CiRunProcessAlive(-5));
}

}  // namespace cirun
