// BuildCacheKey: SHA-256 (OpenSSL EVP) over length-prefixed inputs.
#include "jobs/build_cache_key.h"

#include <openssl/evp.h>

#include <cassert>

namespace cirun {
namespace {

// Bumped whenever the encoding below changes, so old keys stop matching.
constexpr const char kKeyVersion[] = "ci-run build cache key v1\n";

// "<decimal length>:<bytes>\n": no two field lists share an encoding.
void AppendField(const std::string& field, std::string* out) {
  *out += std::to_string(field.size());
  *out += ':';
  *out += field;
  *out += '\n';
}

std::string Hex(const unsigned char* bytes, unsigned int n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (unsigned int i = 0; i < n; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 0xf];
  }
  return out;
}

}  // namespace

std::string BuildCacheKey(const BuildCacheInputs& inputs) {
  std::string message = kKeyVersion;
  for (const std::string* field : {&inputs.source_id, &inputs.toolchain_identity, &inputs.target,
                                   &inputs.command, &inputs.image}) {
    AppendField(*field, &message);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const int ok = EVP_Digest(message.data(), message.size(), digest, &length, EVP_sha256(), nullptr);
  assert(ok == 1 && "EVP_Digest(SHA-256) failed");
  (void)ok;
  return Hex(digest, length);
}

}  // namespace cirun
