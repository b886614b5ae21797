#include "runner/pipeline/job_manifest.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

JobManifest Example() {
  JobManifest m;
  m.ci_run = "0.1.0";
  m.repo = "/repo";
  m.commit = std::string(40, 'c');
  m.source_tree = std::string(40, 't');
  m.toolchain = "mirage";
  m.toolchain_kind = "prefix";
  m.toolchain_location = "/cache/toolchains/mirage/prefix";
  m.toolchain_identity = "4.4.2";
  m.compilers = {{"ocamlopt", "4.13.1"}};
  m.libraries = {{"lwt", "5.6.1"}};
  m.duniverse = {{"fmt", std::string(40, 'f')}};
  m.target = "hvt";
  m.tools = {{"solo5-hvt", {"/p/bin/solo5-hvt", "solo5-hvt tender, version v0.8.1"}}};
  m.build_command = "mirage configure -t hvt && make";
  m.build_outcome = "passed";
  m.boot_command = "solo5-hvt --mem=128 -- $WORKSPACE/hello.hvt";
  m.image = "tutorial/hello/dist/hello.hvt";
  m.image_sha256 = std::string(64, 'a');
  m.image_size = 123456;
  return m;
}

TEST_CASE("A manifest survives its JSON form field by field") {
  const JobManifest m = Example();
  auto back = ManifestFromJson(ManifestToJson(m, 2));
  REQUIRE(back.ok());
  CHECK(ManifestEntries(*back) == ManifestEntries(m));
  CHECK(back->build_outcome == "passed");
  CHECK(back->tools.at("solo5-hvt").path == "/p/bin/solo5-hvt");
}

TEST_CASE("ManifestFromJson refuses what is not an object and accepts an older, smaller one") {
  CHECK(ManifestFromJson("[1]").status().code() == Status::Code::kInvalidArgument);
  CHECK(ManifestFromJson("not json").status().code() == Status::Code::kInvalidArgument);
  auto old = ManifestFromJson(R"({"source":{"commit":"abc"}})");
  REQUIRE(old.ok());
  CHECK(old->commit == "abc");
  CHECK(old->libraries.empty());
}

TEST_CASE("ManifestEntries names each library, package and tool, and leaves out empty values") {
  JobManifest m = Example();
  m.toolchain_location = "";
  auto entries = ManifestEntries(m);
  auto has = [&](const std::string& name, const std::string& value) {
    for (const auto& [n, v] : entries)
      if (n == name) return v == value;
    return false;
  };
  CHECK(has("library lwt", "5.6.1"));
  CHECK(has("duniverse fmt", std::string(40, 'f')));
  CHECK(has("tool solo5-hvt", "solo5-hvt tender, version v0.8.1"));
  CHECK(has("tool solo5-hvt path", "/p/bin/solo5-hvt"));
  CHECK(has("image size", "123456"));
  for (const auto& [n, v] : entries) CHECK(n != "toolchain location");
  CHECK(has("toolchain identity", "4.4.2"));
  m.toolchain_identity = "4.13.1";  // = ocamlopt's line: named once, as the compiler
  for (const auto& [n, v] : ManifestEntries(m)) CHECK(n != "toolchain identity");
}

TEST_CASE("ManifestText has a section per part and says when no image was built") {
  JobManifest m = Example();
  std::string text = ManifestText(m);
  CHECK(text.find("Libraries (ocamlfind)\n  lwt") != std::string::npos);
  CHECK(text.find("  size                123456 bytes\n") != std::string::npos);
  m.image_sha256.clear();
  CHECK(ManifestText(m).find("(no image was built)") != std::string::npos);
}

}  // namespace
}  // namespace cirun
