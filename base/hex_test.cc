#include "base/hex.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

TEST_CASE("HexByte: two lower-case digits after the prefix") {
  CHECK(HexByte(0x00) == "00");
  CHECK(HexByte(0x1b, "\\x") == "\\x1b");
  CHECK(HexByte(0xff, "0x") == "0xff");
  CHECK(HexByte(0xa0) == "a0");
}

TEST_CASE("HexString: two digits a byte, every byte") {
  CHECK(HexString("") == "");
  CHECK(HexString(std::string("\x00\x7f\x80\xff", 4)) == "007f80ff");
  CHECK(HexString("Jefe") == "4a656665");
}

}  // namespace
}  // namespace cirun
