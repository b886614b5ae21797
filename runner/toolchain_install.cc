#include "runner/toolchain_install.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "runner/ocaml_source_build.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Environment that would make the build pick up another OCaml or another make.
const std::vector<std::string> kUnsetForBuild = {"OCAMLLIB",  "CAMLLIB", "OCAMLPARAM", "OCAMLPATH",
                                                 "MAKEFLAGS", "MFLAGS",  "MAKELEVEL"};

std::string Elapsed(Clock::duration d) {
  const long s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  if (s < 60) {
    const long ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    char text[32];
    snprintf(text, sizeof text, "%.1fs", ms / 1000.0);
    return text;
  }
  return std::to_string(s / 60) + "m" + (s % 60 < 10 ? "0" : "") + std::to_string(s % 60) + "s";
}

Result<std::string> Sha256File(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("cannot read " + path);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    EVP_DigestUpdate(ctx, buf.data(), static_cast<size_t>(in.gcount()));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    char h[3];
    snprintf(h, sizeof h, "%02x", digest[i]);
    hex += h;
  }
  return hex;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Status WriteFileAtomically(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return Status::IoError("cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return Status::IoError("cannot rename " + tmp.string() + ": " + ec.message());
  return Status::Ok();
}

// An exclusive flock() on a file, held for the object's lifetime.
class FileLock {
 public:
  static Result<std::unique_ptr<FileLock>> Acquire(const fs::path& path, FILE* out) {
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return Status::IoError("cannot open " + path.string());
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      fprintf(out, "Waiting for another ci-run working on this toolchain (lock %s)...\n",
              path.c_str());
      fflush(out);
      if (flock(fd, LOCK_EX) != 0) {
        close(fd);
        return Status::IoError("cannot lock " + path.string());
      }
    }
    return std::unique_ptr<FileLock>(new FileLock(fd));
  }
  ~FileLock() { close(fd_); }  // releases the lock

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

// Runs the phases of one installation, logging to build.log and reporting.
class Installer {
 public:
  Installer(const ToolchainInstallOptions& o, ProcessRunner& runner, const CancelToken* cancel,
            FILE* out, bool live)
      : o_(o), runner_(runner), cancel_(cancel), out_(out), live_(live) {
    dir_ = ToolchainDir(o.cache_dir, o.name);
    build_ = dir_ / "build";
    prefix_ = dir_ / "prefix";
  }

  Status Run();

 private:
  static constexpr int kPhases = 5;  // extract, configure, build, install, verify

  bool Done(const std::string& phase) const { return fs::exists(build_ / (phase + ".done")); }
  Status MarkDone(const std::string& phase) {
    std::ofstream(build_ / (phase + ".done")) << "done\n";
    return Status::Ok();
  }
  void Header(int n, const std::string& phase, const std::string& what) {
    fprintf(out_, "[%d/%d] %s: %s\n", n, kPhases, phase.c_str(), what.c_str());
    fflush(out_);
  }
  Status StartOrResume(const std::string& sha);
  Status Extract(int n);
  Status RunPhase(int n, const SourceBuildPhase& phase);
  Status Verify(int n);
  Status RunLogged(const std::string& phase, ProcessSpec spec, std::string* output,
                   bool report_done = true);
  void PrintLogTail(size_t lines);

  const ToolchainInstallOptions& o_;
  ProcessRunner& runner_;
  const CancelToken* cancel_;
  FILE* out_;
  bool live_;
  fs::path dir_, build_, prefix_, source_root_;
  std::string version_;
};

Status Installer::StartOrResume(const std::string& sha) {
  const fs::path sha_file = build_ / "source.sha256";
  std::error_code ec;
  if (fs::exists(sha_file) && ReadFile(sha_file) == sha + "\n") {
    fprintf(out_, "Resuming an earlier attempt from the same sources.\n");
    return Status::Ok();
  }
  if (fs::exists(build_) || fs::exists(prefix_)) {
    fprintf(out_, "Starting over: the earlier attempt was from other sources.\n");
  }
  fs::remove_all(build_, ec);
  fs::remove_all(prefix_, ec);
  fs::create_directories(build_, ec);
  if (ec) return Status::IoError("cannot create " + build_.string() + ": " + ec.message());
  return WriteFileAtomically(sha_file, sha + "\n");
}

Status Installer::RunLogged(const std::string& phase, ProcessSpec spec, std::string* output,
                            bool report_done) {
  std::ofstream log(build_ / "build.log", std::ios::app);
  log << "==> " << phase << ":";
  for (const auto& a : spec.argv) log << " " << a;
  log << "\n";
  log.flush();
  spec.env_unset.insert(spec.env_unset.end(), kUnsetForBuild.begin(), kUnsetForBuild.end());
  spec.output_cap = size_t(1) << 40;  // everything goes to the log
  const auto start = Clock::now();
  auto last_report = start;
  size_t lines = 0;
  std::string partial;
  ProcessExit exit = runner_.Run(
      spec,
      [&](std::string_view chunk, std::chrono::milliseconds) {
        log.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        if (output) output->append(chunk);
        for (char c : chunk) {
          if (c == '\n') {
            ++lines;
            partial.clear();
          } else if (partial.size() < 200) {
            partial += c;
          }
        }
        const auto now = Clock::now();
        if (live_ && now - last_report >= std::chrono::milliseconds(500)) {
          std::string last = partial.empty() ? "" : "  " + partial.substr(0, 60);
          fprintf(out_, "\r\x1b[2K      %s, %zu lines of output%s", Elapsed(now - start).c_str(),
                  lines, last.c_str());
          fflush(out_);
          last_report = now;
        } else if (!live_ && now - last_report >= std::chrono::seconds(30)) {
          fprintf(out_, "      ... %s, %zu lines of output\n", Elapsed(now - start).c_str(), lines);
          fflush(out_);
          last_report = now;
        }
        return OutputAction::kContinue;
      },
      cancel_);
  log << "==> " << phase << ": " << exit.Describe() << "\n";
  if (live_) fprintf(out_, "\r\x1b[2K");
  if (exit.kind == ProcessExit::Kind::kCancelled) return Status::Cancelled("interrupted");
  if (exit.kind == ProcessExit::Kind::kExited && exit.code == 0) {
    if (report_done) fprintf(out_, "      done in %s\n", Elapsed(Clock::now() - start).c_str());
    fflush(out_);
    return Status::Ok();
  }
  return Status::FailedPrecondition(phase + " failed: `" + spec.argv[0] + "` " + exit.Describe());
}

Status Installer::Extract(int n) {
  const fs::path src = build_ / "src";
  if (!Done("extract")) {
    Header(n, "extract", o_.source_tarball);
    std::error_code ec;
    fs::remove_all(src, ec);
    fs::create_directories(src, ec);
    ProcessSpec tar;
    tar.argv = {"tar", "-xf", o_.source_tarball, "-C", src.string(), "--no-same-owner"};
    tar.timeout = std::chrono::minutes(10);
    CIRUN_RETURN_IF_ERROR(RunLogged("extract", tar, nullptr));
  } else {
    Header(n, "extract", "already done");
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
  if (source_root_.empty()) {
    fs::remove(build_ / "extract.done");
    return Status::InvalidArgument(o_.source_tarball +
                                   " holds no OCaml source tree (a configure script at its top "
                                   "or in its one top-level folder)");
  }
  auto version = ParseOcamlVersionFile(ReadFile(source_root_ / "VERSION"));
  if (!version.ok()) {
    fs::remove(build_ / "extract.done");
    return Status::InvalidArgument(o_.source_tarball + ": " + version.status().message() +
                                   " (is this the OCaml compiler's source?)");
  }
  version_ = *version;
  MarkDone("extract");
  fprintf(out_, "      OCaml %s in %s\n", version_.c_str(),
          fs::relative(source_root_, dir_).c_str());
  if (std::string warning = ToolchainNameMismatch(o_.name, version_); !warning.empty())
    fprintf(out_, "      warning: %s\n", warning.c_str());
  fflush(out_);
  return Status::Ok();
}

Status Installer::RunPhase(int n, const SourceBuildPhase& phase) {
  std::string command;
  for (const auto& a : phase.argv) command += (command.empty() ? "" : " ") + a;
  if (Done(phase.name)) {
    Header(n, phase.name, "already done");
    return Status::Ok();
  }
  Header(n, phase.name, command);
  ProcessSpec spec;
  spec.argv = phase.argv;
  spec.cwd = source_root_.string();
  spec.timeout = phase.timeout;
  CIRUN_RETURN_IF_ERROR(RunLogged(phase.name, spec, nullptr));
  return MarkDone(phase.name);
}

Status Installer::Verify(int n) {
  Header(n, "verify", "ocamlopt -version, then compile and run a test program");
  const std::string ocamlopt = (prefix_ / "bin" / "ocamlopt").string();
  const fs::path dir = build_ / "verify";
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
    return RunLogged("verify", spec, output, /*report_done=*/false);
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

void Installer::PrintLogTail(size_t lines) {
  std::ifstream in(build_ / "build.log");
  std::deque<std::string> tail;
  for (std::string line; std::getline(in, line);) {
    tail.push_back(line);
    if (tail.size() > lines) tail.pop_front();
  }
  fprintf(out_, "--- last %zu lines of %s:\n", tail.size(), (build_ / "build.log").c_str());
  for (const auto& line : tail) fprintf(out_, "  %s\n", line.c_str());
  fprintf(out_, "---\n");
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
  auto lock = FileLock::Acquire(dir_ / "lock", out_);
  if (!lock.ok()) return lock.status();

  auto sha = Sha256File(o_.source_tarball);
  if (!sha.ok()) return sha.status();
  const fs::path registration = dir_ / "toolchain.yml";
  if (fs::exists(registration)) {
    if (ReadFile(dir_ / "source.sha256") == *sha + "\n") {
      fprintf(out_, "%s is already registered from these sources: %s\n", o_.name.c_str(),
              registration.c_str());
      return Status::Ok();
    }
    return Status::InvalidArgument(
        o_.name + " is already registered from other sources (" + registration.string() +
        "); remove it first with `ci-run toolchain remove " + o_.name + "`");
  }

  fprintf(out_, "Adding toolchain %s from %s\n  into %s (log: %s)\n", o_.name.c_str(),
          o_.source_tarball.c_str(), dir_.c_str(), (build_ / "build.log").c_str());
  fflush(out_);
  const auto start = Clock::now();
  CIRUN_RETURN_IF_ERROR(StartOrResume(*sha));
  Status s = Extract(1);
  int n = 2;
  for (const SourceBuildPhase& phase : OcamlBuildPhases(version_, prefix_.string(), o_.jobs)) {
    if (!s.ok()) break;
    s = RunPhase(n++, phase);
  }
  if (s.ok()) s = Verify(n);
  if (!s.ok()) {
    if (s.code() == Status::Code::kFailedPrecondition) PrintLogTail(20);
    return s;
  }

  // Registered last, atomically: before this line nothing points at prefix/.
  const std::string note = "OCaml " + version_ + " from " +
                           fs::path(o_.source_tarball).filename().string() + ", sha256 " + *sha;
  CIRUN_RETURN_IF_ERROR(WriteFileAtomically(dir_ / "source.sha256", *sha + "\n"));
  CIRUN_RETURN_IF_ERROR(WriteFileAtomically(
      registration, RegisteredOcamlToolchainYaml(o_.name, prefix_.string(), note)));
  if (!o_.keep_build) fs::remove_all(build_ / "src", ec);
  for (const char* phase : {"extract", "configure", "build", "install"})
    fs::remove(build_ / (std::string(phase) + ".done"), ec);
  fprintf(out_, "Registered %s: OCaml %s in %s (%s in all)\n", o_.name.c_str(), version_.c_str(),
          prefix_.c_str(), Elapsed(Clock::now() - start).c_str());
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
  auto lock = FileLock::Acquire(dir / "lock", stderr);
  if (!lock.ok()) return lock.status();
  // The registration first: from here on the toolchain is gone for readers.
  fs::remove(dir / "toolchain.yml", ec);
  fs::remove_all(dir, ec);
  if (ec) return Status::IoError("cannot remove " + dir.string() + ": " + ec.message());
  return Status::Ok();
}

}  // namespace cirun
