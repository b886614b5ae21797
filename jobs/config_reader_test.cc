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

}  // namespace
}  // namespace cirun
