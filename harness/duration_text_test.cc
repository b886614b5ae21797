#include "harness/duration_text.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

using std::chrono::milliseconds;

TEST_CASE("FormatDuration: milliseconds below a second, seconds with one decimal") {
  CHECK(FormatDuration(milliseconds(250)) == "250ms");
  CHECK(FormatDuration(milliseconds(10'000)) == "10s");
  CHECK(FormatDuration(milliseconds(1'599)) == "1.5s");
  CHECK(FormatDuration(milliseconds(86'400'000)) == "86400s");
}

TEST_CASE("FormatSettingDuration: the largest whole unit, as a config file says it") {
  CHECK(FormatSettingDuration(milliseconds(86'400'000)) == "24h");
  CHECK(FormatSettingDuration(milliseconds(5'400'000)) == "90m");
  CHECK(FormatSettingDuration(milliseconds(45'000)) == "45s");
  CHECK(FormatSettingDuration(milliseconds(1'500)) == "1500ms");
  CHECK(FormatSettingDuration(milliseconds(0)) == "0ms");
}

}  // namespace
}  // namespace cirun
