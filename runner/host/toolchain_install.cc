#include "runner/host/toolchain_install.h"

#include <chrono>
#include <filesystem>
#include <fstream>

#include "runner/host/ocaml_source_build.h"
#include "runner/host/toolchain_build.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Runs the phases of one installation, logging to build.log and reporting.
class Installer {
 public:
  Installer(const ToolchainInstallOptions& o, ProcessRunner& runner, const CancelToken* cancel,
            FILE* out, bool live)
      : o_(o),
        dir_(ToolchainDir(o.cache_dir, o.name)),
        prefix_(dir_ / "prefix"),
        build_(dir_ / "build", kPhases, runner, cancel, out, live),
        out_(out) {}

  Status Run();

 private:
  static constexpr int kPhases = 5;  // extract, configure, build, install, verify

  Status Extract();
  Status RunPhase(const SourceBuildPhase& phase);
  Status Verify();

  const ToolchainInstallOptions& o_;
  fs::path dir_, prefix_, source_root_;
  ToolchainBuild build_;
  FILE* out_;
  std::string version_;
};

Status Installer::Extract() {
  const fs::path src = build_.dir() / "src";
  if (!build_.Done("extract")) {
    build_.Header("extract", o_.source_tarball);
    std::error_code ec;
    fs::remove_all(src, ec);
    fs::create_directories(src, ec);
    ProcessSpec tar;
    tar.argv = {"tar", "-xf", o_.source_tarball, "-C", src.string(), "--no-same-owner"};
    tar.timeout = std::chrono::minutes(10);
    CIRUN_RETURN_IF_ERROR(build_.Run("extract", tar, nullptr));
  } else {
    build_.Header("extract", "already done");
  }
  // The tree is the tarball's top (configure there) or its one folder.
  if (fs::exists(src / "configure")) {
    source_root_ = src;
  } else {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(src, ec)) {
      if (entry.is_directory() && fs::exists(entry.path() / "configure")) {
        if (!source_root_.empty()) {
          source_root_.clear();
          break;
        }
        source_root_ = entry.path();
      }
    }
  }
  std::error_code ec;
  if (source_root_.empty()) {
    fs::remove(build_.dir() / "extract.done", ec);
    return Status::InvalidArgument(o_.source_tarball +
                                   " holds no OCaml source tree (a configure script at its top "
                                   "or in its one top-level folder)");
  }
  auto version = ParseOcamlVersionFile(ReadTextFile(source_root_ / "VERSION"));
  if (!version.ok()) {
    fs::remove(build_.dir() / "extract.done", ec);
    return Status::InvalidArgument(o_.source_tarball + ": " + version.status().message() +
                                   " (is this the OCaml compiler's source?)");
  }
  version_ = *version;
  build_.MarkDone("extract");
  fprintf(out_, "      OCaml %s in %s\n", version_.c_str(),
          fs::relative(source_root_, dir_).c_str());
  if (std::string warning = ToolchainNameMismatch(o_.name, version_); !warning.empty())
    fprintf(out_, "      warning: %s\n", warning.c_str());
  fflush(out_);
  return Status::Ok();
}

Status Installer::RunPhase(const SourceBuildPhase& phase) {
  std::string command;
  for (const auto& a : phase.argv) command += (command.empty() ? "" : " ") + a;
  if (build_.Done(phase.name)) {
    build_.Header(phase.name, "already done");
    return Status::Ok();
  }
  build_.Header(phase.name, command);
  ProcessSpec spec;
  spec.argv = phase.argv;
  spec.cwd = source_root_.string();
  spec.timeout = phase.timeout;
  CIRUN_RETURN_IF_ERROR(build_.Run(phase.name, spec, nullptr));
  build_.MarkDone(phase.name);
  return Status::Ok();
}

Status Installer::Verify() {
  build_.Header("verify", "ocamlopt -version, then compile and run a test program");
  const std::string ocamlopt = (prefix_ / "bin" / "ocamlopt").string();
  const fs::path dir = build_.dir() / "verify";
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  std::ofstream(dir / "t.ml") << "let () = print_string \"ci-run toolchain ok\"\n";
  auto run = [&](std::vector<std::string> argv, std::string* output) {
    ProcessSpec spec;
    spec.argv = std::move(argv);
    spec.cwd = dir.string();
    spec.env_set = {{"OCAMLLIB", (prefix_ / "lib" / "ocaml").string()}};
    spec.timeout = std::chrono::minutes(2);
    return build_.Run("verify", spec, output, /*report_done=*/false);
  };
  std::string reported;
  CIRUN_RETURN_IF_ERROR(run({ocamlopt, "-version"}, &reported));
  while (!reported.empty() && (reported.back() == '\n' || reported.back() == '\r'))
    reported.pop_back();
  if (reported != version_) {
    return Status::FailedPrecondition("verify failed: " + ocamlopt + " -version printed \"" +
                                      reported + "\", expected \"" + version_ + "\"");
  }
  CIRUN_RETURN_IF_ERROR(run({ocamlopt, "-o", "t", "t.ml"}, nullptr));
  std::string printed;
  CIRUN_RETURN_IF_ERROR(run({(dir / "t").string()}, &printed));
  if (printed != "ci-run toolchain ok") {
    return Status::FailedPrecondition("verify failed: the test program printed \"" + printed +
                                      "\"");
  }
  fs::remove_all(dir, ec);
  fprintf(out_, "      ocamlopt %s; the test program ran\n", version_.c_str());
  return Status::Ok();
}

