#include "runner/pipeline/secret_redaction.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

TEST_CASE("RedactSecrets replaces every occurrence of each secret, and nothing else") {
  std::string log = "token=ghp_abcdef123 then ghp_abcdef123ghp_abcdef123 and hook-secret-9\n";
  RedactSecrets({"ghp_abcdef123", "hook-secret-9", "", "abc"}, &log);
  CHECK(log == "token=[redacted] then [redacted][redacted] and [redacted]\n");
  std::string plain = "nothing to hide";
  RedactSecrets({"ghp_abcdef123"}, &plain);
  CHECK(plain == "nothing to hide");
}

}  // namespace
}  // namespace cirun
