#include "runner/host/ocaml_source_build.h"

#include <cctype>
#include <regex>

namespace cirun {
std::string YamlQuoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

Result<std::string> ParseOcamlVersionFile(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  static const std::regex kVersion(R"(^[0-9]+\.[0-9]+\S*$)");
  if (!std::regex_match(line, kVersion)) {
    return Status::InvalidArgument("VERSION does not start with an OCaml version: \"" + line +
                                   "\"");
  }
  return line;
}

int OcamlMajorVersion(const std::string& version) {
  int major = 0;
  size_t i = 0;
  for (; i < version.size() && std::isdigit(static_cast<unsigned char>(version[i])); ++i)
    major = major * 10 + (version[i] - '0');
  return i == 0 ? 0 : major;
}

std::vector<SourceBuildPhase> OcamlBuildPhases(const std::string& version,
                                               const std::string& prefix, int jobs) {
  std::vector<std::string> build = {"make", "-j" + std::to_string(jobs > 0 ? jobs : 1)};
  if (OcamlMajorVersion(version) < 5) build.push_back("world.opt");
  return {
      {"configure", {"./configure", "--prefix=" + prefix}, std::chrono::minutes(15)},
      {"build", build, std::chrono::minutes(90)},
      {"install", {"make", "install"}, std::chrono::minutes(15)},
  };
}

bool IsValidToolchainName(const std::string& name) {
  static const std::regex kName(R"(^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$)");
  return std::regex_match(name, kName);
}

std::string ToolchainNameMismatch(const std::string& name, const std::string& version) {
  static const std::regex kVersioned(R"(^[A-Za-z_]+[-_]?([0-9]+(\.[0-9]+)*)$)");
  std::smatch m;
  if (!std::regex_match(name, m, kVersioned)) return "";
  const std::string wanted = m[1];
  const bool matches = version.compare(0, wanted.size(), wanted) == 0 &&
                       (version.size() == wanted.size() ||
                        !std::isdigit(static_cast<unsigned char>(version[wanted.size()])));
  if (matches) return "";
  return "the name " + name + " suggests OCaml " + wanted + ", but the sources are " + version;
}

std::string RegistrationHead(const std::string& what, const std::string& name,
                             const std::string& prefix, const std::string& note) {
  std::string yaml = "# Registered by `ci-run toolchain add`" + what;
  yaml += note.empty() ? "" : ": " + note;
  yaml += "\n# Remove with `ci-run toolchain remove " + name + "`.\n";
  yaml += "toolchains:\n";
  yaml += "  " + YamlQuoted(name) + ":\n";
  yaml += "    kind: prefix\n";
  yaml += "    language: ocaml\n";
  yaml += "    prefix: " + YamlQuoted(prefix) + "\n";
  return yaml;
}

std::string RegisteredOcamlToolchainYaml(const std::string& name, const std::string& prefix,
                                         const std::string& note) {
  std::string yaml = RegistrationHead("", name, prefix, note);
  yaml += "    version: [ocamlopt, -version]\n";
  yaml += "    env: {OCAMLLIB: " + YamlQuoted(prefix + "/lib/ocaml") + "}\n";
  return yaml;
}

}  // namespace cirun
