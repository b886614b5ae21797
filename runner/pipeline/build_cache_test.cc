#include "runner/pipeline/build_cache.h"

#include <doctest/doctest.h>

#include <filesystem>

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

TEST_CASE("BuildCache: a failed save names the cause and leaves no entry") {
  testing::ScratchDir dir;
  BuildCache cache(dir / "cache");
  const Status saved = cache.Save("abcdef", dir / "built/missing");
  REQUIRE_FALSE(saved.ok());
  CHECK(saved.message().find("No such file or directory") != std::string::npos);
  CHECK(saved.message().find("Success") == std::string::npos);
  CHECK(!*cache.Restore("abcdef", dir / "out/img"));
  CHECK(std::filesystem::is_empty(dir / "cache/ab/abcdef"));
}

TEST_CASE("CacheSaveError: an image larger than the room left is a full disk") {
  CHECK(CacheSaveError("/w/img", "Input/output error", 12 << 20, 4 << 10).message() ==
        "cannot cache /w/img: the cache's disk is full (4 KiB left, the image is 12288 KiB): "
        "Input/output error");
  CHECK(CacheSaveError("/w/img", "Permission denied", 1 << 10, 1 << 20).message() ==
        "cannot cache /w/img: Permission denied");
}

}  // namespace cirun
