#include "harness/executable_search.h"

#include <unistd.h>

#include <boost/process/search_path.hpp>

namespace cirun {

Result<std::string> FindExecutable(const std::string& name) {
  if (name.empty()) return Status::Unavailable("empty executable name");
  if (name.find('/') != std::string::npos) {
    if (access(name.c_str(), X_OK) != 0) {
      return Status::Unavailable(name + " is not an executable file");
    }
    return name;
  }
  try {
    boost::filesystem::path found = boost::process::search_path(name);
    if (found.empty()) return Status::Unavailable(name + " not found in PATH");
    return found.string();
  } catch (const std::exception& e) {
    return Status::Unavailable(name + ": " + e.what());
  }
}

}  // namespace cirun
