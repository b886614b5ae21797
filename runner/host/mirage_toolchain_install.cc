#include "runner/host/mirage_toolchain_install.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

#include "runner/host/mirage_toolchain.h"
#include "runner/host/ocaml_source_build.h"
#include "runner/host/toolchain_build.h"
#include "runner/host/toolchain_install.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// The mirage tool's packages, as `dune build -p` and `dune install` name them.
const char* const kToolPackages = "mirage,mirage-runtime,functoria,functoria-runtime,emile,pecu";
const char* const kSolo5Triple = "x86_64-solo5-none-static";

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// Copies the folder `from` to `to` (replacing it), without the packages'
// test suites (they need libraries the toolchain does not carry).
Status CopyPackage(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::remove_all(to, ec);
  fs::create_directories(to.parent_path(), ec);
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (ec) return Status::IoError("cannot copy " + from.string() + ": " + ec.message());
  for (const char* tests : {"test", "tests", "lib_test", "fuzz"}) fs::remove_all(to / tests, ec);
  return Status::Ok();
}

class MirageInstaller {
 public:
  MirageInstaller(const MirageToolchainOptions& o, ProcessRunner& runner, const CancelToken* cancel,
                  FILE* out, bool live)
      : o_(o),
        dir_(ToolchainDir(o.cache_dir, o.name)),
        prefix_(dir_ / "prefix"),
        src_(dir_ / "build" / "src"),
        build_(dir_ / "build", kPhases, runner, cancel, out, live),
        runner_(runner),
        out_(out) {}

  Status Run();

 private:
  static constexpr int kPhases = 6;

  Status CheckHost();
  Status Extract();
  Status BuildTool();
  Status BuildSolo5();
  Status BuildOcamlSolo5();
  Status MakeLibrarySets();
  Status Verify();

  // Runs the commands of `phase` unless an earlier attempt finished it.
  Status Phase(const std::string& phase, const std::string& what,
               const std::function<Status()>& body);
  Status Command(const std::string& phase, std::vector<std::string> argv, const fs::path& cwd,
                 std::chrono::minutes timeout, std::string* output = nullptr);
  std::map<std::string, std::string> Env() const;

  const MirageToolchainOptions& o_;
  fs::path dir_, prefix_, src_;
  ToolchainBuild build_;
  ProcessRunner& runner_;
  FILE* out_;
  std::vector<MirageSource> sources_;
  std::string ocaml_version_;   // the host's OCaml, e.g. "4.13.1"
  fs::path ocaml_source_;       // Debian's /usr/src/ocaml-source-VERSION.tar
  std::string mirage_version_;  // `mirage --version`, e.g. "4.4.2"
};

std::map<std::string, std::string> MirageInstaller::Env() const {
  const char* path = getenv("PATH");
  return {{"PATH", (prefix_ / "bin").string() + ":" + (path ? path : "/usr/bin:/bin")}};
}

Status MirageInstaller::Command(const std::string& phase, std::vector<std::string> argv,
                                const fs::path& cwd, std::chrono::minutes timeout,
                                std::string* output) {
  ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.cwd = cwd.string();
  spec.env_set = Env();
  spec.timeout = timeout;
  return build_.Run(phase, spec, output, /*report_done=*/false);
}

Status MirageInstaller::Phase(const std::string& phase, const std::string& what,
                              const std::function<Status()>& body) {
  if (build_.Done(phase)) {
    build_.Header(phase, "already done");
    return Status::Ok();
  }
  build_.Header(phase, what);
  const auto start = Clock::now();
  CIRUN_RETURN_IF_ERROR(body());
  build_.MarkDone(phase);
  fprintf(out_, "      done in %s\n", ElapsedText(Clock::now() - start).c_str());
  fflush(out_);
  return Status::Ok();
}

