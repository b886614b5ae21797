#include "harness/fuzz_corpus.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

using Strings = std::vector<std::string>;

TEST_CASE("corpus: an input is kept when it reaches ids no earlier input reached") {
  FuzzCorpus corpus;
  const FuzzInput a{{"--name=a"}, std::nullopt, "a"}, b{{"--name=b"}, std::nullopt, "b"};
  CHECK(corpus.Add(a, {1, 2, 3}, 0, true) == 3);
  CHECK(corpus.Add(b, {2, 3}, 1, true) == 0);   // nothing new: not kept
  CHECK(corpus.Add(b, {3, 4}, 2, false) == 1);  // new, but not to keep (a finding)
  CHECK(corpus.Add(b, {4, 5}, 3, true) == 1);
  CHECK(corpus.covered() == 5);
  REQUIRE(corpus.entries().size() == 2);
  CHECK(corpus.entries()[0].input == a);
  CHECK(corpus.entries()[1].index == 3);
  CHECK(corpus.entries()[1].new_ids == 1);
}

TEST_CASE("corpus: the text form keeps every byte of arguments and raw lines") {
  const std::vector<FuzzInput> inputs = {
      {{"--name=x y", std::string("\xff\x01\"\\", 4), ""}, std::nullopt, "typed"},
      {{}, std::string("--a=\"b\n"), "havoc"},
      {{}, std::nullopt, "no arguments"},
  };
  const std::string text = SerializeCorpus(inputs);
  CHECK(text.rfind("ci-run corpus 1\nargs ", 0) == 0);
  Result<std::vector<FuzzInput>> back = ParseCorpus(text);
  REQUIRE(back.ok());
  REQUIRE(back->size() == 3);
  for (size_t i = 0; i < 3; ++i) CHECK((*back)[i] == inputs[i]);
  CHECK((*back)[0].origin == "corpus");
}

TEST_CASE("corpus: anything else in the text is an error") {
  CHECK_FALSE(ParseCorpus("").ok());
  CHECK_FALSE(ParseCorpus("args 41\n").ok());  // no header
  CHECK(ParseCorpus("ci-run corpus 1\nargs 4\n").status().message().find("line 2") !=
        std::string::npos);
  CHECK_FALSE(ParseCorpus("ci-run corpus 1\nraw zz\n").ok());
  CHECK_FALSE(ParseCorpus("ci-run corpus 1\nother 41\n").ok());
}

}  // namespace
}  // namespace cirun
