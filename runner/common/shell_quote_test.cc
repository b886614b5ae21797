#include "runner/common/shell_quote.h"

#include <doctest/doctest.h>

namespace cirun {

TEST_CASE("ShellQuote leaves safe words alone and single-quotes the rest") {
  CHECK(ShellQuote("--only=compiler=gcc,target=virtio") == "--only=compiler=gcc,target=virtio");
  CHECK(ShellQuote("two words") == "'two words'");
  CHECK(ShellQuote("it's") == "'it'\\''s'");
  CHECK(ShellQuote("") == "''");
  CHECK(ShellQuote("$HOME") == "'$HOME'");
}

TEST_CASE("ShellJoin quotes each word") {
  CHECK(ShellJoin({"ci-run", "boot", "a b", "--", "--name=x y"}) ==
        "ci-run boot 'a b' -- '--name=x y'");
}

}  // namespace cirun
