#include "runner/host/ocaml_source_build.h"

#include <doctest/doctest.h>

#include "runner/host/host_config.h"

namespace cirun {

using Argv = std::vector<std::string>;

TEST_CASE("ParseOcamlVersionFile: the first line of VERSION") {
  CHECK(*ParseOcamlVersionFile("4.14.1\n\n# Starting with OCaml 4.14, ...\n") == "4.14.1");
  CHECK(*ParseOcamlVersionFile("5.3.0\r\n") == "5.3.0");
  CHECK(*ParseOcamlVersionFile("5.4.0~alpha1\n") == "5.4.0~alpha1");
  CHECK(ParseOcamlVersionFile("").status().message() ==
        "VERSION does not start with an OCaml version: \"\"");
  CHECK(!ParseOcamlVersionFile("version 4.14\n").ok());
  CHECK(OcamlMajorVersion("4.14.1") == 4);
  CHECK(OcamlMajorVersion("5.3.0") == 5);
  CHECK(OcamlMajorVersion("x") == 0);
}

TEST_CASE("OcamlBuildPhases: configure, make (world.opt before 5.0), make install") {
  auto v4 = OcamlBuildPhases("4.14.1", "/c/toolchains/ocaml-4.14/prefix", 2);
  REQUIRE(v4.size() == 3);
  CHECK(v4[0].name == "configure");
  CHECK(v4[0].argv == Argv{"./configure", "--prefix=/c/toolchains/ocaml-4.14/prefix"});
  CHECK(v4[1].name == "build");
  CHECK(v4[1].argv == Argv{"make", "-j2", "world.opt"});
  CHECK(v4[2].name == "install");
  CHECK(v4[2].argv == Argv{"make", "install"});
  auto v5 = OcamlBuildPhases("5.3.0", "/p", 0);
  CHECK(v5[1].argv == Argv{"make", "-j1"});
  CHECK(v5[1].timeout == std::chrono::minutes(90));
}

TEST_CASE("toolchain names") {
  CHECK(IsValidToolchainName("ocaml-4.14"));
  CHECK(IsValidToolchainName("ocaml-5.3+flambda"));
  CHECK(IsValidToolchainName("gcc_13"));
  CHECK(!IsValidToolchainName(""));
  CHECK(!IsValidToolchainName("../x"));
  CHECK(!IsValidToolchainName(".hidden"));
  CHECK(!IsValidToolchainName("a/b"));
  CHECK(!IsValidToolchainName("a b"));
  CHECK(!IsValidToolchainName(std::string(65, 'a')));
}

TEST_CASE("ToolchainNameMismatch: a versioned name must match the sources") {
  CHECK(ToolchainNameMismatch("ocaml-4.14", "4.14.1") == "");
  CHECK(ToolchainNameMismatch("ocaml-5.3", "5.3.0") == "");
  CHECK(ToolchainNameMismatch("ocaml-5", "5.3.0") == "");
  CHECK(ToolchainNameMismatch("ocaml-5.3", "4.14.1") ==
        "the name ocaml-5.3 suggests OCaml 5.3, but the sources are 4.14.1");
  CHECK(ToolchainNameMismatch("ocaml-4.1", "4.14.1") ==
        "the name ocaml-4.1 suggests OCaml 4.1, but the sources are 4.14.1");
  CHECK(ToolchainNameMismatch("my-compiler", "4.14.1") == "");
}

TEST_CASE("the registration is a host config that LoadHostConfig's reader accepts") {
  const std::string yaml = RegisteredOcamlToolchainYaml(
      "ocaml-4.14", "/cache/toolchains/ocaml-4.14/prefix", "OCaml 4.14.1 from x.tgz");
  CHECK(yaml ==
        "# Registered by `ci-run toolchain add`: OCaml 4.14.1 from x.tgz\n"
        "# Remove with `ci-run toolchain remove ocaml-4.14`.\n"
        "toolchains:\n"
        "  \"ocaml-4.14\":\n"
        "    kind: prefix\n"
        "    language: ocaml\n"
        "    prefix: \"/cache/toolchains/ocaml-4.14/prefix\"\n"
        "    version: [ocamlopt, -version]\n"
        "    env: {OCAMLLIB: \"/cache/toolchains/ocaml-4.14/prefix/lib/ocaml\"}\n");
  HostConfig host = DefaultHostConfig();
  REQUIRE(ApplyHostConfig(yaml, "toolchain.yml", false, &host).ok());
  const ToolchainSpec* t = host.FindToolchain("ocaml-4.14");
  REQUIRE(t != nullptr);
  CHECK(t->kind == ToolchainSpec::Kind::kPrefix);
  CHECK(t->language == "ocaml");
  CHECK(t->prefix == "/cache/toolchains/ocaml-4.14/prefix");
  CHECK(t->version_command == Argv{"ocamlopt", "-version"});
  CHECK(t->env.at("OCAMLLIB") == "/cache/toolchains/ocaml-4.14/prefix/lib/ocaml");
  CHECK(t->origin == "toolchain.yml");
  CHECK(host.FindToolchain("gcc")->origin == "built-in");
  // a path with a quote survives
  HostConfig odd = DefaultHostConfig();
  REQUIRE(
      ApplyHostConfig(RegisteredOcamlToolchainYaml("x", "/a \"b\\c", ""), "f", false, &odd).ok());
  CHECK(odd.FindToolchain("x")->prefix == "/a \"b\\c");
}

}  // namespace cirun
