// ContractViolation: what the fuzz targets and the corpus test hold each
// parser's result to.
#include "tests/fuzz/config_parsers.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

constexpr std::string_view kThreeLines = "a: 1\nb: 2\nc: 3\n";

TEST_CASE("ContractViolation accepts OK and FILE:LINE:COL diagnostics") {
  CHECK(ContractViolation(Status::Ok(), "f.yml", kThreeLines) == "");
  CHECK(ContractViolation(Status::InvalidArgument("f.yml:1:1: bad\nf.yml:4:2: worse"), "f.yml",
                          kThreeLines) == "");
}

TEST_CASE("ContractViolation names a line without its position") {
  CHECK(ContractViolation(Status::InvalidArgument("f.yml:1:1: bad\nmore text"), "f.yml",
                          kThreeLines) == "a diagnostic does not start with f.yml: \"more text\"");
  CHECK(ContractViolation(Status::InvalidArgument("g.yml:1:1: bad"), "f.yml", kThreeLines) != "");
  CHECK(ContractViolation(Status::InvalidArgument("f.yml: bad"), "f.yml", kThreeLines) != "");
  CHECK(ContractViolation(Status::InvalidArgument("f.yml:0:0: bad"), "f.yml", kThreeLines) != "");
  CHECK(ContractViolation(Status::InvalidArgument("f.yml:x:1: bad"), "f.yml", kThreeLines) != "");
  CHECK(ContractViolation(Status::InvalidArgument("f.yml:1:1:"), "f.yml", kThreeLines) != "");
}

TEST_CASE("ContractViolation refuses a position past the end and a wrong code") {
  CHECK(ContractViolation(Status::InvalidArgument("f.yml:5:1: bad"), "f.yml", kThreeLines) ==
        "a diagnostic points past the end of the file (4 lines): \"f.yml:5:1: bad\"");
  CHECK(ContractViolation(Status::Internal("f.yml:1:1: bad"), "f.yml", kThreeLines) != "");
  CHECK(ContractViolation(Status::InvalidArgument(""), "f.yml", kThreeLines) != "");
}

TEST_CASE("ParseConfigAs reads each kind with its own parser") {
  CHECK(ParseConfigAs(ConfigKind::kHost, "targets: {q: {backend: qemu}}\n").ok());
  CHECK(ParseConfigAs(ConfigKind::kService, "listen: 127.0.0.1:8080\n").ok());
  CHECK(ParseConfigAs(ConfigKind::kRepo, "listen: 127.0.0.1:8080\n")
            .message()
            .starts_with(".ci-run.yml:1:1: unknown key \"listen\""));
  CHECK(ParseConfigAs(ConfigKind::kHost, "listen: x\n").message().starts_with("host.yml:1:1: "));
}

}  // namespace
}  // namespace cirun
