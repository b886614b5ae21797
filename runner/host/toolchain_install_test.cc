// InstallOcamlToolchain with a tiny fake OCaml source tarball: real tar,
// sh and make, no compiler build (the real one is tests/e2e/ocaml_matrix.sh).
#include "runner/host/toolchain_install.h"

#include <doctest/doctest.h>
#include <stdio.h>

#include <filesystem>

#include "runner/host/host_config.h"
#include "runner/host/toolchain.h"
#include "tests/scratch_dir.h"

namespace cirun {
namespace {

using testing::ReadAll;
using testing::ScratchDir;
using testing::Shell;
namespace fs = std::filesystem;

// Makes DIR/NAME.tgz holding fake-ocaml/ with VERSION, configure, Makefile:
// `make world.opt` fails while DIR/fail exists; configure and build append
// to DIR/counts.
std::string FakeSourceTarball(const ScratchDir& dir, const std::string& name,
                              const std::string& version = "4.99.0") {
  const std::string src = name + "-src/fake-ocaml/";
  dir.Write(src + "VERSION", version + "\n\n# The version is also in build-aux.\n");
  dir.Write(src + "configure",
            "#!/bin/sh\necho configure >> " + dir / "counts" +
                "\necho \"PREFIX=${1#--prefix=}\" > Makefile.config\necho configured\n");
  dir.Write(
      src + "ocamlopt.in",
      "#!/bin/sh\nif [ \"$1\" = -version ]; then echo " + version +
          "; exit 0; fi\n"
          "[ \"$1\" = -o ] || exit 2\n"
          "printf '#!/bin/sh\\nprintf \"ci-run toolchain ok\"\\n' > \"$2\"\nchmod +x \"$2\"\n");
  dir.Write(src + "Makefile",
            "include Makefile.config\n"
            "world.opt:\n"
            "\t@if [ -e " +
                dir / "fail" +
                " ]; then echo 'planted build failure'; exit 2; fi\n"
                "\t@echo build >> " +
                dir / "counts" +
                "\n"
                "\tcp ocamlopt.in ocamlopt && chmod +x ocamlopt\n"
                "install:\n"
                "\tmkdir -p $(PREFIX)/bin $(PREFIX)/lib/ocaml && cp ocamlopt $(PREFIX)/bin/\n");
  REQUIRE(Shell(dir.path(), "chmod +x " + src + "configure && tar czf " + name + ".tgz -C " + name +
                                "-src fake-ocaml") == 0);
  return dir / (name + ".tgz");
}

// Runs InstallOcamlToolchain, capturing what it prints.
Status Install(const ToolchainInstallOptions& o, std::string* printed) {
  char* buf = nullptr;
  size_t len = 0;
  FILE* out = open_memstream(&buf, &len);
  Status s = InstallOcamlToolchain(o, RealProcessRunner(), nullptr, out, false);
  fclose(out);
  *printed = std::string(buf, len);
  free(buf);
  return s;
}

int Count(const std::string& text, const std::string& word) {
  int n = 0;
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("toolchain add: builds, verifies, registers, a second add is a no-op") {
  ScratchDir dir;
  ToolchainInstallOptions o{"ocaml-4.99", FakeSourceTarball(dir, "fake"), dir / "cache", 2, false};
  std::string out;
  Status s = Install(o, &out);
  REQUIRE_MESSAGE(s.ok(), (s.ToString() + "\n" + out));
  const std::string tc = ToolchainDir(dir / "cache", "ocaml-4.99");
  CHECK(tc == dir / "cache/toolchains/ocaml-4.99");
  for (const char* line :
       {"[1/5] extract: ", "      OCaml 4.99.0 in build/src/fake-ocaml\n",
        "[2/5] configure: ./configure --prefix=", "[3/5] build: make -j2 world.opt\n",
        "[4/5] install: make install\n", "[5/5] verify: ", "Registered ocaml-4.99: OCaml 4.99.0"})
    CHECK_MESSAGE(out.find(line) != std::string::npos, (std::string(line) + "\n" + out));
  CHECK(fs::exists(tc + "/toolchain.yml"));
  CHECK(!fs::exists(tc + "/build/src"));  // removed after success
  CHECK(fs::exists(tc + "/build/build.log"));

  auto host = LoadHostConfig("", dir / "cache");
  REQUIRE(host.ok());
  const ToolchainSpec* t = host->FindToolchain("ocaml-4.99");
  REQUIRE(t != nullptr);
  CHECK(t->prefix == tc + "/prefix");
  CHECK(t->origin == tc + "/toolchain.yml");
  ToolchainProbe probe(RealProcessRunner());
  CHECK(*probe.Identity(*t) == "4.99.0");

  REQUIRE(Install(o, &out).ok());
  CHECK(out == "ocaml-4.99 is already registered from these sources: " + tc + "/toolchain.yml\n");
  CHECK(ReadAll(dir / "counts") == "configure\nbuild\n");
}

TEST_CASE("toolchain add: a failed phase registers nothing, the next add resumes there") {
  ScratchDir dir;
  ToolchainInstallOptions o{"ocaml-4.99", FakeSourceTarball(dir, "fake"), dir / "cache", 1, false};
  dir.Write("fail", "");
  std::string out;
  Status s = Install(o, &out);
  CHECK(s.code() == Status::Code::kFailedPrecondition);
  CHECK(s.message() == "build failed: `make` exited with status 2");
  CHECK(out.find("planted build failure") != std::string::npos);  // the log's tail
  const std::string tc = ToolchainDir(dir / "cache", "ocaml-4.99");
  CHECK(!fs::exists(tc + "/toolchain.yml"));
  CHECK(LoadHostConfig("", dir / "cache")->FindToolchain("ocaml-4.99") == nullptr);

  fs::remove(dir / "fail");
  REQUIRE(Install(o, &out).ok());
  CHECK(out.find("Resuming an earlier attempt from the same sources.\n") != std::string::npos);
  CHECK(out.find("[1/5] extract: already done\n") != std::string::npos);
  CHECK(out.find("[2/5] configure: already done\n") != std::string::npos);
  CHECK(ReadAll(dir / "counts") == "configure\nbuild\n");  // configure ran once
  CHECK(fs::exists(tc + "/toolchain.yml"));
}

TEST_CASE("toolchain add: other sources start over, a registered name is not replaced") {
  ScratchDir dir;
  ToolchainInstallOptions o{"ocaml-4.99", FakeSourceTarball(dir, "first"), dir / "cache", 1, false};
  dir.Write("fail", "");
  std::string out;
  CHECK(!Install(o, &out).ok());
  fs::remove(dir / "fail");
  o.source_tarball = FakeSourceTarball(dir, "second", "4.99.1");
  REQUIRE(Install(o, &out).ok());
  CHECK(out.find("Starting over: the earlier attempt was from other sources.\n") !=
        std::string::npos);
  CHECK(Count(ReadAll(dir / "counts"), "configure") == 2);
  CHECK(out.find("warning: the name ocaml-4.99 suggests OCaml 4.99, but") == std::string::npos);

  o.source_tarball = dir / "first.tgz";
  Status again = Install(o, &out);
  CHECK(again.code() == Status::Code::kInvalidArgument);
  CHECK(again.message().find("ocaml-4.99 is already registered from other sources") == 0);

  REQUIRE(RemoveRegisteredToolchain(dir / "cache", "ocaml-4.99").ok());
  CHECK(!fs::exists(ToolchainDir(dir / "cache", "ocaml-4.99")));
  CHECK(RemoveRegisteredToolchain(dir / "cache", "ocaml-4.99").code() == Status::Code::kNotFound);
}

TEST_CASE("toolchain add: bad names and tarballs are refused before any work") {
  ScratchDir dir;
  std::string out;
  ToolchainInstallOptions o{"../x", FakeSourceTarball(dir, "fake"), dir / "cache", 1, false};
  CHECK(Install(o, &out).code() == Status::Code::kInvalidArgument);
  o.name = "ocaml-5.3";
  o.source_tarball = dir / "missing.tgz";
  CHECK(Install(o, &out).message() ==
        "no such file: " + dir / "missing.tgz" +
            " (give an OCaml source tarball, e.g. from `npm pack ocaml@4.14.1000`)");
  dir.Write("junk/README", "not a compiler\n");
  REQUIRE(Shell(dir.path(), "tar czf junk.tgz junk") == 0);
  o.source_tarball = dir / "junk.tgz";
  Status s = Install(o, &out);
  CHECK(s.code() == Status::Code::kInvalidArgument);
  CHECK(s.message() == dir / "junk.tgz" +
                           " holds no OCaml source tree (a configure script at its top or in "
                           "its one top-level folder)");
  CHECK(!fs::exists(ToolchainDir(dir / "cache", "ocaml-5.3") + "/toolchain.yml"));
  // the name/version check warns
  o.source_tarball = FakeSourceTarball(dir, "v4", "4.14.1");
  REQUIRE(Install(o, &out).ok());
  CHECK(out.find("      warning: the name ocaml-5.3 suggests OCaml 5.3, but the sources are "
                 "4.14.1\n") != std::string::npos);
}

}  // namespace cirun

namespace cirun {

TEST_CASE("toolchain add: an interrupted add registers nothing") {
  ScratchDir dir;
  ToolchainInstallOptions o{"ocaml-4.99", FakeSourceTarball(dir, "fake"), dir / "cache", 1, false};
  CancelToken cancel;
  cancel.Cancel();  // as Ctrl-C before the first phase ends
  char* buf = nullptr;
  size_t len = 0;
  FILE* out = open_memstream(&buf, &len);
  Status s = InstallOcamlToolchain(o, RealProcessRunner(), &cancel, out, false);
  fclose(out);
  free(buf);
  CHECK(s.code() == Status::Code::kCancelled);
  CHECK(!fs::exists(ToolchainDir(dir / "cache", "ocaml-4.99") + "/toolchain.yml"));
  CHECK(!fs::exists(ToolchainDir(dir / "cache", "ocaml-4.99") + "/build/extract.done"));
}

}  // namespace cirun