// Debian's OCaml, the compiler the cross compiler must match.
Status MirageInstaller::CheckHost() {
  ProcessSpec spec;
  spec.argv = {"ocamlfind", "ocamlopt", "-version"};
  spec.env_unset = {"OCAMLFIND_CONF", "OCAMLPATH", "OCAMLLIB"};
  spec.timeout = std::chrono::seconds(30);
  std::string printed;
  ProcessExit exit = runner_.Run(
      spec,
      [&](std::string_view chunk, std::chrono::milliseconds) {
        printed.append(chunk);
        return OutputAction::kContinue;
      },
      nullptr);
  if (exit.kind != ProcessExit::Kind::kExited || exit.code != 0) {
    return Status::InvalidArgument(
        "`ocamlfind ocamlopt -version` " + exit.Describe() +
        ": the MirageOS toolchain is built with Debian's OCaml (apt-get install ocaml-nox "
        "ocaml-findlib ocaml-dune; ./bootstrap.sh mirage installs everything)");
  }
  ocaml_version_ = Trimmed(printed);
  ocaml_source_ = "/usr/src/ocaml-source-" + ocaml_version_ + ".tar";
  std::error_code ec;
  if (!fs::is_regular_file(ocaml_source_, ec)) {
    return Status::InvalidArgument("no " + ocaml_source_.string() +
                                   ": the cross compiler is built from the sources of the "
                                   "host's OCaml " +
                                   ocaml_version_ + " (apt-get install ocaml-source)");
  }
  return Status::Ok();
}

Status MirageInstaller::Extract() {
  return Phase("extract", std::to_string(sources_.size()) + " tarballs from " + o_.sources_dir,
               [&]() -> Status {
                 std::error_code ec;
                 fs::remove_all(src_, ec);
                 for (const MirageSource& s : sources_) {
                   fs::create_directories(src_ / s.package.name, ec);
                   CIRUN_RETURN_IF_ERROR(
                       Command("extract",
                               {"tar", "-xzf", s.tarball, "-C", (src_ / s.package.name).string(),
                                "--strip-components=1", "--no-same-owner"},
                               src_, std::chrono::minutes(5)));
                 }
                 return PatchMirageSources(src_.string(), sources_.front().version);
               });
}

Status MirageInstaller::BuildTool() {
  return Phase("mirage-tool", "dune build -p " + std::string(kToolPackages), [&]() -> Status {
    const fs::path tool = dir_ / "build" / "tool";
    std::error_code ec;
    fs::remove_all(tool, ec);
    for (const char* p : {"mirage", "emile", "pecu"})
      CIRUN_RETURN_IF_ERROR(CopyPackage(src_ / p, tool / p));
    CIRUN_RETURN_IF_ERROR(WriteFileAtomically(tool / "dune-project", "(lang dune 2.9)\n"));
    const std::string jobs = std::to_string(o_.jobs);
    CIRUN_RETURN_IF_ERROR(Command(
        "mirage-tool",
        {"dune", "build", "-j", jobs, "--profile", "release", "-p", kToolPackages, "@install"},
        tool, std::chrono::minutes(30)));
    std::vector<std::string> install = {
        "dune",     "install",        "--profile", "release",
        "--prefix", prefix_.string(), "--libdir",  (prefix_ / "lib").string()};
    for (const char* p :
         {"mirage", "mirage-runtime", "functoria", "functoria-runtime", "emile", "pecu"})
      install.push_back(p);
    return Command("mirage-tool", install, tool, std::chrono::minutes(5));
  });
}

Status MirageInstaller::BuildSolo5() {
  return Phase(
      "solo5", "./configure.sh && make && make install (tenders, cross toolchain)",
      [&]() -> Status {
        const fs::path solo5 = src_ / "solo5";
        CIRUN_RETURN_IF_ERROR(Command("solo5", {"./configure.sh", "--prefix=" + prefix_.string()},
                                      solo5, std::chrono::minutes(5)));
        CIRUN_RETURN_IF_ERROR(Command("solo5", {"make", "-j" + std::to_string(o_.jobs)}, solo5,
                                      std::chrono::minutes(30)));
        return Command("solo5", {"make", "install"}, solo5, std::chrono::minutes(5));
      });
}

Status MirageInstaller::BuildOcamlSolo5() {
  const std::string what = "a cross OCaml " + ocaml_version_ + " for " + kSolo5Triple + " from " +
                           ocaml_source_.string() + " (the longest phase)";
  return Phase("ocaml-solo5", what, [&]() -> Status {
    const fs::path dir = src_ / "ocaml-solo5";
    const std::string v = ocaml_version_;
    // Debian ships the compiler's upstream tarball inside its source tarball.
    CIRUN_RETURN_IF_ERROR(
        Command("ocaml-solo5",
                {"sh", "-c",
                 "rm -rf ocaml ocaml-" + v + " && tar -xOf \"$0\" ocaml-" + v + "/ocaml_" + v +
                     ".orig.tar.gz | tar -xz && mv ocaml-" + v + " ocaml",
                 ocaml_source_.string()},
                dir, std::chrono::minutes(5)));
    CIRUN_RETURN_IF_ERROR(Command(
        "ocaml-solo5",
        {"./configure.sh", "--prefix=" + prefix_.string(), std::string("--target=") + kSolo5Triple},
        dir, std::chrono::minutes(5)));
    CIRUN_RETURN_IF_ERROR(Command("ocaml-solo5", {"make", "-j" + std::to_string(o_.jobs)}, dir,
                                  std::chrono::minutes(90)));
    return Command("ocaml-solo5", {"make", "install"}, dir, std::chrono::minutes(10));
  });
}

