#include "harness/coverage_file.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include "harness/line_splitter.h"

namespace cirun {

Result<std::vector<uint64_t>> ParseCoverage(std::string_view text) {
  std::vector<uint64_t> ids;
  bool header = false;
  int number = 0;
  for (std::string_view line : ConsoleLines(text)) {
    ++number;
    if (!header) {
      if (line != "ci-run coverage 1 blocks" && line != "ci-run coverage 1 edges")
        return Status::InvalidArgument("not a coverage file: line 1 is '" +
                                       std::string(line.substr(0, 60)) + "'");
      header = true;
      continue;
    }
    if (line.empty()) continue;
    uint64_t id = 0;
    auto [end, error] = std::from_chars(line.data(), line.data() + line.size(), id, 16);
    if (error != std::errc() || end != line.data() + line.size())
      return Status::InvalidArgument("coverage file line " + std::to_string(number) +
                                     ": not a hex id: '" + std::string(line.substr(0, 60)) + "'");
    ids.push_back(id);
  }
  if (!header) return Status::InvalidArgument("empty coverage file");
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

Result<std::vector<uint64_t>> ReadCoverageFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    if (errno == ENOENT) return Status::NotFound("no coverage file " + path);
    return Status::IoError("cannot read " + path + ": " + std::strerror(errno));
  }
  std::ostringstream text;
  text << file.rdbuf();
  return ParseCoverage(text.str());
}

}  // namespace cirun
