// Golden .xl files, rejections, and every generated file read back with
// ReadXlConfig (the grammar xl itself parses).
#include "harness/xl_config.h"

#include <doctest/doctest.h>

#include <random>

#include "harness/boot_command_line.h"
#include "harness/xl_config_reader.h"

namespace cirun {
namespace {

XlConfig Base() {
  XlConfig c;
  c.name = "ci-run-4242-7-1-0";
  c.kernel = "/work/p1/j7/unikernels/_build/gcc-xen/hello.xen";
  return c;
}

std::string Render(const XlConfig& c) {
  Result<std::string> text = RenderXlConfig(c);
  REQUIRE_MESSAGE(text.ok(), text.status().ToString());
  return *text;
}

// Reads `text` back and checks every key against `c`: the file says what the
// struct says, nothing more.
void CheckReadsBack(const std::string& text, const XlConfig& c) {
  Result<std::vector<XlSetting>> read = ReadXlConfig(text);
  REQUIRE_MESSAGE(read.ok(), read.status().ToString() << "\n" << text);
  auto string_of = [&](const char* key) -> std::string {
    const XlValue* v = FindXlSetting(*read, key);
    REQUIRE_MESSAGE(v != nullptr, key);
    REQUIRE(v->kind == XlValue::Kind::kString);
    return v->text;
  };
  CHECK(string_of("name") == c.name);
  CHECK(string_of("type") == "pvh");
  CHECK(string_of("kernel") == c.kernel);
  const XlValue* memory = FindXlSetting(*read, "memory");
  REQUIRE(memory != nullptr);
  CHECK(memory->kind == XlValue::Kind::kNumber);
  CHECK(memory->text == std::to_string(c.memory_mb));
  if (c.cmdline.empty()) {
    CHECK(FindXlSetting(*read, "cmdline") == nullptr);
  } else {
    CHECK(string_of("cmdline") == c.cmdline);
  }
  CHECK(string_of("on_poweroff") == c.on_poweroff);
  CHECK(string_of("on_reboot") == c.on_reboot);
  CHECK(string_of("on_crash") == c.on_crash);
  const XlValue* disk = FindXlSetting(*read, "disk");
  CHECK((disk ? disk->items.size() : 0) == c.disks.size());
  for (size_t i = 0; disk && i < c.disks.size(); ++i)
    CHECK(disk->items[i].text == *XlDiskSpec(c.disks[i], i));
  const XlValue* vif = FindXlSetting(*read, "vif");
  CHECK((vif ? vif->items.size() : 0) == c.vifs.size());
  for (size_t i = 0; vif && i < c.vifs.size(); ++i)
    CHECK(vif->items[i].text == "bridge=" + c.vifs[i].bridge);
  size_t expected_keys = 7 + !c.cmdline.empty() + !c.disks.empty() + !c.vifs.empty();
  CHECK(read->size() == expected_keys);
}

}  // namespace

TEST_CASE("xl golden: arguments with spaces, quotes, commas and backslashes") {
  XlConfig c = Base();
  const std::vector<std::string> args = {"--greeting=hi there", "--name=say \"hi\"", "--list=a,b,c",
                                         "back\\slash"};
  c.cmdline = JoinBootArgs(args);
  // MirageOS quoting first ("..." around an argument with a space, quote or
  // backslash, \" and \\ inside), then xl's string syntax (\" and \\ again).
  CHECK(c.cmdline == R"("--greeting=hi there" "--name=say \"hi\"" --list=a,b,c "back\\slash")");
  const std::string expected = R"(# xl domain configuration written by ci-run (xl.cfg(5))
name = "ci-run-4242-7-1-0"
type = "pvh"
kernel = "/work/p1/j7/unikernels/_build/gcc-xen/hello.xen"
memory = 64
cmdline = "\"--greeting=hi there\" \"--name=say \\\"hi\\\"\" --list=a,b,c \"back\\\\slash\""
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
)";
  std::string text = Render(c);
  CHECK(text == expected);
  CheckReadsBack(text, c);
  // What the guest finally splits is the argument list itself.
  Result<std::vector<XlSetting>> read = ReadXlConfig(text);
  REQUIRE(read.ok());
  CHECK(*SplitBootCommandLine(FindXlSetting(*read, "cmdline")->text) == args);
}

TEST_CASE("xl golden: no arguments, no cmdline key, memory and on_crash as configured") {
  XlConfig c = Base();
  c.memory_mb = 256;
  c.on_crash = "coredump-destroy";
  const std::string expected = R"(# xl domain configuration written by ci-run (xl.cfg(5))
name = "ci-run-4242-7-1-0"
type = "pvh"
kernel = "/work/p1/j7/unikernels/_build/gcc-xen/hello.xen"
memory = 256
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "coredump-destroy"
)";
  std::string text = Render(c);
  CHECK(text == expected);
  CheckReadsBack(text, c);
}

