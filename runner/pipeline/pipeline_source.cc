#include "runner/pipeline/pipeline_source.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "runner/common/paths.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;
constexpr const char* kConfigName = ".ci-run.yml";

bool ReadFileText(const fs::path& path, std::string* out) {
  std::ifstream in(path);
  if (!in) return false;
  std::stringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

std::string DisplayName(const std::string& location) {
  std::string s = location;
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  if (s.ends_with(".git")) s.resize(s.size() - 4);
  size_t slash = s.find_last_of("/:");
  return slash == std::string::npos ? s : s.substr(slash + 1);
}

Status ReadCommitConfig(const GitMirror& mirror, ResolvedSource* out, const std::string& display) {
  auto text = mirror.ReadFile(out->info.commit, kConfigName);
  out->config_file = display;
  if (text.ok()) {
    out->config_text = *text;
    out->has_config = true;
  } else if (text.status().code() != Status::Code::kNotFound) {
    return text.status();
  }
  return Status::Ok();
}

}  // namespace

Result<ResolvedSource> ResolveSource(const SourceRequest& request, const FetchProgress& progress) {
  ResolvedSource out;
  const bool is_url = request.location.find("://") != std::string::npos;
  std::string fetch_from = request.location;
  std::string rev = request.rev.empty() ? "HEAD" : request.rev;
  std::string config_display = kConfigName;
  out.state_dir = (fs::current_path() / ".ci-run").string();
  out.info.trigger = "local";
  out.info.ref = rev;

  if (!is_url) {
    std::error_code ec;
    if (!fs::exists(request.location, ec))
      return Status::NotFound("no such directory: " + request.location);
    auto tree = InspectWorktree(request.location);
    if (tree.ok()) {
      out.state_dir = tree->root + "/.ci-run";
      out.info.repo_name = DisplayName(tree->root);
      fetch_from = tree->root;
      if (request.rev.empty()) {
        config_display = tree->root + "/" + kConfigName;
        if (tree->dirty() || tree->head_commit.empty()) {
          out.info.repo = tree->root;
          out.info.dirty = true;
          out.info.worktree = tree->root;
          out.info.commit = tree->head_commit;
          out.info.ref = "work tree";
          out.changed = tree->changed;
          out.config_file = config_display;
          out.has_config = ReadFileText(fs::path(tree->root) / kConfigName, &out.config_text);
          out.info.title =
              "uncommitted changes in " + std::to_string(out.changed.size()) + " file(s)";
          return out;
        }
        rev = tree->head_commit;  // HEAD of the work tree, not of the mirror
      }
    } else if (tree.status().code() != Status::Code::kNotFound) {
      return tree.status();
    }
  }
  if (out.info.repo_name.empty()) out.info.repo_name = DisplayName(request.location);
  auto mirror = GitMirror::Sync(request.cache_dir, fetch_from, progress);
  if (!mirror.ok()) return mirror.status();
  out.info.repo = mirror->url();
  auto commit = mirror->ResolveCommit(rev);
  if (!commit.ok()) return commit.status();
  out.info.commit = *commit;
  if (auto summary = mirror->Summary(*commit); summary.ok()) out.info.title = *summary;
  CIRUN_RETURN_IF_ERROR(ReadCommitConfig(*mirror, &out, config_display));
  return out;
}

Result<std::pair<std::string, std::string>> LoadConfigOverride(const std::string& name_or_path) {
  std::string text;
  std::error_code ec;
  if (fs::is_regular_file(name_or_path, ec)) {
    if (!ReadFileText(name_or_path, &text)) return Status::IoError("cannot read " + name_or_path);
    return std::make_pair(text, name_or_path);
  }
  std::string name = name_or_path;
  if (!name.ends_with(".yml")) name += ".yml";
  std::string presets;
  for (const std::string& dir : MatrixDirs()) {
    fs::path candidate = fs::path(dir) / name;
    if (name.find('/') == std::string::npos && ReadFileText(candidate, &text)) {
      return std::make_pair(text, candidate.string());
    }
    if (fs::is_directory(dir, ec)) {
      for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (entry.path().extension() == ".yml") presets += " " + entry.path().stem().string();
      }
    }
  }
  return Status::NotFound("--config " + name_or_path +
                          ": no such file, and no preset of that name" +
                          (presets.empty() ? "" : " (presets:" + presets + ")"));
}

}  // namespace cirun
