// Signatures: what varies between runs of one defect is masked.
#include "harness/finding_signature.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

using Strings = std::vector<std::string>;

TEST_CASE("NormaliseConsoleLine masks echoed values, numbers, hex and bytes") {
  CHECK(NormaliseConsoleLine("PANIC: fault 13 (error 0x1f at eip 0x10203a)", {}) ==
        "PANIC: fault # (error 0x# at eip 0x#)");
  CHECK(NormaliseConsoleLine("name: \"nnnnnn\"", {"--name=nnnnnn", "nnnnnn"}) == "name: \"<arg>\"");
  CHECK(NormaliseConsoleLine("x \xff\x01 y", {}) == "x ?? y");
  CHECK(NormaliseConsoleLine("ipv4: 10.0.0.2/24 at x86", {}) == "ipv4: #.#.#.#/# at x86");
  CHECK(NormaliseConsoleLine("ab ab", {"ab"}) == "ab ab");  // values under 3 bytes stay
  CHECK(NormaliseConsoleLine(std::string(300, 'z'), {}) == std::string(120, 'z'));
}

TEST_CASE("EchoedValues: each argument and its value") {
  CHECK(EchoedValues({"--port=0", "word", "--a=b=c"}) ==
        Strings{"--port=0", "0", "word", "--a=b=c", "b=c"});
}

TEST_CASE("FindingSignature: one crash seen with two different long names is one signature") {
  const std::string a(150, 'n'), b(3000, '\\');
  const std::string sa = FindingSignature(
      BootOutcome::kCrashed,
      {"bootvars on virtio", "name: \"" + a + "\"", "PANIC: stack smashing detected"},
      {"--name=" + a});
  const std::string sb = FindingSignature(BootOutcome::kCrashed,
                                          {"name: \"" + b + "\"", "PANIC: stack smashing detected"},
                                          {"--port=1", "--name=" + b});
  CHECK(sa == "crashed: name: \"<arg>\" | PANIC: stack smashing detected");
  CHECK(sa == sb);
}

TEST_CASE("FindingSignature: outcome, blank lines skipped, no output") {
  CHECK(FindingSignature(BootOutcome::kHung, {"port: 0", "verbose: false", "  "}, {"--port=0"},
                         2) == "hung: port: # | verbose: false");
  CHECK(FindingSignature(BootOutcome::kHung, {}, {}) == "hung: (no output)");
  CHECK(FindingSignature(BootOutcome::kCrashed, {"a", "b", "c"}, {}, 1) == "crashed: c");
}

TEST_CASE("FindingSignature: Solo5's start-up lines are not part of it") {
  // tutorial/hello-defects booted with --hello= under MirageOS 4.4: the judged
  // console tails on unix, spt (solo5-spt 0.8.1) and virtio (QEMU, Solo5 0.8.1).
  const std::string crash = "Fatal error: exception Invalid_argument(\"empty greeting\")";
  const Strings banner = {"            |      ___|",
                          "  __|  _ \\  |  _ \\ __ \\",
                          "\\__ \\ (   | | (   |  ) |",
                          "____/\\___/ _|\\___/____/",
                          "Solo5: Bindings version v0.8.1",
                          "Solo5: Memory map: 128 MB addressable:",
                          "Solo5:   reserved @ (0x0 - 0xfffff)",
                          "Solo5:       text @ (0x100000 - 0x1dbfff)",
                          "Solo5:     rodata @ (0x1dc000 - 0x210fff)",
                          "Solo5:       data @ (0x211000 - 0x2b4fff)",
                          "Solo5:       heap >= 0x2b5000 < stack < 0x8000000"};
  Strings spt = banner;
  spt.push_back(crash);
  Strings virtio = banner;
  virtio.push_back("Solo5: Clock source: TSC, frequency estimate is 2446971800 Hz");
  virtio.push_back(crash);
  const std::string unix_signature = FindingSignature(BootOutcome::kCrashed, {crash}, {"--hello="});
  CHECK(unix_signature == "crashed: " + crash);
  CHECK(FindingSignature(BootOutcome::kCrashed, spt, {"--hello="}) == unix_signature);
  CHECK(FindingSignature(BootOutcome::kCrashed, virtio, {"--hello="}) == unix_signature);
  // The guest's own Solo5 lines stay.
  CHECK(FindingSignature(BootOutcome::kCrashed, {"x", "Solo5: solo5_abort() called"}, {}) ==
        "crashed: x | Solo5: solo5_abort() called");
}

}  // namespace
}  // namespace cirun
