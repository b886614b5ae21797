// Bytes as ASCII text and back; bash words for any bytes.
#include "runner/common/byte_text.h"

#include <doctest/doctest.h>

#include <cstdio>

namespace cirun {
namespace {

TEST_CASE("EscapeBytes: printable ASCII as is, backslash doubled, other bytes as \\xNN") {
  CHECK(EscapeBytes("--port=0") == "--port=0");
  CHECK(EscapeBytes("a\\b\"c d") == "a\\\\b\"c d");
  CHECK(EscapeBytes(std::string("\xff\x01\n\x7f", 4)) == "\\xff\\x01\\x0a\\x7f");
}

TEST_CASE("UnescapeBytes inverts EscapeBytes for every byte, rejects malformed escapes") {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  CHECK(UnescapeBytes(EscapeBytes(all)) == all);
  CHECK(UnescapeBytes("\\x4A\\x4a") == "JJ");
  for (const char* bad : {"\\", "\\x", "\\x4", "\\xzz", "\\n"}) {
    CAPTURE(bad);
    CHECK_FALSE(UnescapeBytes(bad).has_value());
  }
}

TEST_CASE("ShellQuoteBytes: plain quoting for printable text, $'...' otherwise") {
  CHECK(ShellQuoteBytes("--port=0") == "--port=0");
  CHECK(ShellQuoteBytes("--name=a b'c") == "'--name=a b'\\''c'");
  CHECK(ShellQuoteBytes(std::string("--name=\xff'\\", 10)) == "$'--name=\\xff\\'\\\\'");
}

TEST_CASE("ShellQuoteBytes: bash gives back the exact bytes") {
  std::string all;
  for (int c = 1; c < 256; ++c) all += static_cast<char>(c);
  const std::string command = "printf %s " + ShellQuoteBytes(all) + " | od -An -v -tx1";
  FILE* pipe = popen(("bash -c " + ShellQuoteBytes(command)).c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  CHECK(pclose(pipe) == 0);
  std::string hex;
  for (char c : out)
    if (c != ' ' && c != '\n') hex += c;
  std::string want;
  for (int c = 1; c < 256; ++c) {
    char h[4];
    snprintf(h, sizeof h, "%02x", c);
    want += h;
  }
  CHECK(hex == want);
}

TEST_CASE("Tail: a long log's end, saying how much was cut") {
  CHECK(Tail("abc", 3) == "abc");
  CHECK(Tail("", 0) == "");
  CHECK(Tail("line 1\nline 2\n", 7) == "[... 7 bytes cut ...]\nline 2\n");
}

}  // namespace
}  // namespace cirun
