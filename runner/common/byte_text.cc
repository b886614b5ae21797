#include "runner/common/byte_text.h"

#include <cstdio>

#include "base/hex.h"
#include "runner/common/shell_quote.h"

namespace cirun {
namespace {

bool Printable(unsigned char c) {
  return c >= 0x20 && c < 0x7f;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string EscapeBytes(std::string_view bytes) {
  std::string out;
  for (char ch : bytes) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c == '\\') {
      out += "\\\\";
    } else if (Printable(c)) {
      out += ch;
    } else {
      out += HexByte(c, "\\x");
    }
  }
  return out;
}

std::optional<std::string> UnescapeBytes(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '\\') {
      out += '\\';
      ++i;
      continue;
    }
    if (i + 3 >= text.size() || text[i + 1] != 'x') return std::nullopt;
    const int hi = HexValue(text[i + 2]), lo = HexValue(text[i + 3]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 3;
  }
  return out;
}

std::string Tail(std::string_view text, size_t cap) {
  if (text.size() <= cap) return std::string(text);
  return "[... " + std::to_string(text.size() - cap) + " bytes cut ...]\n" +
         std::string(text.substr(text.size() - cap));
}

std::string ShellQuoteBytes(std::string_view bytes) {
  bool printable = true;
  for (char c : bytes) printable = printable && Printable(static_cast<unsigned char>(c));
  if (printable) return ShellQuote(bytes);
  std::string out = "$'";
  for (char ch : bytes) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c == '\\' || c == '\'') {
      out += '\\';
      out += ch;
    } else if (Printable(c)) {
      out += ch;
    } else {
      out += HexByte(c, "\\x");
    }
  }
  return out + "'";
}

}  // namespace cirun
