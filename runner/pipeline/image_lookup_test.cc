#include "runner/pipeline/image_lookup.h"

#include <doctest/doctest.h>

#include "tests/scratch_dir.h"

namespace cirun {
namespace {

TEST_CASE("ImageHashToFind hashes a file and takes a hash or a prefix as it is, lowercased") {
  testing::ScratchDir dir;
  dir.Write("image", "abc");
  auto hashed = ImageHashToFind(dir / "image");
  REQUIRE(hashed.ok());
  CHECK(*hashed == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(*ImageHashToFind("BA7816BF") == "ba7816bf");
  CHECK(ImageHashToFind("ba78").status().code() == Status::Code::kInvalidArgument);
  CHECK(ImageHashToFind("not-a-hash-or-file").status().code() == Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace cirun
