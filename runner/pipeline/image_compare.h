// ImageCompare: how two builds of one image differ, for the reproducibility
// check (reproducible_step.h): their sizes and the first ELF section whose
// bytes differ.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"

namespace cirun {

struct ImageDifference {
  bool identical = false;
  int64_t size_a = 0;
  int64_t size_b = 0;
  /// The first section, in `a`'s section header order, whose contents (or,
  /// for a section without file bytes such as .bss, size) differ from the
  /// section of that name in `b`, or is missing from `b`: ".rodata". "" when
  /// identical or when neither is an ELF file.
  std::string first_section;
  /// Set when the files differ and no section does: "the ELF headers" (every
  /// section equal), "the section list", or "not ELF" when `a` or `b` is not
  /// an ELF file.
  std::string where;
};

/// Compares the files `a` and `b` (32- or 64-bit little-endian ELF, or any
/// file). IoError if one cannot be read.
Result<ImageDifference> CompareImages(const std::string& a, const std::string& b);

/// One line: "identical (4096 bytes)", "12345 vs 12349 bytes, first differing
/// ELF section .rodata", "4096 vs 4096 bytes, differing in the ELF headers",
/// "10 vs 12 bytes (not ELF: no section to name)".
std::string DescribeDifference(const ImageDifference& d);

}  // namespace cirun
