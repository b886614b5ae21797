#include "jobs/variables.h"

#include <doctest/doctest.h>

#include <vector>

namespace cirun {
namespace {

const Variables kVars = {{"target", "virtio"}, {"compiler", "gcc"}};

TEST_CASE("ExpandVariables replaces every ${name} by its value") {
  Result<std::string> r = ExpandVariables("_build/${compiler}-${target}/x.${target}", kVars);
  REQUIRE(r.ok());
  CHECK(*r == "_build/gcc-virtio/x.virtio");
}

TEST_CASE("ExpandVariables turns $$ into a literal $ without expanding what follows") {
  Result<std::string> r = ExpandVariables("cost $$5 and $${target}", kVars);
  REQUIRE(r.ok());
  CHECK(*r == "cost $5 and ${target}");
}

TEST_CASE("ExpandVariables keeps a lone $ as is") {
  Result<std::string> r = ExpandVariables("echo $HOME ends with $", kVars);
  REQUIRE(r.ok());
  CHECK(*r == "echo $HOME ends with $");
}

TEST_CASE("ExpandVariables names an unknown variable") {
  Result<std::string> r = ExpandVariables("make ${tagret}", kVars);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kInvalidArgument);
  CHECK(r.status().message() == "unknown variable \"${tagret}\"");
}

TEST_CASE("ExpandVariables rejects an unterminated ${") {
  Result<std::string> r = ExpandVariables("make ${target", kVars);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "unterminated \"${\" in \"make ${target\"");
}

TEST_CASE("ForEachVariable reports names in order and skips $$") {
  std::vector<std::string> names;
  Status s =
      ForEachVariable("${a} $${b} ${c}${a}", [&](std::string_view n) { names.emplace_back(n); });
  CHECK(s.ok());
  CHECK(names == std::vector<std::string>{"a", "c", "a"});
}

}  // namespace
}  // namespace cirun
