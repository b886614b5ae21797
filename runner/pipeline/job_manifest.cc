#include "runner/pipeline/job_manifest.h"

#include <nlohmann/json.hpp>
#include <sstream>

namespace cirun {
namespace {

using nlohmann::json;

constexpr int kFormat = 1;

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::map<std::string, std::string> StrMap(const json& j, const char* key) {
  std::map<std::string, std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_object()) return out;
  for (const auto& [k, v] : it->items())
    if (v.is_string()) out[k] = v.get<std::string>();
  return out;
}

const json& Section(const json& j, const char* key) {
  static const json kEmpty = json::object();
  auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : kEmpty;
}

}  // namespace

std::string ManifestToJson(const JobManifest& m, int indent) {
  json tools = json::object();
  for (const auto& [name, t] : m.tools) tools[name] = {{"path", t.path}, {"version", t.version}};
  json out = {
      {"format", kFormat},
      {"ci_run", m.ci_run},
      {"source",
       {{"repo", m.repo}, {"commit", m.commit}, {"tree", m.source_tree}, {"dirty", m.dirty}}},
      {"toolchain",
       {{"name", m.toolchain},
        {"kind", m.toolchain_kind},
        {"location", m.toolchain_location},
        {"identity", m.toolchain_identity},
        {"compilers", m.compilers},
        {"libraries", m.libraries},
        {"duniverse", m.duniverse}}},
      {"target", {{"name", m.target}, {"tools", tools}}},
      {"build", {{"command", m.build_command}, {"outcome", m.build_outcome}}},
      {"boot", {{"command", m.boot_command}}},
      {"image", {{"path", m.image}, {"sha256", m.image_sha256}, {"size", m.image_size}}},
  };
  // Version lines and commands may hold any byte: replaced, never refused.
  return out.dump(indent, ' ', false, json::error_handler_t::replace);
}

Result<JobManifest> ManifestFromJson(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Status::InvalidArgument("a manifest is a JSON object");
  JobManifest m;
  m.ci_run = Str(j, "ci_run");
  const json& source = Section(j, "source");
  m.repo = Str(source, "repo");
  m.commit = Str(source, "commit");
  m.source_tree = Str(source, "tree");
  m.dirty = source.value("dirty", false);
  const json& toolchain = Section(j, "toolchain");
  m.toolchain = Str(toolchain, "name");
  m.toolchain_kind = Str(toolchain, "kind");
  m.toolchain_location = Str(toolchain, "location");
  m.toolchain_identity = Str(toolchain, "identity");
  m.compilers = StrMap(toolchain, "compilers");
  m.libraries = StrMap(toolchain, "libraries");
  m.duniverse = StrMap(toolchain, "duniverse");
  const json& target = Section(j, "target");
  m.target = Str(target, "name");
  for (const auto& [name, t] : Section(target, "tools").items())
    if (t.is_object()) m.tools[name] = {Str(t, "path"), Str(t, "version")};
  m.build_command = Str(Section(j, "build"), "command");
  m.build_outcome = Str(Section(j, "build"), "outcome");
  m.boot_command = Str(Section(j, "boot"), "command");
  const json& image = Section(j, "image");
  m.image = Str(image, "path");
  m.image_sha256 = Str(image, "sha256");
  auto size = image.find("size");
  if (size != image.end() && size->is_number_integer()) m.image_size = size->get<int64_t>();
  return m;
}

std::vector<std::pair<std::string, std::string>> ManifestEntries(const JobManifest& m) {
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&](std::string name, const std::string& value) {
    if (!value.empty()) out.emplace_back(std::move(name), value);
  };
  add("ci-run", m.ci_run);
  add("repo", m.repo);
  add("commit", m.commit);
  add("source tree", m.source_tree);
  add("dirty", m.dirty ? "yes" : "");
  add("toolchain", m.toolchain);
  add("toolchain kind", m.toolchain_kind);
  add("toolchain location", m.toolchain_location);
  // The identity is often one compiler's version line ("gcc --version"):
  // named once, as that compiler, so that one change is one entry.
  bool identity_is_a_compiler = false;
  for (const auto& [name, v] : m.compilers) identity_is_a_compiler |= v == m.toolchain_identity;
  if (!identity_is_a_compiler) add("toolchain identity", m.toolchain_identity);
  for (const auto& [name, v] : m.compilers) add("compiler " + name, v);
  for (const auto& [name, v] : m.libraries) add("library " + name, v);
  for (const auto& [name, v] : m.duniverse) add("duniverse " + name, v);
  add("target", m.target);
  for (const auto& [name, t] : m.tools) {
    add("tool " + name, t.version);
    add("tool " + name + " path", t.path);
  }
  add("build command", m.build_command);
  add("boot command", m.boot_command);
  add("image", m.image);
  add("image sha256", m.image_sha256);
  add("image size", m.image_sha256.empty() ? "" : std::to_string(m.image_size));
  return out;
}

std::string ManifestText(const JobManifest& m) {
  std::ostringstream out;
  auto line = [&](const std::string& name, const std::string& value) {
    if (value.empty()) return;
    out << "  " << name << std::string(name.size() < 20 ? 20 - name.size() : 1, ' ') << value
        << "\n";
  };
  if (!m.ci_run.empty()) out << "Recorded by ci-run " << m.ci_run << "\n";
  out << "Source\n";
  line("repo", m.repo);
  line("commit", m.commit);
  line("tree", m.source_tree);
  line("dirty", m.dirty ? "yes: a work tree as it was" : "");
  out << "Toolchain\n";
  line("name", m.toolchain);
  line("kind", m.toolchain_kind);
  line("location", m.toolchain_location);
  line("identity", m.toolchain_identity);
  for (const auto& [name, v] : m.compilers) line(name, v);
  if (!m.libraries.empty()) {
    out << "Libraries (ocamlfind)\n";
    for (const auto& [name, v] : m.libraries) line(name, v);
  }
  if (!m.duniverse.empty()) {
    out << "Duniverse (git tree ids)\n";
    for (const auto& [name, v] : m.duniverse) line(name, v);
  }
  out << "Target\n";
  line("name", m.target);
  for (const auto& [name, t] : m.tools)
    line(name, t.version + (t.path.empty() ? "" : " (" + t.path + ")"));
  out << "Build\n";
  line("command", m.build_command);
  line("outcome", m.build_outcome);
  if (!m.boot_command.empty()) {
    out << "Boot\n";
    line("command", m.boot_command);
  }
  out << "Image\n";
  line("path", m.image);
  if (m.image_sha256.empty()) {
    line("sha256", "(no image was built)");
  } else {
    line("sha256", m.image_sha256);
    line("size", std::to_string(m.image_size) + " bytes");
  }
  return out.str();
}

}  // namespace cirun
