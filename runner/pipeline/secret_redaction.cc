#include "runner/pipeline/secret_redaction.h"

namespace cirun {

void RedactSecrets(const std::vector<std::string>& secrets, std::string* text) {
  static const std::string kMark = "[redacted]";
  for (const std::string& secret : secrets) {
    if (secret.size() < 6) continue;
    for (size_t at = text->find(secret); at != std::string::npos;
         at = text->find(secret, at + kMark.size())) {
      text->replace(at, secret.size(), kMark);
    }
  }
}

}  // namespace cirun
