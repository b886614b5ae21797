#include "runner/web/query_string.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

TEST_CASE("QueryString decodes names and values") {
  QueryString q("repo=mirage%2Fskeleton&branch=main&title=a+b&empty=&flag&state=x&state=failed");
  CHECK(q.Get("repo") == "mirage/skeleton");
  CHECK(q.Get("branch") == "main");
  CHECK(q.Get("title") == "a b");
  CHECK(q.Get("empty", "fallback").empty());
  CHECK(q.Get("flag").empty());
  CHECK(q.Get("state") == "failed");
  CHECK(q.Get("missing", "d") == "d");
}

TEST_CASE("QueryString reads non-negative integers only") {
  QueryString q("id=42&neg=-1&word=4x&big=99999999999999999999");
  CHECK(q.Int("id") == 42);
  CHECK_FALSE(q.Int("neg"));
  CHECK_FALSE(q.Int("word"));
  CHECK_FALSE(q.Int("big"));
  CHECK_FALSE(q.Int("none"));
}

TEST_CASE("PercentDecode keeps malformed escapes") {
  CHECK(PercentDecode("%3Cb%3E") == "<b>");
  CHECK(PercentDecode("100%") == "100%");
  CHECK(PercentDecode("%zz%4") == "%zz%4");
}

}  // namespace
}  // namespace cirun
