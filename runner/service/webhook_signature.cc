#include "runner/service/webhook_signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base/hex.h"

namespace cirun {

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
  return HexString({reinterpret_cast<const char*>(digest), length});
}

std::string GitHubSignature(std::string_view secret, std::string_view body) {
  return "sha256=" + HmacSha256Hex(secret, body);
}

bool VerifyGitHubSignature(std::string_view secret, std::string_view body,
                           std::string_view header) {
  if (secret.empty() || header.empty()) return false;
  const std::string expected = GitHubSignature(secret, body);
  // The length is public (always 71 bytes); only the content is compared in constant time.
  if (header.size() != expected.size()) return false;
  return CRYPTO_memcmp(header.data(), expected.data(), expected.size()) == 0;
}

}  // namespace cirun
