#include "runner/pipeline/image_lookup.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "runner/host/toolchain_build.h"

namespace cirun {

Result<std::string> ImageHashToFind(const std::string& arg) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(arg, ec)) return Sha256OfFile(arg);
  const bool hex =
      std::all_of(arg.begin(), arg.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
  if (!hex || arg.size() < 8 || arg.size() > 64) {
    return Status::InvalidArgument(
        "\"" + arg + "\" is neither an image file nor a SHA-256 (8 to 64 hex digits)");
  }
  std::string lower = arg;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

Result<std::vector<ManifestRecord>> FindImageBuilds(Store& store, const std::string& hash,
                                                    int limit) {
  ManifestQuery q;
  q.image_sha256_prefix = hash;
  q.limit = limit;
  return store.FindManifests(q);
}

}  // namespace cirun