Status MirageInstaller::MakeLibrarySets() {
  return Phase(
      "library-sets", "duniverse/unix and duniverse/solo5, findlib, ci-run-duniverse",
      [&]() -> Status {
        const fs::path libs = prefix_ / "duniverse";
        std::error_code ec;
        fs::remove_all(libs, ec);
        for (const MirageSource& s : sources_) {
          if (s.package.in_unix_set)
            CIRUN_RETURN_IF_ERROR(
                CopyPackage(src_ / s.package.name, libs / "unix" / s.package.name));
          if (s.package.in_solo5_set)
            CIRUN_RETURN_IF_ERROR(
                CopyPackage(src_ / s.package.name, libs / "solo5" / s.package.name));
        }
        for (const char* set : {"unix", "solo5"})
          CIRUN_RETURN_IF_ERROR(WriteFileAtomically(libs / set / "dune", "(vendored_dirs *)\n"));
        // findlib: the host's configuration plus ocaml-solo5's `solo5` toolchain.
        std::string conf;
        CIRUN_RETURN_IF_ERROR(Command("library-sets", {"ocamlfind", "printconf", "conf"}, dir_,
                                      std::chrono::minutes(1), &conf));
        const fs::path findlib = prefix_ / "findlib";
        fs::create_directories(findlib / "findlib.conf.d", ec);
        CIRUN_RETURN_IF_ERROR(
            WriteFileAtomically(findlib / "findlib.conf", ReadTextFile(Trimmed(conf))));
        const fs::path solo5_conf = prefix_ / "lib" / "findlib.conf.d" / "solo5.conf";
        if (!fs::exists(solo5_conf))
          return Status::FailedPrecondition("ocaml-solo5 installed no " + solo5_conf.string());
        CIRUN_RETURN_IF_ERROR(WriteFileAtomically(findlib / "findlib.conf.d" / "solo5.conf",
                                                  ReadTextFile(solo5_conf)));
        const fs::path script = prefix_ / "bin" / "ci-run-duniverse";
        CIRUN_RETURN_IF_ERROR(WriteFileAtomically(script, DuniverseScript(prefix_.string())));
        fs::permissions(script, fs::perms::owner_all | fs::perms::group_read |
                                    fs::perms::group_exec | fs::perms::others_read |
                                    fs::perms::others_exec);
        return Status::Ok();
      });
}

Status MirageInstaller::Verify() {
  build_.Header("verify", "mirage --version, the solo5 cross compiler, the tenders");
  ProcessSpec spec;
  spec.env_set = Env();
  spec.env_set["OCAMLPATH"] = (prefix_ / "lib").string();
  spec.env_set["OCAMLFIND_CONF"] = (prefix_ / "findlib" / "findlib.conf").string();
  spec.cwd = dir_.string();
  spec.timeout = std::chrono::minutes(1);
  std::string mirage, cross;
  spec.argv = {(prefix_ / "bin" / "mirage").string(), "--version"};
  CIRUN_RETURN_IF_ERROR(build_.Run("verify", spec, &mirage, false));
  spec.argv = {"ocamlfind", "-toolchain", "solo5", "ocamlopt", "-version"};
  CIRUN_RETURN_IF_ERROR(build_.Run("verify", spec, &cross, false));
  if (Trimmed(cross) != ocaml_version_) {
    return Status::FailedPrecondition("verify failed: the solo5 cross compiler is OCaml \"" +
                                      Trimmed(cross) + "\", expected " + ocaml_version_);
  }
  for (const char* tender : {"solo5-hvt", "solo5-spt"}) {
    const fs::path t = prefix_ / "bin" / tender;
    if (access(t.c_str(), X_OK) != 0)
      return Status::FailedPrecondition("verify failed: no executable " + t.string());
  }
  mirage_version_ = Trimmed(mirage);
  fprintf(out_, "      mirage %s, solo5 tenders hvt and spt, OCaml %s for solo5\n",
          mirage_version_.c_str(), ocaml_version_.c_str());
  return Status::Ok();
}

