#include "jobs/matrix.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

using Keys = std::vector<std::string>;

Keys ExpandKeys(const Matrix& m) {
  Result<std::vector<MatrixCell>> cells = ExpandMatrix(m);
  REQUIRE_MESSAGE(cells.ok(), cells.status().ToString());
  Keys keys;
  for (const MatrixCell& c : *cells) keys.push_back(c.Key());
  return keys;
}

Matrix CompilerTarget() {
  Matrix m;
  m.axes = {{"compiler", {"gcc", "clang"}}, {"target", {"unix", "xen"}}};
  return m;
}

TEST_CASE("ExpandMatrix: product in axis order, last axis fastest (GitHub's version/os)") {
  Matrix m;
  m.axes = {{"version", {"10", "12"}}, {"os", {"ubuntu", "windows"}}};
  CHECK(ExpandKeys(m) == Keys{"version=10,os=ubuntu", "version=10,os=windows",
                              "version=12,os=ubuntu", "version=12,os=windows"});
}

TEST_CASE("ExpandMatrix: GitHub's documented fruit/animal include example") {
  Matrix m;
  m.axes = {{"fruit", {"apple", "pear"}}, {"animal", {"cat", "dog"}}};
  m.include = {{{"color", "green"}},
               {{"color", "pink"}, {"animal", "cat"}},
               {{"fruit", "apple"}, {"shape", "circle"}},
               {{"fruit", "banana"}},
               {{"fruit", "banana"}, {"animal", "cat"}}};
  CHECK(ExpandKeys(m) ==
        Keys{"fruit=apple,animal=cat,color=pink,shape=circle",
             "fruit=apple,animal=dog,color=green,shape=circle", "fruit=pear,animal=cat,color=pink",
             "fruit=pear,animal=dog,color=green", "fruit=banana", "fruit=banana,animal=cat"});
}

TEST_CASE("ExpandMatrix: exclude removes every cell matching all of its keys") {
  Matrix m = CompilerTarget();
  m.exclude = {{{"target", "xen"}}};
  CHECK(ExpandKeys(m) == Keys{"compiler=gcc,target=unix", "compiler=clang,target=unix"});
}

TEST_CASE("ExpandMatrix: exclude runs before include, so include can add back a cell") {
  Matrix m = CompilerTarget();
  m.exclude = {{{"compiler", "clang"}, {"target", "xen"}}};
  m.include = {{{"compiler", "clang"}, {"target", "xen"}}};
  CHECK(ExpandKeys(m) == Keys{"compiler=gcc,target=unix", "compiler=gcc,target=xen",
                              "compiler=clang,target=unix", "compiler=clang,target=xen"});
}

TEST_CASE("ExpandMatrix: an include matching no cell becomes a new cell") {
  Matrix m = CompilerTarget();
  m.include = {{{"compiler", "icc"}, {"target", "unix"}}};
  CHECK(ExpandKeys(m).back() == "compiler=icc,target=unix");
  CHECK(ExpandKeys(m).size() == 5);
}

TEST_CASE("ExpandMatrix: include overwrites an include-added value, never an axis value") {
  Matrix m = CompilerTarget();
  m.include = {
      {{"opt", "O2"}}, {{"compiler", "gcc"}, {"opt", "O3"}}, {{"target", "rpi"}, {"opt", "Os"}}};
  CHECK(ExpandKeys(m) == Keys{"compiler=gcc,target=unix,opt=O3", "compiler=gcc,target=xen,opt=O3",
                              "compiler=clang,target=unix,opt=O2",
                              "compiler=clang,target=xen,opt=O2", "target=rpi,opt=Os"});
}

TEST_CASE("ExpandMatrix: a matrix of only include entries has one cell per entry") {
  Matrix m;
  m.include = {{{"target", "unix"}}, {{"target", "xen"}, {"extra", "1"}}, {{"target", "unix"}}};
  CHECK(ExpandKeys(m) == Keys{"target=unix", "target=xen,extra=1"});
}

