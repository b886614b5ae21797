#include "runner/pipeline/env_diff.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

JobManifest Base() {
  JobManifest m;
  m.ci_run = "0.1.0";
  m.commit = "c1";
  m.source_tree = "t1";
  m.toolchain = "ocaml-4.14";
  m.compilers = {{"ocamlopt", "4.14.1"}};
  m.libraries = {{"lwt", "5.6.1"}, {"fmt", "0.9.0"}};
  m.target = "unix";
  m.image_sha256 = "aa";
  m.image_size = 10;
  return m;
}

TEST_CASE("Equal manifests have no difference") {
  CHECK(DiffManifests(Base(), Base()).empty());
  CHECK(EnvDiffText({}) == "no difference\n");
  CHECK(EnvironmentChangeLine({}).empty());
}

TEST_CASE("An upgraded library is the one difference, named as name old -> new") {
  JobManifest b = Base();
  b.libraries["lwt"] = "5.7.0";
  auto changes = DiffManifests(Base(), b);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].entry == "library lwt");
  CHECK(DescribeChange(changes[0]) == "lwt 5.6.1 -> 5.7.0");
  CHECK(EnvironmentChangeLine(changes) == "environment changed: lwt 5.6.1 -> 5.7.0");
  CHECK(EnvDiffText(changes) == "Environment\n  lwt 5.6.1 -> 5.7.0\n");
}

TEST_CASE("Added and removed entries read (none) on their missing side") {
  JobManifest b = Base();
  b.libraries.erase("fmt");
  b.libraries["cstruct"] = "6.2.0";
  auto changes = DiffManifests(Base(), b);
  REQUIRE(changes.size() == 2);
  CHECK(DescribeChange(changes[0]) == "fmt 0.9.0 -> (none)");
  CHECK(DescribeChange(changes[1]) == "cstruct (none) -> 6.2.0");
}

TEST_CASE("Sources and the image are differences but not environment changes") {
  JobManifest b = Base();
  b.source_tree = "t2";
  b.commit = "c2";
  b.image_sha256 = "bb";
  b.compilers["ocamlopt"] = "4.14.2";
  auto changes = DiffManifests(Base(), b);
  CHECK(changes.size() == 4);
  CHECK(EnvironmentChangeLine(changes) ==
        "environment changed: compiler ocamlopt: 4.14.1 -> 4.14.2");
  const std::string text = EnvDiffText(changes);
  CHECK(text ==
        "Sources\n  commit: c1 -> c2\n  source tree: t1 -> t2\n"
        "Environment\n  compiler ocamlopt: 4.14.1 -> 4.14.2\n"
        "Image\n  image sha256: aa -> bb\n");
  CHECK(IsEnvironmentEntry("tool qemu-system-x86_64"));
  CHECK(!IsEnvironmentEntry("image size"));
}

TEST_CASE("A boot that a red job never reached is not an environment change") {
  JobManifest green = Base();
  green.boot_command = "qemu -kernel x";
  JobManifest red = Base();
  red.compilers["ocamlopt"] = "4.14.2";
  auto changes = DiffManifests(green, red);
  REQUIRE(changes.size() == 2);
  CHECK(IsUnreachedStep(changes[1]));
  CHECK(EnvironmentChangeLine(changes) ==
        "environment changed: compiler ocamlopt: 4.14.1 -> 4.14.2");
  CHECK(EnvDiffText(changes) ==
        "Environment\n  compiler ocamlopt: 4.14.1 -> 4.14.2\n"
        "Not reached by one of the jobs\n  boot command: qemu -kernel x -> (none)\n");
  JobManifest other_boot = Base();
  other_boot.boot_command = "qemu -M pc -kernel x";
  CHECK(EnvironmentChangeLine(DiffManifests(green, other_boot)) ==
        "environment changed: boot command: qemu -kernel x -> qemu -M pc -kernel x");
}

}  // namespace
}  // namespace cirun
