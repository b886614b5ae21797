#include "harness/coverage_file.h"

#include <doctest/doctest.h>

#include <fstream>

#include "tests/scratch_dir.h"

namespace cirun {
namespace {

TEST_CASE("coverage file: ids sorted and distinct, blocks or edges") {
  Result<std::vector<uint64_t>> ids =
      ParseCoverage("ci-run coverage 1 blocks\n1f\n2\n1f\nffffffff80001000\n");
  REQUIRE(ids.ok());
  CHECK(*ids == std::vector<uint64_t>{0x2, 0x1f, 0xffffffff80001000ull});
  CHECK(ParseCoverage("ci-run coverage 1 edges\n").value().empty());
}

TEST_CASE("coverage file: a bad header or line is an error naming it") {
  CHECK(ParseCoverage("").status().code() == Status::Code::kInvalidArgument);
  CHECK(ParseCoverage("coverage\n1\n").status().message().find("line 1") != std::string::npos);
  Result<std::vector<uint64_t>> bad = ParseCoverage("ci-run coverage 1 blocks\n10\nxyz\n");
  CHECK(bad.status().message().find("line 3") != std::string::npos);
}

TEST_CASE("coverage file: a missing file is NotFound (QEMU was killed)") {
  testing::ScratchDir dir;
  CHECK(ReadCoverageFile(dir / "none").status().code() == Status::Code::kNotFound);
  std::ofstream(dir / "c") << "ci-run coverage 1 blocks\n400000\n";
  CHECK(ReadCoverageFile(dir / "c").value() == std::vector<uint64_t>{0x400000});
}

}  // namespace
}  // namespace cirun
