#include "runner/pipeline/build_cache.h"

#include <doctest/doctest.h>

#include "tests/scratch_dir.h"

namespace cirun {

TEST_CASE("BuildCache restores exactly what was saved under a key") {
  testing::ScratchDir dir;
  BuildCache cache(dir / "cache");
  dir.Write("built/img", "IMAGE");
  CHECK(!*cache.Restore("abcdef", dir / "out/img"));
  REQUIRE(cache.Save("abcdef", dir / "built/img").ok());
  CHECK(*cache.Restore("abcdef", dir / "out/deep/img"));
  CHECK(testing::ReadAll(dir / "out/deep/img") == "IMAGE");
  CHECK(!*cache.Restore("abcdeg", dir / "out/other"));
}

}  // namespace cirun
