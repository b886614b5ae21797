#include "runner/pipeline/build_cache.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>

namespace cirun {

namespace fs = std::filesystem;

std::string BuildCache::EntryDir(const std::string& key) const {
  return (fs::path(dir_) / key.substr(0, 2) / key).string();
}

Result<bool> BuildCache::Restore(const std::string& key, const std::string& dest) const {
  std::error_code ec;
  const fs::path image = fs::path(EntryDir(key)) / "image";
  if (!fs::is_regular_file(image, ec)) return false;
  fs::create_directories(fs::path(dest).parent_path(), ec);
  fs::copy_file(image, dest, fs::copy_options::overwrite_existing, ec);
  if (ec) return Status::IoError("cannot restore cached image to " + dest + ": " + ec.message());
  return true;
}

Status BuildCache::Save(const std::string& key, const std::string& image) const {
  static std::atomic<int> counter{0};
  std::error_code ec;
  const fs::path entry = EntryDir(key);
  fs::create_directories(entry, ec);
  if (ec) return Status::IoError("cannot create " + entry.string() + ": " + ec.message());
  const fs::path tmp =
      entry / ("image.tmp." + std::to_string(getpid()) + "." + std::to_string(counter++));
  fs::copy_file(image, tmp, fs::copy_options::overwrite_existing, ec);
  if (!ec) fs::rename(tmp, entry / "image", ec);
  if (ec) {
    const std::string why = ec.message();  // (remove resets ec)
    fs::remove(tmp, ec);
    const uintmax_t bytes = fs::file_size(image, ec);
    const fs::space_info space = fs::space(entry, ec);
    return CacheSaveError(image, why, ec ? 0 : bytes, ec ? UINT64_MAX : space.available);
  }
  return Status::Ok();
}

Status CacheSaveError(const std::string& image, const std::string& reason, uint64_t image_bytes,
                      uint64_t available) {
  if (available < image_bytes) {
    return Status::IoError("cannot cache " + image + ": the cache's disk is full (" +
                           std::to_string(available >> 10) + " KiB left, the image is " +
                           std::to_string(image_bytes >> 10) + " KiB): " + reason);
  }
  return Status::IoError("cannot cache " + image + ": " + reason);
}

}  // namespace cirun
