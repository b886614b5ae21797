#include "runner/service/webhook_signature.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

// The example from GitHub's documentation ("Validating webhook deliveries").
constexpr const char* kSecret = "It's a Secret to Everybody";
constexpr const char* kBody = "Hello, World!";
constexpr const char* kSignature =
    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

TEST_CASE("GitHubSignature matches GitHub's documented example") {
  CHECK(GitHubSignature(kSecret, kBody) == kSignature);
}

TEST_CASE("HmacSha256Hex matches RFC 4231 test case 2") {
  CHECK(HmacSha256Hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("VerifyGitHubSignature accepts only the exact signature") {
  CHECK(VerifyGitHubSignature(kSecret, kBody, kSignature));
  CHECK(!VerifyGitHubSignature(kSecret, "Hello, World?", kSignature));
  CHECK(!VerifyGitHubSignature("another secret", kBody, kSignature));
  std::string flipped = kSignature;
  flipped.back() = '8';
  CHECK(!VerifyGitHubSignature(kSecret, kBody, flipped));
  CHECK(!VerifyGitHubSignature(kSecret, kBody, std::string(kSignature) + "0"));
  CHECK(!VerifyGitHubSignature(kSecret, kBody, std::string(kSignature).substr(7)));  // no prefix
  CHECK(!VerifyGitHubSignature(kSecret, kBody, ""));
  CHECK(!VerifyGitHubSignature("", kBody, GitHubSignature("", kBody)));
}

}  // namespace
}  // namespace cirun
