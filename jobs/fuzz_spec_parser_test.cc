// The fuzz key type grammar and the bench regression threshold.
#include "jobs/fuzz_spec_parser.h"

#include <doctest/doctest.h>

#include "jobs/bench_spec_parser.h"

namespace cirun {
namespace {

std::string Canonical(std::string_view type) {
  std::string canonical;
  const std::string problem = NormalizeFuzzType(type, &canonical);
  return problem.empty() ? canonical : "error: " + problem;
}

TEST_CASE("NormalizeFuzzType accepts the simple types as written") {
  CHECK(Canonical("string") == "string");
  CHECK(Canonical("bool") == "bool");
  CHECK(Canonical("ipv4") == "ipv4");
  CHECK(Canonical("ipv4-cidr") == "ipv4-cidr");
}

TEST_CASE("NormalizeFuzzType: int[lo,hi] with 64-bit bounds, spaces removed") {
  CHECK(Canonical("int[1, 65535]") == "int[1,65535]");
  CHECK(Canonical("int[-9223372036854775808,9223372036854775807]") ==
        "int[-9223372036854775808,9223372036854775807]");
  CHECK(Canonical("int[5,5]") == "int[5,5]");
}

TEST_CASE("NormalizeFuzzType rejects malformed or empty int ranges") {
  CHECK(Canonical("int[10,1]") == "error: \"int[10,1]\": the lower bound is above the upper bound");
  CHECK(Canonical("int[1]") == "error: \"int[1]\": expected int[lo,hi] with two 64-bit integers");
  CHECK(Canonical("int[1,9223372036854775808]") ==
        "error: \"int[1,9223372036854775808]\": expected int[lo,hi] with two 64-bit integers");
}

TEST_CASE("NormalizeFuzzType: enum values are non-empty and distinct") {
  CHECK(Canonical("enum[a, b ,c]") == "enum[a,b,c]");
  CHECK(Canonical("enum[]") == "error: \"enum[]\": expected enum[a,b,...] with non-empty values");
  CHECK(Canonical("enum[a,a]") == "error: \"enum[a,a]\": duplicate value \"a\"");
}

TEST_CASE("NormalizeFuzzType names the grammar for an unknown type") {
  CHECK(Canonical("integer") ==
        "error: expected a type: string, bool, ipv4, ipv4-cidr, int[lo,hi] or enum[a,b,...], "
        "got \"integer\"");
}

TEST_CASE("ParseRegressionThreshold reads percentages and fractions") {
  CHECK(*ParseRegressionThreshold("10%") == doctest::Approx(0.10));
  CHECK(*ParseRegressionThreshold("2.5%") == doctest::Approx(0.025));
  CHECK(*ParseRegressionThreshold("0.1") == doctest::Approx(0.1));
  CHECK(*ParseRegressionThreshold("150%") == doctest::Approx(1.5));
}

TEST_CASE("ParseRegressionThreshold rejects zero, negatives, words and a bare number over 1") {
  for (const char* bad : {"0", "0%", "-5%", "ten", "%", "", "10", "inf%", "nan"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseRegressionThreshold(bad).has_value());
  }
}

}  // namespace
}  // namespace cirun
