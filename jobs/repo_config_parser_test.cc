// ParseRepoConfig on well-formed files, and ParseDuration.
#include "jobs/repo_config_parser.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

using std::chrono::milliseconds;
using Strings = std::vector<std::string>;

constexpr char kFull[] = R"(matrix:
  compiler: [gcc, clang]
  target: [unix, virtio, xen, virtio-arm64]
  exclude:
    - {compiler: clang, target: virtio-arm64}
  include:
    - {compiler: gcc, target: virtio, extra: yes}
  fail-fast: true
  max-parallel: 4
unikernels:
  hello:
    path: unikernels
    build: ./build.sh hello ${target} ${compiler} _build/${compiler}-${target}
    image: _build/${compiler}-${target}/hello.${target}
    build-timeout: 5m
    boot:
      args: ["--greeting=hi", "two words", 42]
      expect: ["^Hello from ${target}", "^SUCCESS"]
      fail: ["PANIC"]
      timeout: 30s
      exit: [0, 83]
    tests:
      - {name: bad-port, args: ["--port=x"], expect: ["^error:"], exit: 64}
      - {name: slow, timeout: 1m, fail: []}
    fuzz:
      keys: {name: string, port: "int[1, 65535]", ipv4: ipv4-cidr, verbose: bool, mode: "enum[a, b]"}
      boots: 300
      time: 60s
    bench:
      runs: 5
      clock: instructions
      decide: all
      metrics: [boot_ms, {name: ops_per_s, better: higher}]
      fail-on-regression: 10%
  server:
    build: make ${unikernel}
    image: server.hvt
    matrix:
      target: [hvt]
    boot:
      expect: ["listening"]
      exit: []
)";

RepoConfig Full() {
  Result<RepoConfig> config = ParseRepoConfig(kFull, "ci.yml");
  REQUIRE_MESSAGE(config.ok(), config.status().message());
  return std::move(config).value();
}

TEST_CASE("parser: reads the top-level matrix") {
  const Matrix m = Full().matrix;
  REQUIRE(m.axes.size() == 2);
  CHECK(m.axes[0].name == "compiler");
  CHECK(m.axes[1].values == Strings{"unix", "virtio", "xen", "virtio-arm64"});
  CHECK(m.exclude ==
        std::vector<MatrixValues>{{{"compiler", "clang"}, {"target", "virtio-arm64"}}});
  CHECK(m.include ==
        std::vector<MatrixValues>{{{"compiler", "gcc"}, {"target", "virtio"}, {"extra", "yes"}}});
  CHECK(m.fail_fast);
  CHECK(m.max_parallel == 4);
}

TEST_CASE("parser: fail-fast defaults to false and max-parallel to 0") {
  Result<RepoConfig> c = ParseRepoConfig(
      "matrix: {target: [unix]}\nunikernels: {a: {build: make, image: a.bin}}\n", "ci.yml");
  REQUIRE(c.ok());
  CHECK_FALSE(c->matrix.fail_fast);
  CHECK(c->matrix.max_parallel == 0);
}

