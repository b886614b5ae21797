// The key under which a built image is cached.
#pragma once

#include <string>

namespace cirun {

/// Everything that decides what a build produces.
struct BuildCacheInputs {
  std::string source_id;  // git tree id of the unikernel's path (or a content hash of a dirty tree)
  std::string toolchain_identity;  // the toolchain's version output
  std::string target;              // target name
  std::string command;             // expanded build command
  std::string image;               // expanded image path
};

/// Returns a lowercase hex SHA-256 over the inputs (each length-prefixed, so
/// no two different inputs collide by concatenation). Never fails.
std::string BuildCacheKey(const BuildCacheInputs& inputs);

}  // namespace cirun
