// ImageLookup: from an image (a file, or its SHA-256 or a prefix of it) to
// the jobs that built it (`ci-run which`).
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "runner/store/store.h"

namespace cirun {

/// The SHA-256 (lowercase hex) to look up for `image_or_hash`: the hash of
/// the file when it names one, else the argument itself when it is 8 to 64
/// hexadecimal digits (lowercased: a prefix). InvalidArgument otherwise.
Result<std::string> ImageHashToFind(const std::string& image_or_hash);

/// The manifests of the jobs whose image's SHA-256 starts with `hash`, newest
/// first (at most `limit`). An empty list when none; the store's error else.
Result<std::vector<ManifestRecord>> FindImageBuilds(Store& store, const std::string& hash,
                                                    int limit = 20);

}  // namespace cirun
