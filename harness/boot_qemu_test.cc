// Real boots of the fixture unikernels (fixtures/unikernels/build.sh) under QEMU.
//
// Without fixtures/unikernels/build.sh these tests pass with a warning (the
// fixtures are written separately); if build.sh exists but fails, they fail.
#include <unistd.h>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "harness/boot.h"
#include "harness/process_group.h"

namespace cirun {
namespace {

using std::chrono::milliseconds;
namespace fs = std::filesystem;

const fs::path kBuildScript = fs::path(CIRUN_SOURCE_DIR) / "fixtures/unikernels/build.sh";

// Builds APP for TARGET (with PLANT defects) once per test run; returns the image
// path, or "" if the fixtures are not there yet. FAILs if build.sh fails.
std::string FixtureImage(const std::string& app, const std::string& target,
                         const std::string& plant = "") {
  static std::mutex mutex;
  static std::map<std::string, std::string> built;
  if (!fs::exists(kBuildScript)) {
    MESSAGE("fixtures/unikernels/build.sh not found: QEMU boot tests are waiting on fixtures");
    return "";
  }
  std::lock_guard<std::mutex> lock(mutex);
  const std::string key = app + "." + target + "." + plant;
  if (auto it = built.find(key); it != built.end()) return it->second;
  // build.sh replaces the image atomically: concurrent test processes may share OUTDIR.
  const fs::path out =
      fs::path(CIRUN_BINARY_DIR) / "harness-fixtures" / (plant.empty() ? "plain" : plant);
  ProcessSpec spec;
  spec.argv = {"bash", kBuildScript.string(), app, target, "gcc", out.string()};
  spec.env_set = {{"PLANT", plant}};
  spec.timeout = milliseconds(120'000);
  std::string output;
  ProcessExit exit = RealProcessRunner().Run(
      spec,
      [&](std::string_view chunk, milliseconds) {
        output += chunk;
        return OutputAction::kContinue;
      },
      nullptr);
  const bool built_ok = exit.kind == ProcessExit::Kind::kExited && exit.code == 0;
  REQUIRE_MESSAGE(built_ok, "build.sh " << app << " " << target << ": " << exit.Describe() << "\n"
                                        << output);
  std::string image = output.substr(0, output.find_last_not_of('\n') + 1);
  image = image.substr(image.find_last_of('\n') + 1);
  REQUIRE_MESSAGE(fs::exists(image), "build.sh printed no image path: " << output);
  return built[key] = image;
}

TargetSpec Target(const std::string& name) {
  for (const TargetSpec& t : DefaultTargets()) {
    if (t.name == name) return t;
  }
  return {};
}

BootResult BootOn(const std::string& target_name, const BootRequest& request) {
  std::unique_ptr<BootBackend> backend = MakeBootBackend(Target(target_name), RealProcessRunner());
  return Boot(request, *backend, RealProcessRunner(), nullptr);
}

BootRequest HelloRequest(const std::string& image, const std::string& target) {
  BootRequest request;
  request.image = image;
  request.args = {"--greeting=hi", "two words"};
  request.expect = {"^Hello from " + target + "$", "^arg\\[2\\]: two words$", "^SUCCESS$"};
  request.fail = {"^error:"};
  request.timeout = milliseconds(30'000);
  return request;
}

// Live processes whose command line mentions `needle` (e.g. an image path).
int LiveProcessesWith(const std::string& needle) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.empty() || !isdigit(static_cast<unsigned char>(name[0]))) continue;
    std::ifstream in(entry.path() / "cmdline", std::ios::binary);
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(needle) != std::string::npos) ++count;
  }
  return count;
}

void CheckHelloPasses(const std::string& target, const std::string& binary) {
  std::string image = FixtureImage("hello", target);
  if (image.empty()) return;
  BootResult r = BootOn(target, HelloRequest(image, target));
  CHECK_MESSAGE(r.outcome == BootOutcome::kPassed, r.cause << "\n" << r.console);
  CHECK(r.cause == "");
  CHECK(r.guest_exit == 0);
  std::string console = r.console;
  std::erase(console, '\r');
  CHECK(console.find("Hello from " + target +
                     "\narg[1]: --greeting=hi\narg[2]: two words\n"
                     "SUCCESS\n") != std::string::npos);
  REQUIRE(!r.command.empty());
  CHECK(r.command[0] == binary);
  CHECK(r.image_bytes == fs::file_size(image));
  CHECK(r.first_byte.has_value());
  CHECK(r.success.has_value());
}

}  // namespace

TEST_CASE("QEMU boot: hello on virtio (x86_64 microvm) passes") {
  CheckHelloPasses("virtio", "qemu-system-x86_64");
}