Status MirageInstaller::Run() {
  if (!IsValidToolchainName(o_.name)) {
    return Status::InvalidArgument("bad toolchain name \"" + o_.name +
                                   "\" (letters, digits, '.', '_', '+', '-'; e.g. mirage)");
  }
  auto sources = FindMirageSources(o_.sources_dir);
  if (!sources.ok()) return sources.status();
  sources_ = *std::move(sources);
  CIRUN_RETURN_IF_ERROR(CheckHost());

  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Status::IoError("cannot create " + dir_.string() + ": " + ec.message());
  auto lock = ToolchainLock::Acquire(dir_ / "lock", out_);
  if (!lock.ok()) return lock.status();

  // The sources' identity: every tarball's bytes and the host OCaml.
  std::string identity = "mirage-toolchain 1\nocaml " + ocaml_version_ + "\n";
  for (const MirageSource& s : sources_) {
    auto sha = Sha256OfFile(s.tarball);
    if (!sha.ok()) return sha.status();
    identity += s.package.name + " " + *sha + "\n";
  }
  const std::string sha = Sha256OfText(identity);
  // The registration is derived from the sources and this version of ci-run:
  // one registered by an older ci-run is brought up to date in place.
  const std::string note = "mirage " + sources_.front().version + ", OCaml " + ocaml_version_ +
                           " (host and solo5 cross), sources sha256 " + sha;
  const std::string yaml = RegisteredMirageToolchainYaml(o_.name, prefix_.string(), note);
  auto registered = AlreadyRegistered(dir_, o_.name, sha, out_);
  if (!registered.ok()) return registered.status();
  if (*registered) {
    if (ReadTextFile(dir_ / "toolchain.yml") == yaml) return Status::Ok();
    fprintf(out_, "Updated the registration to this version of ci-run.\n");
    return RegisterToolchain(dir_, sha, yaml);
  }

  fprintf(out_, "Adding MirageOS toolchain %s from %s (%zu packages)\n  into %s (log: %s)\n",
          o_.name.c_str(), o_.sources_dir.c_str(), sources_.size(), dir_.c_str(),
          build_.log_path().c_str());
  fflush(out_);
  const auto start = Clock::now();
  CIRUN_RETURN_IF_ERROR(StartOrResumeBuild(dir_, sha, out_));
  build_.Log("sources:\n" + identity);
  Status s = Extract();
  if (s.ok()) s = BuildTool();
  if (s.ok()) s = BuildSolo5();
  if (s.ok()) s = BuildOcamlSolo5();
  if (s.ok()) s = MakeLibrarySets();
  if (s.ok()) s = Verify();
  if (!s.ok()) {
    if (s.code() == Status::Code::kFailedPrecondition) build_.PrintLogTail(20);
    return s;
  }
  CIRUN_RETURN_IF_ERROR(RegisterToolchain(dir_, sha, yaml));
  if (!o_.keep_build) {
    fs::remove_all(src_, ec);
    fs::remove_all(dir_ / "build" / "tool", ec);
  }
  build_.ForgetPhases();
  fprintf(out_, "Registered %s: mirage %s, Solo5 targets hvt, spt, virtio (%s in all)\n",
          o_.name.c_str(), mirage_version_.c_str(), ElapsedText(Clock::now() - start).c_str());
  fprintf(out_,
          "Use it as `compiler: [%s]` (the mirage-skeleton and mirage4 presets do); its "
          "registration also sets the targets hvt, spt and virtio of this host: %s\n",
          o_.name.c_str(), (dir_ / "toolchain.yml").c_str());
  fflush(out_);
  return Status::Ok();
}

}  // namespace

Status InstallMirageToolchain(const MirageToolchainOptions& options, ProcessRunner& runner,
                              const CancelToken* cancel, FILE* out, bool live) {
  MirageToolchainOptions o = options;
  std::error_code ec;
  fs::path dir = fs::absolute(o.sources_dir, ec);
  if (!ec) o.sources_dir = dir.lexically_normal().string();
  if (o.jobs < 1) o.jobs = 1;
  MirageInstaller installer(o, runner, cancel, out, live);
  return installer.Run();
}

}  // namespace cirun