Status Installer::Run() {
  if (!IsValidToolchainName(o_.name)) {
    return Status::InvalidArgument("bad toolchain name \"" + o_.name +
                                   "\" (letters, digits, '.', '_', '+', '-'; e.g. ocaml-4.14)");
  }
  std::error_code ec;
  if (!fs::is_regular_file(o_.source_tarball, ec)) {
    return Status::InvalidArgument("no such file: " + o_.source_tarball +
                                   " (give an OCaml source tarball, e.g. from `npm pack "
                                   "ocaml@4.14.1000`)");
  }
  fs::create_directories(dir_, ec);
  if (ec) return Status::IoError("cannot create " + dir_.string() + ": " + ec.message());
  auto lock = ToolchainLock::Acquire(dir_ / "lock", out_);
  if (!lock.ok()) return lock.status();

  auto sha = Sha256OfFile(o_.source_tarball);
  if (!sha.ok()) return sha.status();
  auto registered = AlreadyRegistered(dir_, o_.name, *sha, out_);
  if (!registered.ok()) return registered.status();
  if (*registered) return Status::Ok();

  fprintf(out_, "Adding toolchain %s from %s\n  into %s (log: %s)\n", o_.name.c_str(),
          o_.source_tarball.c_str(), dir_.c_str(), build_.log_path().c_str());
  fflush(out_);
  const auto start = Clock::now();
  CIRUN_RETURN_IF_ERROR(StartOrResumeBuild(dir_, *sha, out_));
  Status s = Extract();
  for (const SourceBuildPhase& phase : OcamlBuildPhases(version_, prefix_.string(), o_.jobs)) {
    if (!s.ok()) break;
    s = RunPhase(phase);
  }
  if (s.ok()) s = Verify();
  if (!s.ok()) {
    if (s.code() == Status::Code::kFailedPrecondition) build_.PrintLogTail(20);
    return s;
  }

  const std::string note = "OCaml " + version_ + " from " +
                           fs::path(o_.source_tarball).filename().string() + ", sha256 " + *sha;
  CIRUN_RETURN_IF_ERROR(
      RegisterToolchain(dir_, *sha, RegisteredOcamlToolchainYaml(o_.name, prefix_.string(), note)));
  if (!o_.keep_build) fs::remove_all(build_.dir() / "src", ec);
  build_.ForgetPhases();
  fprintf(out_, "Registered %s: OCaml %s in %s (%s in all)\n", o_.name.c_str(), version_.c_str(),
          prefix_.c_str(), ElapsedText(Clock::now() - start).c_str());
  fprintf(out_, "Use it as `compiler: [%s]` in .ci-run.yml; `ci-run toolchain list` shows it.\n",
          o_.name.c_str());
  fflush(out_);
  return Status::Ok();
}

}  // namespace

std::string ToolchainDir(const std::string& cache_dir, const std::string& name) {
  return (fs::path(cache_dir) / "toolchains" / name).string();
}

Status InstallOcamlToolchain(const ToolchainInstallOptions& options, ProcessRunner& runner,
                             const CancelToken* cancel, FILE* out, bool live) {
  ToolchainInstallOptions o = options;
  std::error_code ec;
  fs::path tarball = fs::absolute(o.source_tarball, ec);
  if (!ec) o.source_tarball = tarball.lexically_normal().string();
  Installer installer(o, runner, cancel, out, live);
  return installer.Run();
}

Status RemoveRegisteredToolchain(const std::string& cache_dir, const std::string& name) {
  if (!IsValidToolchainName(name)) return Status::InvalidArgument("bad toolchain name " + name);
  const fs::path dir = ToolchainDir(cache_dir, name);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status::NotFound("no toolchain " + name + " registered in " + cache_dir + "/toolchains");
  }
  auto lock = ToolchainLock::Acquire(dir / "lock", stderr);
  if (!lock.ok()) return lock.status();
  // The registration first: from here on the toolchain is gone for readers.
  fs::remove(dir / "toolchain.yml", ec);
  fs::remove_all(dir, ec);
  if (ec) return Status::IoError("cannot remove " + dir.string() + ": " + ec.message());
  return Status::Ok();
}

}  // namespace cirun