TEST_CASE("QEMU boot: hello on xen boots the PVH image under QEMU, with the note") {
  CheckHelloPasses("xen", "qemu-system-x86_64");
  if (FixtureImage("hello", "xen").empty()) return;
  BootResult r = BootOn("xen", HelloRequest(FixtureImage("hello", "xen"), "xen"));
  CHECK(r.note == "xen image booted under QEMU (PVH): no Xen hypervisor on this host");
}

TEST_CASE("QEMU boot: hello on virtio-arm64 (aarch64 virt, semihosting) passes") {
  CheckHelloPasses("virtio-arm64", "qemu-system-aarch64");
}

TEST_CASE("QEMU boot: hello on unix (process) passes") {
  std::string image = FixtureImage("hello", "unix");
  if (image.empty()) return;
  BootResult r = BootOn("unix", HelloRequest(image, "unix"));
  CHECK_MESSAGE(r.outcome == BootOutcome::kPassed, r.cause);
  CHECK(r.console == "Hello from unix\narg[1]: --greeting=hi\narg[2]: two words\nSUCCESS\n");
}

TEST_CASE("QEMU boot: bootvars with --port=x is rejected (exit 64) on every target") {
  for (const std::string target : {"virtio", "xen", "virtio-arm64", "unix"}) {
    std::string image = FixtureImage("bootvars", target);
    if (image.empty()) return;
    BootRequest request;
    request.image = image;
    request.args = {"--port=x"};
    request.expect = {"^SUCCESS$"};
    request.timeout = milliseconds(30'000);
    BootResult r = BootOn(target, request);
    CHECK_MESSAGE(r.outcome == BootOutcome::kRejected, target << ": " << r.cause);
    CHECK(r.guest_exit == 64);
    CHECK(r.cause ==
          "exit code 64 not in [0]; last line: \"error: invalid value 'x' for option '--port': "
          "expected an integer\"");
  }
}

TEST_CASE("QEMU boot: the planted bootvar hang is hung and no QEMU is left behind") {
  std::string image = FixtureImage("bootvars", "virtio", "BOOTVAR_HANG");
  if (image.empty()) return;
  BootRequest request;
  request.image = image;
  request.args = {"--port=0"};
  request.expect = {"^SUCCESS$"};
  request.timeout = milliseconds(1'500);
  BootResult r = BootOn("virtio", request);
  CHECK_MESSAGE(r.outcome == BootOutcome::kHung, r.cause);
  CHECK(r.cause == "timed out after 1.5s; last line: \"verbose: false\"");
  CHECK(r.process.kind == ProcessExit::Kind::kTimedOut);
  CHECK_FALSE(GroupHasLiveMembers(r.process.pid));
  CHECK(LiveProcessesWith(image) == 0);
}

TEST_CASE("QEMU boot: the planted bootvar crash (stack smashing) is crashed") {
  std::string image = FixtureImage("bootvars", "virtio", "BOOTVAR_CRASH");
  if (image.empty()) return;
  BootRequest request;
  request.image = image;
  request.args = {"--name=" + std::string(300, 'A')};
  request.expect = {"^SUCCESS$"};
  request.timeout = milliseconds(30'000);
  BootResult r = BootOn("virtio", request);
  CHECK_MESSAGE(r.outcome == BootOutcome::kCrashed, r.cause);
  CHECK(r.cause == "crash signature /PANIC/ matched: \"PANIC: stack smashing detected\"");
}

TEST_CASE("QEMU boot: QEMU refusing its options is infra, with QEMU's own message") {
  std::string image = FixtureImage("hello", "virtio");
  if (image.empty()) return;
  TargetSpec target = Target("virtio");
  target.qemu.machine = "no-such-machine";
  std::unique_ptr<BootBackend> backend = MakeBootBackend(target, RealProcessRunner());
  BootResult r = Boot(HelloRequest(image, "virtio"), *backend, RealProcessRunner(), nullptr);
  CHECK(r.outcome == BootOutcome::kInfra);
  CHECK(r.cause == "backend failed: qemu-system-x86_64: unsupported machine type");
}

TEST_CASE("QEMU boot: concurrent boots from several threads all pass") {
  std::string image = FixtureImage("hello", "virtio");
  if (image.empty()) return;
  std::vector<BootResult> results(6);
  std::vector<std::thread> threads;
  for (BootResult& result : results) {
    threads.emplace_back(
        [&result, &image] { result = BootOn("virtio", HelloRequest(image, "virtio")); });
  }
  for (std::thread& t : threads) t.join();
  for (const BootResult& r : results) {
    CHECK_MESSAGE(r.outcome == BootOutcome::kPassed, r.cause);
    CHECK(r.guest_exit == 0);
  }
}

}  // namespace cirun
