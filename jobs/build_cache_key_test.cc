#include "jobs/build_cache_key.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

BuildCacheInputs Inputs() {
  return {"tree", "gcc 12", "virtio", "make", "hello.bin"};
}

TEST_CASE("BuildCacheKey is the SHA-256 of the versioned, length-prefixed fields") {
  // printf 'ci-run build cache key v1\n4:tree\n6:gcc 12\n6:virtio\n4:make\n9:hello.bin\n'
  //   | sha256sum
  CHECK(BuildCacheKey(Inputs()) ==
        "2e19df0ea35e3fd5b3852f94892dac12045095e14d745941e6a35fea365a8ea3");
}

TEST_CASE("BuildCacheKey changes when any single input changes") {
  const std::string base = BuildCacheKey(Inputs());
  for (std::string BuildCacheInputs::*field :
       {&BuildCacheInputs::source_id, &BuildCacheInputs::toolchain_identity,
        &BuildCacheInputs::target, &BuildCacheInputs::command, &BuildCacheInputs::image}) {
    BuildCacheInputs changed = Inputs();
    changed.*field += "x";
    CHECK(BuildCacheKey(changed) != base);
  }
}

TEST_CASE("BuildCacheKey does not collide when text moves between adjacent fields") {
  BuildCacheInputs a = Inputs();
  BuildCacheInputs b = Inputs();
  a.command = "make a";
  a.image = "b";
  b.command = "make";
  b.image = " ab";
  CHECK(BuildCacheKey(a) != BuildCacheKey(b));
}

TEST_CASE("BuildCacheKey is 64 lowercase hex digits and deterministic") {
  const std::string key = BuildCacheKey(BuildCacheInputs{});
  CHECK(key.size() == 64);
  CHECK(key.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(key == BuildCacheKey(BuildCacheInputs{}));
}

}  // namespace
}  // namespace cirun