TEST_CASE("xl golden: disks, with default and explicit vdevs, formats, access and commas") {
  XlConfig c = Base();
  c.cmdline = "--blk=xvda";
  c.disks = {{"/srv/data.img", "", "raw", false},
             {"/srv/ro,with,commas \"q\".qcow2", "xvdc", "qcow2", true},
             {"/dev/vg/scratch", "", "raw", false}};
  const std::string expected = R"(# xl domain configuration written by ci-run (xl.cfg(5))
name = "ci-run-4242-7-1-0"
type = "pvh"
kernel = "/work/p1/j7/unikernels/_build/gcc-xen/hello.xen"
memory = 64
cmdline = "--blk=xvda"
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
disk = [ "format=raw, vdev=xvda, access=rw, target=/srv/data.img", "format=qcow2, vdev=xvdc, access=ro, target=/srv/ro,with,commas \"q\".qcow2", "format=raw, vdev=xvdc, access=rw, target=/dev/vg/scratch" ]
)";
  std::string text = Render(c);
  CHECK(text == expected);
  CheckReadsBack(text, c);
}

TEST_CASE("xl golden: bridges, one vif each, with a disk") {
  XlConfig c = Base();
  c.name = "web";
  c.cmdline = "--ipv4=10.0.0.2/24 --ipv4-gateway=10.0.0.1";
  c.disks = {{"/srv/www.img", "", "raw", true}};
  c.vifs = {{"xenbr0"}, {"br-test.1"}};
  const std::string expected = R"(# xl domain configuration written by ci-run (xl.cfg(5))
name = "web"
type = "pvh"
kernel = "/work/p1/j7/unikernels/_build/gcc-xen/hello.xen"
memory = 64
cmdline = "--ipv4=10.0.0.2/24 --ipv4-gateway=10.0.0.1"
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
disk = [ "format=raw, vdev=xvda, access=ro, target=/srv/www.img" ]
vif = [ "bridge=xenbr0", "bridge=br-test.1" ]
)";
  std::string text = Render(c);
  CHECK(text == expected);
  CheckReadsBack(text, c);
}

TEST_CASE("xl golden: tabs and newlines inside an argument use xl's named escapes") {
  XlConfig c = Base();
  c.cmdline = JoinBootArgs({"a\tb", "line1\nline2", "cr\r"});
  CHECK(c.cmdline == "\"a\tb\" \"line1\nline2\" \"cr\r\"");
  std::string text = Render(c);
  CHECK(text.find("\ncmdline = \"\\\"a\\tb\\\" \\\"line1\\nline2\\\" \\\"cr\\r\\\"\"\n") !=
        std::string::npos);
  CheckReadsBack(text, c);
}

TEST_CASE("XlQuote: printable ASCII as is, named escapes, the rest rejected with its offset") {
  CHECK(*XlQuote("") == "\"\"");
  CHECK(*XlQuote("plain text, 1=2 'single' [x]") == "\"plain text, 1=2 'single' [x]\"");
  CHECK(*XlQuote("q\"b\\") == "\"q\\\"b\\\\\"");
  CHECK(*XlQuote("\a\b\f\v") == "\"\\a\\b\\f\\v\"");
  Result<std::string> utf8 = XlQuote("caf\xc3\xa9");
  CHECK(utf8.status().code() == Status::Code::kInvalidArgument);
  CHECK(utf8.status().message() == "byte 0xc3 at offset 3 is not ASCII (xl cannot carry it)");
  CHECK(XlQuote(std::string("a\x01", 2)).status().message() ==
        "control byte 0x01 at offset 1 has no escape in xl's string syntax");
  CHECK(XlQuote(std::string("\0", 1)).status().message() ==
        "control byte 0x00 at offset 0 has no escape in xl's string syntax");
  CHECK(XlQuote("\x7f").status().message() ==
        "control byte 0x7f at offset 0 has no escape in xl's string syntax");
}

