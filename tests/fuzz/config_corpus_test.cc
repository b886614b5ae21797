// The checked-in corpus of malformed configuration files
// (tests/fuzz/malformed/<parser>/) through each parser, built with the
// project's compiler: every file is refused, and every diagnostic carries
// FILE:LINE:COL (config_parsers.h). The same contract the libFuzzer targets
// check, where clang is missing too.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fuzz/config_parsers.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> CorpusFiles(ConfigKind kind) {
  std::vector<fs::path> files;
  const fs::path dir = fs::path(CIRUN_SOURCE_DIR) / "tests/fuzz/malformed" / ConfigKindName(kind);
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void CheckCorpus(ConfigKind kind) {
  const std::vector<fs::path> files = CorpusFiles(kind);
  CHECK(files.size() >= 20);
  for (const fs::path& file : files) {
    const std::string text = ReadFile(file);
    const Status status = ParseConfigAs(kind, text);
    INFO(file.filename().string(), ": ", status.message().substr(0, 2000));
    CHECK_FALSE(status.ok());
    CHECK(ContractViolation(status, ConfigFileName(kind), text) == "");
  }
}

TEST_CASE("malformed .ci-run.yml files: each refused, every error at FILE:LINE:COL") {
  CheckCorpus(ConfigKind::kRepo);
}

TEST_CASE("malformed host configs: each refused, every error at FILE:LINE:COL") {
  CheckCorpus(ConfigKind::kHost);
}

TEST_CASE("malformed service configs: each refused, every error at FILE:LINE:COL") {
  CheckCorpus(ConfigKind::kService);
}

}  // namespace
}  // namespace cirun
