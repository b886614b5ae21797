// DashboardAssets: the files of the dashboard's front end (HTML, JavaScript,
// CSS, and the charting library uPlot fetched from npm at build time),
// embedded into the binary by the build (embed_assets.cmake writes
// dashboard_assets.cc), so nothing but ci-run is needed at run time.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace cirun {

struct EmbeddedAsset {
  const char* path;          // URL path, e.g. "/assets/app.js"
  const char* content_type;  // e.g. "text/javascript; charset=utf-8"
  const unsigned char* data;
  size_t size;
};

/// Every embedded file, in a fixed order.
std::vector<EmbeddedAsset> DashboardAssets();

}  // namespace cirun
