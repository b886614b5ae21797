// Redaction: the values of configured secrets (the GitHub token, the webhook
// secret) never reach a stored log, cause, report or status, even if a
// command managed to print one.
#pragma once

#include <string>
#include <vector>

namespace cirun {

/// Replaces every occurrence of each non-empty value of `secrets` (values of
/// fewer than 6 bytes are ignored: they would blank out ordinary words) in
/// `*text` with "[redacted]".
void RedactSecrets(const std::vector<std::string>& secrets, std::string* text);

}  // namespace cirun