TEST_CASE("ExpandMatrix: an empty matrix yields one empty cell") {
  Result<std::vector<MatrixCell>> cells = ExpandMatrix(Matrix{});
  REQUIRE(cells.ok());
  REQUIRE(cells->size() == 1);
  CHECK(cells->front().values.empty());
}

TEST_CASE("ExpandMatrix: more than 256 cells is an error") {
  Matrix m;
  m.axes = {{"a", std::vector<std::string>(17, "x")}, {"b", std::vector<std::string>(16, "y")}};
  Result<std::vector<MatrixCell>> cells = ExpandMatrix(m);
  REQUIRE_FALSE(cells.ok());
  CHECK(cells.status().message() == "matrix expands to 272 cells, more than the limit of 256");
}

TEST_CASE("ExpandMatrix: exactly 256 cells is allowed") {
  Matrix m;
  m.axes = {{"a", std::vector<std::string>(16, "x")}, {"b", std::vector<std::string>(16, "y")}};
  CHECK(ExpandMatrix(m).ok());
}

TEST_CASE("ExpandMatrix: a huge product is rejected before exclude runs") {
  Matrix m;
  for (int i = 0; i < 5; ++i)
    m.axes.push_back({"a" + std::to_string(i), std::vector<std::string>(10, "v")});
  Result<std::vector<MatrixCell>> cells = ExpandMatrix(m);
  REQUIRE_FALSE(cells.ok());
  CHECK(cells.status().message() ==
        "matrix expands to more than 65536 combinations (the limit is 256 cells)");
}

TEST_CASE("ExpandMatrix: excluding every cell is an error") {
  Matrix m = CompilerTarget();
  m.exclude = {{{"compiler", "gcc"}}, {{"compiler", "clang"}}};
  Result<std::vector<MatrixCell>> cells = ExpandMatrix(m);
  REQUIRE_FALSE(cells.ok());
  CHECK(cells.status().message() == "matrix expands to no cells (every combination is excluded)");
}

TEST_CASE("MatrixCell: Label, Key and Get") {
  MatrixCell cell{{{"compiler", "gcc"}, {"target", "virtio"}}};
  CHECK(cell.Label() == "gcc/virtio");
  CHECK(cell.Key() == "compiler=gcc,target=virtio");
  CHECK(cell.Get("target") == "virtio");
  CHECK(cell.Get("extra") == "");
}

TEST_CASE("ParseCellFilter reads key=value pairs") {
  Result<CellFilter> f = ParseCellFilter("compiler=gcc,target=virtio");
  REQUIRE(f.ok());
  CHECK(f->required == MatrixValues{{"compiler", "gcc"}, {"target", "virtio"}});
  CHECK(f->ToString() == "compiler=gcc,target=virtio");
}

TEST_CASE("ParseCellFilter rejects an empty string, a missing '=' and an empty key") {
  CHECK(ParseCellFilter("").status().message() == "empty cell filter (expected key=value,...)");
  CHECK(ParseCellFilter("compiler=gcc,virtio").status().message() ==
        "cell filter \"compiler=gcc,virtio\": \"virtio\" is not key=value");
  CHECK(ParseCellFilter("=gcc").status().message() ==
        "cell filter \"=gcc\": empty key in \"=gcc\"");
}

TEST_CASE("CellSelected: filters are OR-ed, pairs within one are AND-ed, none selects all") {
  MatrixCell cell{{{"compiler", "gcc"}, {"target", "xen"}}};
  const CellFilter gcc_unix{{{"compiler", "gcc"}, {"target", "unix"}}};
  const CellFilter xen{{{"target", "xen"}}};
  CHECK(CellSelected({}, cell));
  CHECK_FALSE(CellSelected({gcc_unix}, cell));
  CHECK(CellSelected({gcc_unix, xen}, cell));
}

}  // namespace
}  // namespace cirun