TEST_CASE("parser: reads a unikernel's fields, in file order") {
  const RepoConfig c = Full();
  REQUIRE(c.unikernels.size() == 2);
  const UnikernelSpec& uk = c.unikernels[0];
  CHECK(uk.name == "hello");
  CHECK(uk.path == "unikernels");
  CHECK(uk.build == "./build.sh hello ${target} ${compiler} _build/${compiler}-${target}");
  CHECK(uk.image == "_build/${compiler}-${target}/hello.${target}");
  CHECK(uk.build_timeout == milliseconds(300'000));
  CHECK(uk.where.ToString() == "ci.yml:11:3");
  CHECK(c.unikernels[1].name == "server");
}

TEST_CASE("parser: path defaults to \".\" and build-timeout to 10m") {
  const UnikernelSpec& server = Full().unikernels[1];
  CHECK(server.path == ".");
  CHECK(server.build_timeout == milliseconds(600'000));
}

TEST_CASE("parser: reads boot, converting scalar args to strings") {
  const BootCase boot = Full().unikernels[0].boot;
  CHECK(boot.name == "boot");
  CHECK(boot.args == Strings{"--greeting=hi", "two words", "42"});
  CHECK(boot.expect == Strings{"^Hello from ${target}", "^SUCCESS"});
  CHECK(boot.fail == Strings{"PANIC"});
  CHECK(boot.timeout == milliseconds(30'000));
  CHECK(boot.exit_codes == std::vector<int>{0, 83});
  CHECK(boot.where.ToString() == "ci.yml:16:5");
}

TEST_CASE("parser: a test inherits timeout and fail from boot but not args, expect or exit") {
  const UnikernelSpec uk = Full().unikernels[0];
  REQUIRE(uk.tests.size() == 2);
  const BootCase& bad = uk.tests[0];
  CHECK(bad.name == "bad-port");
  CHECK(bad.timeout == milliseconds(30'000));
  CHECK(bad.fail == Strings{"PANIC"});
  CHECK(bad.args == Strings{"--port=x"});
  CHECK(bad.exit_codes == std::vector<int>{64});
  const BootCase& slow = uk.tests[1];
  CHECK(slow.timeout == milliseconds(60'000));
  CHECK(slow.fail.empty());
  CHECK(slow.args.empty());
  CHECK(slow.expect.empty());
  CHECK(slow.exit_codes == std::vector<int>{0});
}

TEST_CASE("parser: outcome is read per case, defaults to passed and is not inherited") {
  constexpr char kNegative[] = R"(matrix:
  target: [spt]
unikernels:
  aborts:
    build: make
    image: aborts.spt
    boot: {outcome: crashed}
    tests:
      - {name: stuck, args: [--wait], outcome: hung}
      - {name: bad, args: [--port=x], outcome: rejected}
      - {name: plain}
)";
  Result<RepoConfig> config = ParseRepoConfig(kNegative, "ci.yml");
  REQUIRE_MESSAGE(config.ok(), config.status().message());
  const UnikernelSpec& uk = config->unikernels[0];
  CHECK(uk.boot.outcome == "crashed");
  REQUIRE(uk.tests.size() == 3);
  CHECK(uk.tests[0].outcome == "hung");
  CHECK(uk.tests[1].outcome == "rejected");
  CHECK(uk.tests[2].outcome == "passed");
  CHECK(Full().unikernels[0].boot.outcome == "passed");
}

TEST_CASE("parser: a unikernel's own matrix replaces the top-level one, exit [] is kept") {
  const UnikernelSpec server = Full().unikernels[1];
  REQUIRE(server.matrix.has_value());
  REQUIRE(server.matrix->axes.size() == 1);
  CHECK(server.matrix->axes[0].values == Strings{"hvt"});
  CHECK(server.boot.exit_codes.empty());
  CHECK(server.boot.expect == Strings{"listening"});
  CHECK_FALSE(server.fuzz.has_value());
  CHECK_FALSE(server.bench.has_value());
}

TEST_CASE("parser: reads fuzz keys in file order, types without spaces") {
  const FuzzSpec fuzz = *Full().unikernels[0].fuzz;
  REQUIRE(fuzz.keys.size() == 5);
  CHECK(fuzz.keys[0].name == "name");
  CHECK(fuzz.keys[1].type == "int[1,65535]");
  CHECK(fuzz.keys[2].type == "ipv4-cidr");
  CHECK(fuzz.keys[4].type == "enum[a,b]");
  CHECK(fuzz.boots == 300);
  CHECK(fuzz.time == milliseconds(60'000));
}

TEST_CASE("parser: reads bench, whose args default to boot's") {
  const BenchSpec bench = *Full().unikernels[0].bench;
  CHECK(bench.runs == 5);
  CHECK(bench.clock == BenchClock::kInstructions);
  CHECK(bench.decide == BenchDecide::kAll);
  CHECK(bench.args == Strings{"--greeting=hi", "two words", "42"});
  REQUIRE(bench.metrics.size() == 2);
  CHECK(bench.metrics[0].name == "boot_ms");
  CHECK(bench.metrics[0].lower_is_better);
  CHECK(bench.metrics[1].name == "ops_per_s");
  CHECK_FALSE(bench.metrics[1].lower_is_better);
  REQUIRE(bench.fail_on_regression.has_value());
  CHECK(*bench.fail_on_regression == doctest::Approx(0.10));
}

TEST_CASE("parser: an empty bench means defaults: 10 runs of boot_ms, no threshold") {
  Result<RepoConfig> c = ParseRepoConfig(
      "matrix: {target: [unix]}\nunikernels:\n  a:\n    build: make\n    image: a.bin\n"
      "    bench:\n      fail-on-regression: 0.05\n",
      "ci.yml");
  REQUIRE(c.ok());
  const BenchSpec& bench = *c->unikernels[0].bench;
  CHECK(bench.runs == 10);
  CHECK(bench.clock == BenchClock::kHost);
  CHECK(bench.decide == BenchDecide::kExact);
  REQUIRE(bench.metrics.size() == 1);
  CHECK(bench.metrics[0].name == "boot_ms");
  CHECK(*bench.fail_on_regression == doctest::Approx(0.05));
}

TEST_CASE("parser: exit accepts a single integer") {
  Result<RepoConfig> c = ParseRepoConfig(
      "matrix: {target: [unix]}\nunikernels:\n  a:\n    build: make\n    image: a.bin\n"
      "    boot: {exit: 83}\n",
      "ci.yml");
  REQUIRE(c.ok());
  CHECK(c->unikernels[0].boot.exit_codes == std::vector<int>{83});
}

TEST_CASE("parser: include keys are variables too when every cell has them") {
  Result<RepoConfig> c = ParseRepoConfig(
      "matrix:\n  target: [unix, xen]\n  include:\n    - {board: none}\n    - {target: xen, board: "
      "pvh}\n"
      "unikernels:\n  a:\n    build: make BOARD=${board}\n    image: a.bin\n",
      "ci.yml");
  CHECK_MESSAGE(c.ok(), c.status().message());
}

TEST_CASE("ParseDuration reads ms, s, m, h and bare seconds") {
  CHECK(*ParseDuration("500ms") == milliseconds(500));
  CHECK(*ParseDuration("10s") == milliseconds(10'000));
  CHECK(*ParseDuration("2m") == milliseconds(120'000));
  CHECK(*ParseDuration("1h") == milliseconds(3'600'000));
  CHECK(*ParseDuration("20") == milliseconds(20'000));
  CHECK(*ParseDuration("0") == milliseconds(0));
}

TEST_CASE("ParseDuration rejects words, negatives, fractions, unknown units and overflow") {
  for (const char* bad : {"ten", "-5s", "1.5s", "10 s", "10d", "", "s", "9999999999999999h"}) {
    CAPTURE(bad);
    CHECK(ParseDuration(bad).status().code() == Status::Code::kInvalidArgument);
  }
  CHECK(ParseDuration("ten").status().message() ==
        "expected a duration such as \"10s\" or \"500ms\", got \"ten\"");
}

TEST_CASE("SourcePos::ToString omits what is unknown") {
  CHECK(SourcePos{"ci.yml", 7, 5}.ToString() == "ci.yml:7:5");
  CHECK(SourcePos{"ci.yml", 7, 0}.ToString() == "ci.yml:7");
  CHECK(SourcePos{"ci.yml", 0, 0}.ToString() == "ci.yml");
}

TEST_CASE("parser: a failed case runs twice more and a flaky one warns, by default") {
  const RepoConfig c = Full();
  CHECK(c.failures.reruns == 2);
  CHECK_FALSE(c.failures.flaky_fails);
}

TEST_CASE("parser: reads reruns and flaky, and rejects what they cannot be") {
  const std::string body =
      "matrix:\n  target: [unix]\nunikernels:\n  u:\n    build: make\n    image: u\n";
  Result<RepoConfig> c = ParseRepoConfig("reruns: 0\nflaky: fail\n" + body, "ci.yml");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  CHECK(c->failures.reruns == 0);
  CHECK(c->failures.flaky_fails);
  Result<RepoConfig> bad = ParseRepoConfig("reruns: 11\nflaky: maybe\n" + body, "ci.yml");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("ci.yml:1:9: \"reruns\"") != std::string::npos);
  CHECK(bad.status().message().find("ci.yml:2:8: \"flaky\": expected fail or warn") !=
        std::string::npos);
}

}  // namespace
}  // namespace cirun
