#include "runner/pipeline/fuzz_corpus_store.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "tests/scratch_dir.h"

namespace cirun {
namespace {

TEST_CASE(
    "corpus store: saved per cell, loaded for the unikernel, this cell first, no duplicates") {
  testing::ScratchDir dir;
  FuzzCorpusStore store(dir.path(), "https://example.org/r.git", "deepvars");
  const FuzzInput a{{"--name=1"}, std::nullopt, "x"}, b{{}, std::string("raw \"line"), "y"},
      c{{"--peer=h=1", "--port=1"}, std::nullopt, "z"};
  REQUIRE(store.Save("compiler=gcc,target=virtio", {a, b}).ok());
  REQUIRE(store.Save("compiler=gcc,target=xen", {c, a}).ok());
  std::vector<std::string> warnings;
  std::vector<FuzzInput> xen = store.Load("compiler=gcc,target=xen", &warnings);
  REQUIRE(xen.size() == 3);
  CHECK(xen[0] == c);
  CHECK(xen[1] == a);
  CHECK(xen[2] == b);
  CHECK(warnings.empty());
  CHECK(store.dir().find("/fuzz-corpus/") != std::string::npos);
  // Another unikernel, another repository: nothing.
  CHECK(
      FuzzCorpusStore(dir.path(), "https://example.org/r.git", "hello").Load("k", nullptr).empty());
  CHECK(FuzzCorpusStore(dir.path(), "/other", "deepvars").Load("k", nullptr).empty());
}

TEST_CASE("corpus store: a corrupt file is skipped and named, no cache dir stores nothing") {
  testing::ScratchDir dir;
  FuzzCorpusStore store(dir.path(), "/r", "u");
  REQUIRE(store.Save("a", {{{"--x=1"}, std::nullopt, ""}}).ok());
  std::ofstream(store.dir() + "/b.corpus") << "garbage\n";
  std::vector<std::string> warnings;
  CHECK(store.Load("a", &warnings).size() == 1);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("b.corpus") != std::string::npos);
  FuzzCorpusStore none("", "/r", "u");
  CHECK(none.Save("a", {{{"--x=1"}, std::nullopt, ""}}).ok());
  CHECK(none.Load("a", nullptr).empty());
}

}  // namespace
}  // namespace cirun
