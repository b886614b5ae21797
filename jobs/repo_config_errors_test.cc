// ParseRepoConfig on malformed files: every diagnostic, exactly.
#include <doctest/doctest.h>

#include "jobs/repo_config_parser.h"

namespace cirun {
namespace {

using Strings = std::vector<std::string>;

}  // namespace
}  // namespace cirun

namespace doctest {
template <>
struct StringMaker<std::vector<std::string>> {
  static String convert(const std::vector<std::string>& v) {
    std::string out = "{";
    for (const std::string& s : v) out += "\n  " + s;
    return (out + "}").c_str();
  }
};
}  // namespace doctest

namespace cirun {
namespace {

Strings Errors(std::string_view yaml) {
  Strings out;
  for (const ConfigDiagnostic& d : ParseRepoConfigDiagnostics(yaml, "ci.yml", nullptr)) {
    out.push_back(d.ToString());
  }
  return out;
}

// A valid file up to the unikernel's keys: line 4 is "  hello:", keys start on line 5.
constexpr char kHead[] = "matrix:\n  target: [unix, xen]\nunikernels:\n  hello:\n";
constexpr char kBuildImage[] = "    build: make\n    image: hello.bin\n";

std::string WithKeys(std::string_view keys) {
  return kHead + std::string(keys);
}
std::string WithBoot(std::string_view boot_lines) {  // "    boot:" is line 7
  return WithKeys(std::string(kBuildImage) + "    boot:\n" + std::string(boot_lines));
}

TEST_CASE("errors: a tab in the indentation is pointed at") {
  CHECK(Errors("matrix:\n\ttarget: [unix]\n") ==
        Strings{"ci.yml:2:1: tab character in indentation (YAML indents with spaces only)"});
}

TEST_CASE("errors: a YAML syntax error gives yaml-cpp's message and position") {
  CHECK(Errors("unikernels: [a, b\n") ==
        Strings{"ci.yml:2:1: YAML syntax error: end of sequence flow not found"});
}

TEST_CASE("errors: a syntax error about a control byte is still one line") {
  // Found by the config fuzzer (tests/fuzz): yaml-cpp's message held the raw
  // byte, which broke the diagnostic over two lines without FILE:LINE:COL.
  const std::string yaml("unikernels:\n  k: prefix\x01\0\n  p: \"$T\"\n", 32);
  Strings errors = Errors(yaml);
  CHECK(errors == Strings{"ci.yml:3:1: YAML syntax error: unknown escape character: \\n"});
}

TEST_CASE("errors: an unquoted ${variable} in a flow list gets a hint") {
  CHECK(Errors(WithBoot("      args: [--on=${target}]\n")) ==
        Strings{"ci.yml:8:20: YAML syntax error: end of sequence flow not found (inside [...] or "
                "{...}, quote strings that contain ${variables})"});
}

TEST_CASE("errors: an empty file is not a configuration") {
  CHECK(Errors("") == Strings{"ci.yml:1:1: top level: expected a map with \"matrix\" and "
                              "\"unikernels\", got nothing"});
}

TEST_CASE("errors: unknown key, with a did-you-mean hint") {
  CHECK(Errors(WithKeys("    bulid: make\n    build: make\n    image: hello.bin\n")) ==
        Strings{"ci.yml:5:5: unknown key \"bulid\" in unikernel \"hello\" (did you mean "
                "\"build\"?)"});
}

TEST_CASE("errors: unknown top-level key") {
  CHECK(Errors(WithKeys(kBuildImage) + "matrx: {}\n") ==
        Strings{"ci.yml:7:1: unknown key \"matrx\" at the top level (did you mean \"matrix\"?)"});
}

TEST_CASE("errors: duplicate key") {
  CHECK(Errors(WithKeys("    build: make\n    build: make all\n    image: x\n")) ==
        Strings{"ci.yml:6:5: duplicate key \"build\" (first at line 5)"});
}

TEST_CASE("errors: wrong type") {
  CHECK(Errors(WithKeys("    build: [make, all]\n    image: hello.bin\n")) ==
        Strings{"ci.yml:5:12: \"build\": expected a non-empty string, got a list"});
}

TEST_CASE("errors: missing build") {
  CHECK(Errors(WithKeys("    image: hello.bin\n")) ==
        Strings{"ci.yml:4:3: missing required key \"build\" in unikernel \"hello\""});
}

TEST_CASE("errors: an empty unikernels map") {
  CHECK(Errors("matrix:\n  target: [unix]\nunikernels: {}\n") ==
        Strings{"ci.yml:3:13: \"unikernels\": expected at least one unikernel, got an empty map"});
}

TEST_CASE("errors: an empty matrix") {
  CHECK(Errors("matrix: {}\nunikernels:\n  hello:\n    build: make\n    image: x\n") ==
        Strings{"ci.yml:1:1: empty matrix: a \"target\" axis is required, e.g. matrix: "
                "{target: [unix]}"});
}

TEST_CASE("errors: max-parallel must be positive") {
  CHECK(Errors("matrix:\n  target: [unix]\n  max-parallel: 0\n"
               "unikernels:\n  hello:\n    build: make\n    image: x\n") ==
        Strings{"ci.yml:3:17: \"max-parallel\": expected a positive integer, got \"0\""});
}

TEST_CASE("errors: missing unikernels") {
  CHECK(Errors("matrix:\n  target: [unix]\n") ==
        Strings{"ci.yml:1:1: missing required key \"unikernels\" at the top level"});
}

TEST_CASE("errors: bad duration") {
  CHECK(Errors(WithBoot("      timeout: ten\n")) ==
        Strings{"ci.yml:8:16: \"timeout\": expected a duration such as \"10s\" or \"500ms\", "
                "got \"ten\""});
}

TEST_CASE("errors: a boot timeout of zero") {
  CHECK(Errors(WithBoot("      timeout: 0s\n")) ==
        Strings{"ci.yml:8:16: \"timeout\": expected a duration greater than zero, got \"0s\""});
}

TEST_CASE("errors: a regex that does not compile") {
  CHECK(Errors(WithBoot("      expect: [\"^(Hello\"]\n")) ==
        Strings{"ci.yml:8:16: \"expect\": invalid regular expression \"^(Hello\": unmatched '('"});
}

TEST_CASE("errors: RE2 syntax - no back-references, no look-around") {
  CHECK(Errors(WithBoot("      expect: [\"(a)\\\\1\"]\n")) ==
        Strings{"ci.yml:8:16: \"expect\": invalid regular expression \"(a)\\1\": invalid escape "
                "\\1 (RE2 has no back-references)"});
  CHECK(Errors(WithBoot("      fail: [\"a(?=b)\"]\n")) ==
        Strings{"ci.yml:8:14: \"fail\": invalid regular expression \"a(?=b)\": unsupported syntax "
                "(?= (RE2 has no look-around)"});
}

TEST_CASE("errors: regexes compile with a placeholder for ${variables}") {
  CHECK(Errors(WithBoot("      fail: [\"${target}*\", \"on ${target}[\"]\n")) ==
        Strings{"ci.yml:8:28: \"fail\": invalid regular expression \"on ${target}[\": "
                "unmatched '['"});
}

TEST_CASE("errors: unknown variable, with a hint") {
  CHECK(Errors(WithKeys("    build: make ${tagret}\n    image: hello.bin\n")) ==
        Strings{"ci.yml:5:12: \"build\": unknown variable \"${tagret}\" (did you mean "
                "\"target\"?)"});
}

TEST_CASE("errors: unknown variable, listing the known ones") {
  CHECK(Errors(WithKeys("    build: make\n    image: ${board}.img\n")) ==
        Strings{"ci.yml:6:12: \"image\": unknown variable \"${board}\" (known: \"${target}\", "
                "\"${unikernel}\")"});
}

TEST_CASE("errors: a variable that only some cells have") {
  CHECK(Errors("matrix:\n  target: [unix, xen]\n  include:\n    - {target: xen, board: pvh}\n"
               "unikernels:\n  hello:\n    build: make ${board}\n    image: x\n") ==
        Strings{"ci.yml:7:12: \"build\": variable \"${board}\" has no value in matrix cell "
                "\"target=unix\""});
}

TEST_CASE("errors: too many cells") {
  CHECK(Errors("matrix:\n  target: [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q]\n"
               "  n: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]\n"
               "unikernels:\n  hello:\n    build: make\n    image: x\n") ==
        Strings{"ci.yml:1:1: matrix expands to 272 cells, more than the limit of 256"});
}

TEST_CASE("errors: an exclude or include list of more than 256 entries") {
  // Found with the config fuzzer's corpus (tests/fuzz/malformed): every
  // entry is tried against every combination, and aliases make a long list
  // cheap to write: 2000 aliases over 65536 combinations took over a minute.
  for (const std::string list : {"exclude", "include"}) {
    std::string yaml = "matrix:\n  target: [unix]\n  " + list + ":\n    - &e {target: unix}\n";
    for (int i = 0; i < 300; ++i) yaml += "    - *e\n";
    yaml += "unikernels:\n  hello:\n    build: make\n    image: x\n";
    CHECK(Errors(yaml) ==
          Strings{"ci.yml:4:5: matrix " + list + ": at most 256 entries (this list has 301)"});
  }
}

TEST_CASE("errors: a duplicate axis value, once per repeat") {
  CHECK(Errors("matrix:\n  target: [unix, xen, unix, unix]\nunikernels:\n  hello:\n"
               "    build: make\n    image: x\n") ==
        Strings{"ci.yml:2:23: matrix axis \"target\": duplicate value \"unix\"",
                "ci.yml:2:29: matrix axis \"target\": duplicate value \"unix\""});
}

TEST_CASE("errors: a cell without a target") {
  CHECK(Errors("matrix:\n  compiler: [gcc]\nunikernels:\n  hello:\n    build: make\n"
               "    image: x\n") ==
        Strings{"ci.yml:1:1: matrix cell \"compiler=gcc\" has no \"target\" value (every cell "
                "needs one: add a \"target\" axis)"});
}

TEST_CASE("errors: a unikernel without any matrix") {
  CHECK(Errors("unikernels:\n  hello:\n    build: make\n    image: x\n") ==
        Strings{"ci.yml:2:3: unikernel \"hello\": no matrix: a \"target\" axis is required, "
                "e.g. matrix: {target: [unix]}"});
}

TEST_CASE("errors: an unused broken top-level matrix is not reported") {
  CHECK(Errors("matrix:\n  compiler: [gcc]\nunikernels:\n  hello:\n    build: make\n"
               "    image: x\n    matrix: {target: [unix]}\n")
            .empty());
}

TEST_CASE("errors: an exclude key that is not an axis") {
  CHECK(Errors("matrix:\n  target: [unix, xen]\n  exclude:\n    - {tagret: xen}\n"
               "unikernels:\n  hello:\n    build: make\n    image: x\n") ==
        Strings{"ci.yml:4:8: matrix exclude key \"tagret\" is not an axis of the matrix"});
}

TEST_CASE("errors: a misspelt reserved matrix key is an axis without a list") {
  CHECK(Errors("matrix:\n  target: [unix]\n  fail_fast: false\n"
               "unikernels:\n  hello:\n    build: make\n    image: x\n") ==
        Strings{"ci.yml:3:14: matrix axis \"fail_fast\": expected a non-empty list of values "
                "such as [a, b] (did you mean \"fail-fast\"?), got \"false\""});
}

TEST_CASE("errors: exit codes must be 0..255") {
  CHECK(Errors(WithBoot("      exit: [0, 300]\n")) ==
        Strings{"ci.yml:8:17: \"exit\": expected an integer from 0 to 255, got \"300\""});
}

TEST_CASE("errors: outcome must be one a boot can be expected to have") {
  CHECK(Errors(WithBoot("      outcome: crash\n")) ==
        Strings{"ci.yml:8:16: \"outcome\": expected passed, crashed, hung, failed or rejected, "
                "got \"crash\""});
  CHECK(Errors(WithBoot("      outcome: infra\n")) ==
        Strings{"ci.yml:8:16: \"outcome\": expected passed, crashed, hung, failed or rejected, "
                "got \"infra\""});
  CHECK(Errors(WithBoot("      outcome: [crashed]\n")).size() == 1);
}

TEST_CASE("errors: exit [] needs a non-empty expect") {
  CHECK(Errors(WithBoot("      exit: []\n")) ==
        Strings{"ci.yml:8:13: \"exit\": [] (stop the VM once every \"expect\" matched) needs a "
                "non-empty \"expect\""});
}

TEST_CASE("errors: a path that leaves the repository") {
  CHECK(Errors(WithKeys("    path: ../other\n" + std::string(kBuildImage))) ==
        Strings{"ci.yml:5:11: \"path\": expected a relative directory inside the repository (no "
                "leading '/', no \"..\"), got \"../other\""});
}

TEST_CASE("errors: test names must be unique and not \"boot\"") {
  CHECK(Errors(
            WithKeys(std::string(kBuildImage) +
                     "    tests:\n      - {name: a}\n      - {name: a}\n      - {name: boot}\n")) ==
        Strings{"ci.yml:9:16: duplicate test name \"a\" (first at line 8)",
                "ci.yml:10:16: test name: expected letters, digits, '_', '.' or '-' (and not "
                "\"boot\"), got \"boot\""});
}

TEST_CASE("errors: a test without a name") {
  CHECK(Errors(WithKeys(std::string(kBuildImage) + "    tests:\n      - {args: [-x]}\n")) ==
        Strings{"ci.yml:8:9: missing required key \"name\" in test #1 of unikernel \"hello\""});
}

TEST_CASE("errors: fuzz key types") {
  CHECK(Errors(WithKeys(std::string(kBuildImage) +
                        "    fuzz:\n      keys: {port: \"int[10,1]\", mode: integer}\n")) ==
        Strings{"ci.yml:8:20: fuzz key \"port\": \"int[10,1]\": the lower bound is above the "
                "upper bound",
                "ci.yml:8:39: fuzz key \"mode\": expected a type: string, bool, ipv4, ipv4-cidr, "
                "int[lo,hi] or enum[a,b,...], got \"integer\""});
}

TEST_CASE("errors: bench metric direction and a threshold without %") {
  CHECK(Errors(WithKeys(std::string(kBuildImage) +
                        "    bench:\n      metrics: [{name: ops, better: more}]\n"
                        "      fail-on-regression: 10\n")) ==
        Strings{"ci.yml:8:37: \"better\": expected lower or higher, got \"more\"",
                "ci.yml:9:27: \"fail-on-regression\": expected a percentage such as \"10%\" or a "
                "fraction such as 0.1, got \"10\""});
}

TEST_CASE("errors: an unknown bench clock") {
  CHECK(Errors(WithKeys(std::string(kBuildImage) + "    bench:\n      clock: icount\n")) ==
        Strings{"ci.yml:8:14: \"clock\": expected host or instructions, got \"icount\""});
}

TEST_CASE("errors: an unknown bench decide") {
  CHECK(Errors(WithKeys(std::string(kBuildImage) + "    bench:\n      decide: some\n")) ==
        Strings{"ci.yml:8:15: \"decide\": expected exact or all, got \"some\""});
}

TEST_CASE("errors: all are collected and sorted by position, even past a broken matrix") {
  CHECK(Errors("unikernels:\n  hello:\n    image: x\n    build: make ${nope}\n"
               "matrix:\n  target: [unix]\n  fail-fast: maybe\n") ==
        Strings{"ci.yml:4:12: \"build\": unknown variable \"${nope}\" (known: \"${target}\", "
                "\"${unikernel}\")",
                "ci.yml:7:14: \"fail-fast\": expected true or false, got \"maybe\""});
}

TEST_CASE("errors: ParseRepoConfig folds every diagnostic into one InvalidArgument") {
  Result<RepoConfig> c = ParseRepoConfig(WithKeys("    bulid: make\n"), "ci.yml");
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().code() == Status::Code::kInvalidArgument);
  CHECK(c.status().message() ==
        "ci.yml:4:3: missing required key \"build\" in unikernel \"hello\"\n"
        "ci.yml:4:3: missing required key \"image\" in unikernel \"hello\"\n"
        "ci.yml:5:5: unknown key \"bulid\" in unikernel \"hello\" (did you mean \"build\"?)");
}

TEST_CASE("errors: nothing half-parsed is returned") {
  RepoConfig config;
  config.file = "untouched";
  CHECK_FALSE(ParseRepoConfigDiagnostics(WithKeys("    build: make\n"), "ci.yml", &config).empty());
  CHECK(config.file == "untouched");
  CHECK(config.unikernels.empty());
}

}  // namespace
}  // namespace cirun
