// GitHub webhook signatures: X-Hub-Signature-256 is "sha256=" followed by the
// hex HMAC-SHA256 of the raw request body, keyed with the webhook secret.
#pragma once

#include <string>
#include <string_view>

namespace cirun {

/// The lowercase hex HMAC-SHA256 of `data` keyed with `key` (OpenSSL).
std::string HmacSha256Hex(std::string_view key, std::string_view data);

/// "sha256=<hex>": the header value GitHub sends for `body`.
std::string GitHubSignature(std::string_view secret, std::string_view body);

/// True if `header` is exactly GitHubSignature(secret, body). The comparison
/// takes the same time wherever the first difference is (CRYPTO_memcmp), so
/// the signature cannot be guessed byte by byte. An empty header or secret
/// never verifies.
bool VerifyGitHubSignature(std::string_view secret, std::string_view body, std::string_view header);

}  // namespace cirun
