#include "runner/pipeline/image_compare.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <vector>

namespace cirun {
namespace {

struct Section {
  std::string name;
  bool nobits = false;  // SHT_NOBITS: no bytes in the file (.bss)
  uint64_t offset = 0;
  uint64_t size = 0;
};

constexpr uint32_t kShtNobits = 8;

template <typename T>
bool Read(const std::string& bytes, uint64_t at, T* out) {
  if (at > bytes.size() || bytes.size() - at < sizeof(T)) return false;
  std::memcpy(out, bytes.data() + at, sizeof(T));
  return true;
}

// The sections of an ELF file (little-endian hosts and files only), or
// nullopt when `bytes` is not one or its section table is out of bounds.
std::optional<std::vector<Section>> ElfSections(const std::string& bytes) {
  if (bytes.size() < 52 || bytes.compare(0, 4,
                                         "\x7f"
                                         "ELF") != 0)
    return std::nullopt;
  const bool is64 = bytes[4] == 2;
  if (bytes[5] != 1) return std::nullopt;  // big-endian: not ours
  uint64_t shoff = 0;
  uint16_t shentsize = 0, shnum = 0, shstrndx = 0;
  if (is64) {
    if (!Read(bytes, 0x28, &shoff)) return std::nullopt;
    Read(bytes, 0x3a, &shentsize);
    Read(bytes, 0x3c, &shnum);
    Read(bytes, 0x3e, &shstrndx);
  } else {
    uint32_t off32 = 0;
    Read(bytes, 0x20, &off32);
    shoff = off32;
    Read(bytes, 0x2e, &shentsize);
    Read(bytes, 0x30, &shnum);
    Read(bytes, 0x32, &shstrndx);
  }
  if (shnum == 0 || shstrndx >= shnum || shentsize == 0) return std::nullopt;
  std::vector<Section> sections;
  std::vector<uint32_t> names;
  for (uint16_t i = 0; i < shnum; ++i) {
    const uint64_t at = shoff + static_cast<uint64_t>(i) * shentsize;
    Section s;
    uint32_t name = 0, type = 0;
    if (!Read(bytes, at, &name) || !Read(bytes, at + 4, &type)) return std::nullopt;
    if (is64) {
      Read(bytes, at + 0x18, &s.offset);
      Read(bytes, at + 0x20, &s.size);
    } else {
      uint32_t off = 0, size = 0;
      Read(bytes, at + 0x10, &off);
      Read(bytes, at + 0x14, &size);
      s.offset = off;
      s.size = size;
    }
    s.nobits = type == kShtNobits;
    if (!s.nobits && (s.offset > bytes.size() || bytes.size() - s.offset < s.size))
      return std::nullopt;
    names.push_back(name);
    sections.push_back(s);
  }
  const Section& strtab = sections[shstrndx];
  for (size_t i = 0; i < sections.size(); ++i) {
    if (names[i] >= strtab.size) continue;
    const char* start = bytes.data() + strtab.offset + names[i];
    sections[i].name.assign(start, strnlen(start, strtab.size - names[i]));
  }
  return sections;
}

std::string Contents(const std::string& bytes, const Section& s) {
  return s.nobits ? "" : bytes.substr(s.offset, s.size);
}

Result<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

Result<ImageDifference> CompareImages(const std::string& a, const std::string& b) {
  auto bytes_a = ReadAll(a);
  if (!bytes_a.ok()) return bytes_a.status();
  auto bytes_b = ReadAll(b);
  if (!bytes_b.ok()) return bytes_b.status();
  ImageDifference d;
  d.size_a = static_cast<int64_t>(bytes_a->size());
  d.size_b = static_cast<int64_t>(bytes_b->size());
  d.identical = *bytes_a == *bytes_b;
  if (d.identical) return d;
  auto sections_a = ElfSections(*bytes_a);
  auto sections_b = ElfSections(*bytes_b);
  if (!sections_a || !sections_b) {
    d.where = "not ELF";
    return d;
  }
  std::map<std::string, const Section*> by_name;
  for (const Section& s : *sections_b) by_name.emplace(s.name, &s);
  for (const Section& s : *sections_a) {
    if (s.name.empty()) continue;
    auto it = by_name.find(s.name);
    if (it == by_name.end() || s.size != it->second->size ||
        Contents(*bytes_a, s) != Contents(*bytes_b, *it->second)) {
      d.first_section = s.name;
      return d;
    }
  }
  d.where = sections_a->size() == sections_b->size() ? "the ELF headers" : "the section list";
  return d;
}

std::string DescribeDifference(const ImageDifference& d) {
  if (d.identical) return "identical (" + std::to_string(d.size_a) + " bytes)";
  std::string out = std::to_string(d.size_a) + " vs " + std::to_string(d.size_b) + " bytes";
  if (!d.first_section.empty()) return out + ", first differing ELF section " + d.first_section;
  if (d.where == "not ELF") return out + " (not ELF: no section to name)";
  return out + ", differing in " + d.where;
}

}  // namespace cirun
