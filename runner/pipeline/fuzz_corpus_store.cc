#include "runner/pipeline/fuzz_corpus_store.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "harness/fuzz_corpus.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;

// A file name made of `text`: letters, digits, '-', '.', '_' kept, the rest
// '_'; with a hash of the whole when anything was replaced or cut.
std::string SafeName(const std::string& text) {
  std::string name;
  bool changed = false;
  for (char c : text) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
    name += ok ? c : '_';
    changed = changed || !ok;
  }
  if (name.size() > 60) {
    name.resize(60);
    changed = true;
  }
  if (name.empty() || name[0] == '.') changed = true;
  if (!changed) return name;
  char hash[20];
  snprintf(hash, sizeof hash, "%016zx", std::hash<std::string>{}(text));
  return name + "-" + hash;
}

}  // namespace

FuzzCorpusStore::FuzzCorpusStore(std::string cache_dir, const std::string& repo,
                                 const std::string& unikernel) {
  if (!cache_dir.empty())
    dir_ = cache_dir + "/fuzz-corpus/" + SafeName(repo) + "/" + SafeName(unikernel);
}

std::string FuzzCorpusStore::FileOf(const std::string& cell_key) const {
  return dir_ + "/" + SafeName(cell_key) + ".corpus";
}

std::vector<FuzzInput> FuzzCorpusStore::Load(const std::string& cell_key,
                                             std::vector<std::string>* warnings) const {
  std::vector<FuzzInput> inputs;
  if (dir_.empty()) return inputs;
  std::vector<std::string> files = {FileOf(cell_key)};
  std::error_code ec;
  std::vector<std::string> others;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string path = entry.path().string();
    if (entry.path().extension() == ".corpus" && path != files[0]) others.push_back(path);
  }
  std::sort(others.begin(), others.end());
  files.insert(files.end(), others.begin(), others.end());
  for (const std::string& path : files) {
    std::ifstream file(path, std::ios::binary);
    if (!file) continue;  // this cell has none yet
    std::ostringstream text;
    text << file.rdbuf();
    Result<std::vector<FuzzInput>> read = ParseCorpus(text.str());
    if (!read.ok()) {
      if (warnings) warnings->push_back(path + ": " + read.status().message() + " (skipped)");
      continue;
    }
    for (FuzzInput& input : *read)
      if (std::find(inputs.begin(), inputs.end(), input) == inputs.end())
        inputs.push_back(std::move(input));
  }
  return inputs;
}

Status FuzzCorpusStore::Save(const std::string& cell_key,
                             const std::vector<FuzzInput>& inputs) const {
  if (dir_.empty()) return Status::Ok();
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Status::IoError("cannot create " + dir_ + ": " + ec.message());
  const std::string path = FileOf(cell_key), temporary = path + ".tmp";
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    file << SerializeCorpus(inputs);
    if (!file.flush()) return Status::IoError("cannot write " + temporary);
  }
  fs::rename(temporary, path, ec);
  if (ec) return Status::IoError("cannot rename " + temporary + ": " + ec.message());
  return Status::Ok();
}

}  // namespace cirun
