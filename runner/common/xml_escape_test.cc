#include "runner/common/xml_escape.h"

#include <doctest/doctest.h>

namespace cirun {

TEST_CASE("XmlEscape escapes markup and keeps line breaks as references") {
  CHECK(XmlEscape("<script>alert('x' & \"y\")</script>") ==
        "&lt;script&gt;alert(&apos;x&apos; &amp; &quot;y&quot;)&lt;/script&gt;");
  CHECK(XmlEscape("a\nb\tc\rd") == "a&#10;b&#9;c&#13;d");
}

TEST_CASE("XmlEscape replaces control bytes XML forbids and keeps UTF-8") {
  CHECK(XmlEscape(std::string("a\x1b[31mb\x00", 8)) == "a?[31mb?");
  CHECK(XmlEscape("caf\xc3\xa9") == "caf\xc3\xa9");
  CHECK(XmlEscape("") == "");
}

}  // namespace cirun
