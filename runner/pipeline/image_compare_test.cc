#include "runner/pipeline/image_compare.h"

#include <doctest/doctest.h>

#include <cstring>
#include <vector>

#include "tests/scratch_dir.h"

namespace cirun {
namespace {

// A minimal 32-bit little-endian ELF file: the null section, .text, .data,
// .bss (no bytes) and .shstrtab.
std::string Elf32(const std::string& text, const std::string& data, uint32_t bss_size) {
  const std::string strtab = std::string("\0.text\0.data\0.bss\0.shstrtab\0", 28);
  std::string body = text + data + strtab;
  const uint32_t text_off = 52, data_off = text_off + text.size(), str_off = data_off + data.size(),
                 shoff = str_off + strtab.size();
  std::string out(52, '\0');
  std::memcpy(out.data(),
              "\x7f"
              "ELF\x01\x01\x01",
              7);
  auto put16 = [](std::string& s, size_t at, uint16_t v) { std::memcpy(s.data() + at, &v, 2); };
  auto put32 = [](std::string& s, size_t at, uint32_t v) { std::memcpy(s.data() + at, &v, 4); };
  put32(out, 0x20, shoff);
  put16(out, 0x2e, 40);
  put16(out, 0x30, 5);
  put16(out, 0x32, 4);
  out += body;
  struct Sh {
    uint32_t name, type, offset, size;
  };
  const std::vector<Sh> headers = {{0, 0, 0, 0},
                                   {1, 1, text_off, static_cast<uint32_t>(text.size())},
                                   {7, 1, data_off, static_cast<uint32_t>(data.size())},
                                   {13, 8, str_off, bss_size},
                                   {18, 3, str_off, static_cast<uint32_t>(strtab.size())}};
  for (const Sh& h : headers) {
    std::string sh(40, '\0');
    put32(sh, 0, h.name);
    put32(sh, 4, h.type);
    put32(sh, 0x10, h.offset);
    put32(sh, 0x14, h.size);
    out += sh;
  }
  return out;
}

TEST_CASE("CompareImages: identical builds are identical, with their size") {
  testing::ScratchDir dir;
  dir.Write("a", Elf32("code", "data", 16));
  dir.Write("b", Elf32("code", "data", 16));
  auto d = CompareImages(dir / "a", dir / "b");
  REQUIRE(d.ok());
  CHECK(d->identical);
  CHECK(DescribeDifference(*d) == "identical (" + std::to_string(d->size_a) + " bytes)");
}

TEST_CASE("CompareImages names the first ELF section whose bytes differ") {
  testing::ScratchDir dir;
  dir.Write("a", Elf32("code", "built in /tmp/a", 16));
  dir.Write("b", Elf32("code", "built in /tmp/bbb", 16));
  auto d = CompareImages(dir / "a", dir / "b");
  REQUIRE(d.ok());
  CHECK(!d->identical);
  CHECK(d->first_section == ".data");
  CHECK(d->size_b == d->size_a + 2);
  CHECK(DescribeDifference(*d) == std::to_string(d->size_a) + " vs " + std::to_string(d->size_b) +
                                      " bytes, first differing ELF section .data");
}

TEST_CASE("CompareImages compares a section without file bytes by its size") {
  testing::ScratchDir dir;
  dir.Write("a", Elf32("code", "data", 16));
  dir.Write("b", Elf32("code", "data", 32));
  auto d = CompareImages(dir / "a", dir / "b");
  REQUIRE(d.ok());
  CHECK(d->first_section == ".bss");
}

TEST_CASE("CompareImages of files that are not ELF gives the sizes and no section") {
  testing::ScratchDir dir;
  dir.Write("a", "hello");
  dir.Write("b", "hello, world");
  auto d = CompareImages(dir / "a", dir / "b");
  REQUIRE(d.ok());
  CHECK(d->first_section.empty());
  CHECK(DescribeDifference(*d) == "5 vs 12 bytes (not ELF: no section to name)");
  CHECK(CompareImages(dir / "a", dir / "missing").status().code() == Status::Code::kIoError);
}

}  // namespace
}  // namespace cirun
