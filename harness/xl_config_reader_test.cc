// The reader accepts xl's grammar as xl's own examples write it, and rejects
// what xl's lexer and parser reject.
#include "harness/xl_config_reader.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

std::string Error(std::string_view text) {
  Result<std::vector<XlSetting>> r = ReadXlConfig(text);
  return r.ok() ? "(parsed)" : r.status().message();
}

}  // namespace

TEST_CASE("ReadXlConfig: strings, numbers, lists, comments, separators, +=") {
  const char* text =
      "# a hand-written file\n"
      "name = 'web'   # single quotes\n"
      "memory=0x40; vcpus = 2\n"
      "\n"
      "disk = [ 'format=raw, vdev=xvda, target=/srv/a.img',\n"
      "         \"/srv/b.img,,xvdb\",\n"
      "       ]\n"
      "vif = []\n"
      "cpus = [\"2\", [\"3-8\", \"^5\"]]\n"
      "extra = \"a\\tb\\n\\\\ \\\"q\\\" \\'s\\'\"\n"
      "extra += ' more'\n"
      "on_crash = \"destroy\"";  // the last statement needs no newline
  Result<std::vector<XlSetting>> r = ReadXlConfig(text);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  REQUIRE(r->size() == 9);
  CHECK((*r)[0].key == "name");
  CHECK((*r)[0].value.text == "web");
  CHECK((*r)[0].line == 2);
  CHECK((*r)[1].value.kind == XlValue::Kind::kNumber);
  CHECK((*r)[1].value.text == "0x40");
  CHECK((*r)[2].key == "vcpus");
  CHECK((*r)[2].line == 3);
  const XlValue& disk = (*r)[3].value;
  CHECK(disk.kind == XlValue::Kind::kList);
  REQUIRE(disk.items.size() == 2);
  CHECK(disk.items[0].text == "format=raw, vdev=xvda, target=/srv/a.img");
  CHECK(disk.items[1].text == "/srv/b.img,,xvdb");
  CHECK((*r)[4].value.items.empty());
  REQUIRE((*r)[5].value.items.size() == 2);
  CHECK((*r)[5].value.items[1].items[1].text == "^5");
  CHECK((*r)[6].value.text == "a\tb\n\\ \"q\" 's'");
  CHECK(!(*r)[6].append);
  CHECK((*r)[7].append);
  CHECK((*r)[7].value.text == " more");
  CHECK(FindXlSetting(*r, "extra")->text == " more");
  CHECK(FindXlSetting(*r, "missing") == nullptr);
  CHECK((*r)[8].line == 12);
}

TEST_CASE("ReadXlConfig: lexical errors xl also makes") {
  CHECK(Error("name = \"a\"\r\n") == "line 1: lexical error at 0x0d");
  CHECK(Error("Name = \"a\"\n") == "line 1: lexical error at 'N'");
  CHECK(Error("name = \"a\" + \"b\"\n") == "line 1: lexical error at '+'");
  CHECK(Error("name = \"unterminated\n") == "line 1: newline inside a string (write \\n)");
  CHECK(Error("name = \"abc") == "line 1: unterminated string");
  CHECK(Error("x = 1\n# no newline at the end") ==
        "line 2: comment without a newline at the end of file");
  CHECK(Error("name = \"\\x41\"\n") == "line 1: numeric escape \\x... (xl drops the character)");
  CHECK(Error("name = \"\\101\"\n") == "line 1: numeric escape \\1... (xl drops the character)");
  CHECK(Error("name = \"\\q\"\n") == "line 1: invalid character after backslash: 'q'");
  CHECK(Error("name = \"caf\xc3\xa9\"\n") == "(parsed)");  // xl's lexer is 8-bit clean
}

TEST_CASE("ReadXlConfig: syntax errors") {
  CHECK(Error("name \"a\"\n") == "line 1: expected '=' after \"name\"");
  CHECK(Error("name =\n") == "line 1: expected a string, a number or a list");
  CHECK(Error("a = 1 2\n") == "line 1: expected a newline or ';' after the value of \"a\"");
  CHECK(Error("a = [1 2]\n") == "line 1: expected ',' or ']' in a list");
  CHECK(Error("a = [1,,2]\n") == "line 1: expected a string, a number or a list");
  CHECK(Error("a = [1,\n") == "line 2: expected a string, a number or a list");
  CHECK(Error("\n\n= 3\n") == "line 3: expected a key ([a-z][_0-9a-z]*)");
  CHECK(Error("") == "(parsed)");
  CHECK(Error("\n;\n# only a comment\n") == "(parsed)");
}

}  // namespace cirun