TEST_CASE("RenderXlConfig rejects values that would break the file, naming the field") {
  auto error = [](const XlConfig& c) { return RenderXlConfig(c).status().message(); };
  XlConfig c = Base();
  c.cmdline = "--name=caf\xc3\xa9";
  CHECK(error(c) == "cmdline: byte 0xc3 at offset 10 is not ASCII (xl cannot carry it)");
  c = Base();
  c.name = "1234";
  CHECK(error(c) == "name: domain name \"1234\" must start with a letter");
  c.name = "bad name";
  CHECK(error(c) ==
        "name: domain name \"bad name\" has character 0x20 (allowed: letters, digits, _ . -)");
  c.name = "a\"b";
  CHECK(error(c) ==
        "name: domain name \"a\"b\" has character 0x22 (allowed: letters, digits, _ . -)");
  c.name = std::string(65, 'a');
  CHECK(error(c) ==
        "name: domain name \"" + std::string(64, 'a') + "...\" is longer than 64 characters");
  c.name = "";
  CHECK(error(c) == "name: domain name is empty");
  c = Base();
  c.kernel = "hello.xen";
  CHECK(error(c) == "kernel: \"hello.xen\" is not an absolute path");
  c = Base();
  c.kernel = "/img/caf\xc3\xa9.xen";
  CHECK(error(c) == "kernel: byte 0xc3 at offset 8 is not ASCII (xl cannot carry it)");
  c = Base();
  c.memory_mb = 0;
  CHECK(error(c) == "memory: 0 MB is not in 1..1048576");
  c = Base();
  c.on_crash = "explode";
  CHECK(error(c) ==
        "on_crash: unknown action \"explode\" (expected destroy, restart, rename-restart, "
        "preserve, coredump-destroy, coredump-restart or soft-reset)");
  c = Base();
  c.disks = {{"relative.img", "", "raw", false}};
  CHECK(error(c) == "disk[0]: disk target \"relative.img\" is not an absolute path");
  c.disks = {{"/a.img", "", "vmdk", false}};
  CHECK(error(c) == "disk[0]: disk format \"vmdk\" is not raw, qcow, qcow2, vhd or qed");
  c.disks = {{"/a.img", "", "raw", false}, {"/b.img", "vda", "raw", false}};
  CHECK(error(c) == "disk[1]: disk vdev \"vda\" is not xvd, hd or sd followed by 1-3 letters");
  c.disks = {{"/a\xff.img", "", "raw", false}};
  CHECK(error(c) ==
        "disk[0]: disk target \"/a\xff.img\" has byte 0xff at offset 2 (only "
        "printable ASCII)");
  c.disks = {{"/a\nb.img", "", "raw", false}};
  CHECK(error(c) ==
        "disk[0]: disk target \"/a\nb.img\" has byte 0x0a at offset 2 (only "
        "printable ASCII)");
  c = Base();
  c.vifs = {{"xenbr0"}, {"br,0"}};
  CHECK(error(c) ==
        "vif[1]: bridge name \"br,0\" is not 1-15 characters of letters, digits, _ . -");
  c.vifs = {{"a-very-long-bridge"}};
  CHECK(error(c) ==
        "vif[0]: bridge name \"a-very-long-bridge\" is not 1-15 characters of letters, "
        "digits, _ . -");
}

TEST_CASE("XlDiskSpec: default vdevs follow Linux naming past xvdz") {
  XlDisk d{"/d.img", "", "raw", false};
  CHECK(*XlDiskSpec(d, 0) == "format=raw, vdev=xvda, access=rw, target=/d.img");
  CHECK(XlDiskSpec(d, 25)->find("vdev=xvdz,") != std::string::npos);
  CHECK(XlDiskSpec(d, 26)->find("vdev=xvdaa,") != std::string::npos);
  d.vdev = "hdb";
  d.format = "vhd";
  d.read_only = true;
  CHECK(*XlDiskSpec(d, 0) == "format=vhd, vdev=hdb, access=ro, target=/d.img");
}

TEST_CASE("xl round trip: 2000 random argument lists survive both quotings") {
  std::mt19937 rng(20240301);
  const std::string alphabet = "ab =,\"'\\\t\n[]#;xyz019-";
  for (int n = 0; n < 2000; ++n) {
    std::vector<std::string> args(rng() % 5);
    for (std::string& a : args) {
      a.resize(1 + rng() % 12);
      for (char& ch : a) ch = alphabet[rng() % alphabet.size()];
    }
    XlConfig c = Base();
    c.cmdline = JoinBootArgs(args);
    std::string text = Render(c);
    Result<std::vector<XlSetting>> read = ReadXlConfig(text);
    REQUIRE_MESSAGE(read.ok(), read.status().ToString() << "\n" << text);
    const XlValue* cmdline = FindXlSetting(*read, "cmdline");
    if (c.cmdline.empty()) {
      CHECK(cmdline == nullptr);
      continue;
    }
    REQUIRE(cmdline != nullptr);
    REQUIRE(cmdline->text == c.cmdline);
    Result<std::vector<std::string>> split = SplitBootCommandLine(cmdline->text);
    REQUIRE(split.ok());
    CHECK(*split == args);
  }
}

}  // namespace cirun
