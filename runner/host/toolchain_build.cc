#include "runner/host/toolchain_build.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/file.h>
#include <unistd.h>

#include <deque>
#include <fstream>
#include <sstream>
#include <vector>

#include "base/hex.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Environment that would make a build pick up another OCaml or another make.
const std::vector<std::string> kUnsetForBuild = {"OCAMLLIB",  "CAMLLIB",        "OCAMLPARAM",
                                                 "OCAMLPATH", "OCAMLFIND_CONF", "MAKEFLAGS",
                                                 "MFLAGS",    "MAKELEVEL"};

}  // namespace

std::string ElapsedText(Clock::duration d) {
  const long s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  if (s < 60) {
    const long ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    char text[32];
    snprintf(text, sizeof text, "%.1fs", ms / 1000.0);
    return text;
  }
  return std::to_string(s / 60) + "m" + (s % 60 < 10 ? "0" : "") + std::to_string(s % 60) + "s";
}

Result<std::string> Sha256OfFile(const std::string& path) {
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
  return HexString({reinterpret_cast<const char*>(digest), len});
}

std::string Sha256OfText(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  return HexString({reinterpret_cast<const char*>(digest), len});
}

std::string ReadTextFile(const fs::path& path) {
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

Result<bool> AlreadyRegistered(const fs::path& dir, const std::string& name, const std::string& sha,
                               FILE* out) {
  const fs::path registration = dir / "toolchain.yml";
  if (!fs::exists(registration)) return false;
  if (ReadTextFile(dir / "source.sha256") == sha + "\n") {
    fprintf(out, "%s is already registered from these sources: %s\n", name.c_str(),
            registration.c_str());
    return true;
  }
  return Status::InvalidArgument(name + " is already registered from other sources (" +
                                 registration.string() +
                                 "); remove it first with `ci-run toolchain remove " + name + "`");
}

Status StartOrResumeBuild(const fs::path& dir, const std::string& sha, FILE* out) {
  const fs::path build = dir / "build", prefix = dir / "prefix";
  const fs::path sha_file = build / "source.sha256";
  std::error_code ec;
  if (fs::exists(sha_file) && ReadTextFile(sha_file) == sha + "\n") {
    fprintf(out, "Resuming an earlier attempt from the same sources.\n");
    return Status::Ok();
  }
  if (fs::exists(build) || fs::exists(prefix)) {
    fprintf(out, "Starting over: the earlier attempt was from other sources.\n");
  }
  fs::remove_all(build, ec);
  fs::remove_all(prefix, ec);
  fs::create_directories(build, ec);
  if (ec) return Status::IoError("cannot create " + build.string() + ": " + ec.message());
  return WriteFileAtomically(sha_file, sha + "\n");
}

Status RegisterToolchain(const fs::path& dir, const std::string& sha,
                         const std::string& registration_yaml) {
  CIRUN_RETURN_IF_ERROR(WriteFileAtomically(dir / "source.sha256", sha + "\n"));
  return WriteFileAtomically(dir / "toolchain.yml", registration_yaml);
}

Result<std::unique_ptr<ToolchainLock>> ToolchainLock::Acquire(const fs::path& path, FILE* out) {
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
  return std::unique_ptr<ToolchainLock>(new ToolchainLock(fd));
}

ToolchainLock::~ToolchainLock() {
  close(fd_);
}  // releases the lock

ToolchainBuild::ToolchainBuild(fs::path build_dir, int phases, ProcessRunner& runner,
                               const CancelToken* cancel, FILE* out, bool live)
    : dir_(std::move(build_dir)),
      phases_(phases),
      runner_(runner),
      cancel_(cancel),
      out_(out),
      live_(live) {}

bool ToolchainBuild::Done(const std::string& phase) const {
  return fs::exists(dir_ / (phase + ".done"));
}

void ToolchainBuild::MarkDone(const std::string& phase) {
  std::ofstream(dir_ / (phase + ".done")) << "done\n";
}

void ToolchainBuild::ForgetPhases() const {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    if (entry.path().extension() == ".done") fs::remove(entry.path(), ec);
  }
}

void ToolchainBuild::Header(const std::string& phase, const std::string& what) {
  fprintf(out_, "[%d/%d] %s: %s\n", next_++, phases_, phase.c_str(), what.c_str());
  fflush(out_);
}

void ToolchainBuild::Log(const std::string& line) {
  std::ofstream(log_path(), std::ios::app) << line << "\n";
}

Status ToolchainBuild::Run(const std::string& phase, ProcessSpec spec, std::string* output,
                           bool report_done) {
  // Nothing new starts once cancelled (a command may end before the runner
  // sees the cancellation; the next one must not run).
  if (cancel_ && cancel_->cancelled()) return Status::Cancelled("interrupted");
  std::ofstream log(log_path(), std::ios::app);
  log << "==> " << phase << ":";
  for (const auto& a : spec.argv) log << " " << a;
  if (!spec.cwd.empty()) log << "   (in " << spec.cwd << ")";
  log << "\n";
  log.flush();
  for (const std::string& name : kUnsetForBuild)
    if (!spec.env_set.count(name)) spec.env_unset.push_back(name);
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
          fprintf(out_, "\r\x1b[2K      %s, %zu lines of output%s",
                  ElapsedText(now - start).c_str(), lines, last.c_str());
          fflush(out_);
          last_report = now;
        } else if (!live_ && now - last_report >= std::chrono::seconds(30)) {
          fprintf(out_, "      ... %s, %zu lines of output\n", ElapsedText(now - start).c_str(),
                  lines);
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
    if (report_done) fprintf(out_, "      done in %s\n", ElapsedText(Clock::now() - start).c_str());
    fflush(out_);
    return Status::Ok();
  }
  return Status::FailedPrecondition(phase + " failed: `" + spec.argv[0] + "` " + exit.Describe());
}

void ToolchainBuild::PrintLogTail(size_t lines) const {
  std::ifstream in(log_path());
  std::deque<std::string> tail;
  for (std::string line; std::getline(in, line);) {
    tail.push_back(line);
    if (tail.size() > lines) tail.pop_front();
  }
  fprintf(out_, "--- last %zu lines of %s:\n", tail.size(), log_path().c_str());
  for (const auto& line : tail) fprintf(out_, "  %s\n", line.c_str());
  fprintf(out_, "---\n");
}

}  // namespace cirun
