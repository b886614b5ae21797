#include "runner/pipeline/step_detail.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

TEST_CASE("StepDetail reads each key with its type") {
  const StepDetail d = StepDetail::Parse(
      R"({"note": "n", "boots": 12, "seed": 18446744073709551615, "rate": 2.5, "minimal": false,
          "outcomes": {"crashed": 2}, "findings": [{"hits": 3}, 7, {"hits": 1}]})");
  CHECK(d.String("note") == "n");
  CHECK(d.Int("boots") == 12);
  CHECK(d.Unsigned("seed") == 18446744073709551615ull);
  CHECK(d.Number("rate") == 2.5);
  CHECK(d.Number("boots") == 12.0);
  CHECK(d.Bool("minimal") == false);
  CHECK(d.Object("outcomes").Keys() == std::vector<std::string>{"crashed"});
  CHECK(d.Object("outcomes").Int("crashed") == 2);
  const std::vector<StepDetail> findings = d.Objects("findings");
  REQUIRE(findings.size() == 2);
  CHECK(findings[1].Int("hits") == 1);
  CHECK(d.Count("findings") == 3);
  CHECK(d.Count("boots") == 12);
}

TEST_CASE("StepDetail reads a missing key or another type as not there, never throws") {
  const StepDetail d =
      StepDetail::Parse(R"({"reproducer": 5, "boots": "many", "rate": 2.5, "seed": -1,
                            "outcomes": [1], "findings": {"a": 1}, "count": -3})");
  CHECK_FALSE(d.String("reproducer"));
  CHECK_FALSE(d.Int("boots"));
  CHECK_FALSE(d.Int("rate"));
  CHECK_FALSE(d.Unsigned("seed"));
  CHECK_FALSE(d.Bool("rate"));
  CHECK_FALSE(d.String("nothing"));
  CHECK(d.Object("outcomes").Empty());
  CHECK(d.Objects("findings").empty());
  CHECK(d.Count("count") == 0);
  CHECK(d.Count("boots") == 0);
  CHECK(d.Count("nothing") == 0);
  for (const char* text : {"", "not json", "[1, 2]", "\"text\"", "null"}) {
    CAPTURE(text);
    CHECK(StepDetail::Parse(text).Empty());
    CHECK(StepDetail::Parse(text).Json().is_object());
  }
}

}  // namespace
}  // namespace cirun
