// Bytes as hexadecimal text: the one spelling of a byte in a message or an
// escape ("0xNN", "\xNN") and of a digest (two digits a byte). Header only,
// like status.h.
#pragma once

#include <string>
#include <string_view>

namespace cirun {

/// `prefix` then the two lower-case hex digits of `c`: HexByte(0x1b, "\\x")
/// is "\x1b" (a C escape), HexByte(0x1b, "0x") is "0x1b" (a message).
inline std::string HexByte(unsigned char c, std::string_view prefix = "") {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(prefix);
  out += kDigits[c >> 4];
  out += kDigits[c & 0xf];
  return out;
}

/// Every byte of `bytes` as two lower-case hex digits (a digest, an HMAC).
inline std::string HexString(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) out += HexByte(static_cast<unsigned char>(c));
  return out;
}

}  // namespace cirun
