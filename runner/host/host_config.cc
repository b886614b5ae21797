#include "runner/host/host_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "jobs/repo_config_parser.h"

namespace cirun {

const ToolchainSpec* HostConfig::FindToolchain(const std::string& name) const {
  for (const auto& t : toolchains)
    if (t.name == name) return &t;
  return nullptr;
}

const TargetSpec* HostConfig::FindTarget(const std::string& name) const {
  for (const auto& t : targets)
    if (t.name == name) return &t;
  return nullptr;
}

void HostConfig::Put(ToolchainSpec t) {
  for (auto& existing : toolchains) {
    if (existing.name == t.name) {
      existing = std::move(t);
      return;
    }
  }
  toolchains.push_back(std::move(t));
}

void HostConfig::Put(TargetSpec t) {
  for (auto& existing : targets) {
    if (existing.name == t.name) {
      existing = std::move(t);
      return;
    }
  }
  targets.push_back(std::move(t));
}

HostConfig DefaultHostConfig() {
  HostConfig config;
  config.toolchains = {
      {"gcc", ToolchainSpec::Kind::kSystem, "c", {"gcc", "--version"}, {{"CC", "gcc"}}, "", ""},
      {"clang",
       ToolchainSpec::Kind::kSystem,
       "c",
       {"clang", "--version"},
       {{"CC", "clang"}},
       "",
       ""},
      {"ocaml-4.13",
       ToolchainSpec::Kind::kSystem,
       "ocaml",
       {"ocamlfind", "ocamlopt", "-version"},
       {},
       "",
       ""},
  };
  config.targets = DefaultTargets();
  return config;
}

namespace {

// Collects "file:line:col: message" diagnostics while reading YAML nodes.
class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}
  void Add(const YAML::Mark& mark, const std::string& message) {
    std::ostringstream out;
    out << file_ << ":" << mark.line + 1 << ":" << mark.column + 1 << ": " << message;
    lines_.push_back(out.str());
  }
  bool empty() const { return lines_.empty(); }
  Status ToStatus() const {
    std::string all;
    for (const auto& l : lines_) all += (all.empty() ? "" : "\n") + l;
    return Status::InvalidArgument(all);
  }

 private:
  std::string file_;
  std::vector<std::string> lines_;
};

bool ReadString(const YAML::Node& n, const std::string& what, Diagnostics& d, std::string* out) {
  if (!n.IsScalar()) {
    d.Add(n.Mark(), "\"" + what + "\": expected a string");
    return false;
  }
  *out = n.as<std::string>();
  return true;
}

bool ReadStringList(const YAML::Node& n, const std::string& what, Diagnostics& d,
                    std::vector<std::string>* out) {
  if (!n.IsSequence()) {
    d.Add(n.Mark(), "\"" + what + "\": expected a list of strings");
    return false;
  }
  out->clear();
  for (const auto& item : n) {
    std::string s;
    if (!ReadString(item, what, d, &s)) return false;
    out->push_back(s);
  }
  return true;
}

bool ReadBool(const YAML::Node& n, const std::string& what, Diagnostics& d, bool* out) {
  try {
    *out = n.as<bool>();
    return true;
  } catch (const YAML::Exception&) {
    d.Add(n.Mark(), "\"" + what + "\": expected true or false");
    return false;
  }
}

bool ReadInt(const YAML::Node& n, const std::string& what, Diagnostics& d, int* out) {
  try {
    *out = n.as<int>();
    return true;
  } catch (const YAML::Exception&) {
    d.Add(n.Mark(), "\"" + what + "\": expected an integer");
    return false;
  }
}

bool ReadByteSize(const YAML::Node& n, const std::string& what, Diagnostics& d, uint64_t* out) {
  std::string s;
  if (!ReadString(n, what, d, &s)) return false;
  auto size = ParseByteSize(s);
  if (!size.ok()) {
    d.Add(n.Mark(), "\"" + what + "\": " + size.status().message());
    return false;
  }
  *out = *size;
  return true;
}

void ReadSandbox(const YAML::Node& node, Diagnostics& d, SandboxPolicy* policy) {
  if (!node.IsMap()) {
    d.Add(node.Mark(), "\"sandbox\": expected a map of settings");
    return;
  }
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    SandboxLimits& limits = policy->limits;
    if (key == "enabled") {
      ReadBool(v, key, d, &policy->enabled);
    } else if (key == "memory") {
      ReadByteSize(v, key, d, &limits.memory_bytes);
    } else if (key == "file-size") {
      ReadByteSize(v, key, d, &limits.file_bytes);
    } else if (key == "disk") {
      ReadByteSize(v, key, d, &limits.disk_bytes);
    } else if (key == "processes") {
      if (ReadInt(v, key, d, &limits.processes) && limits.processes < 1)
        d.Add(v.Mark(), "\"processes\": expected at least 1");
    } else if (key == "cpu-time") {
      std::string s;
      if (!ReadString(v, key, d, &s)) continue;
      auto duration = ParseDuration(s);
      if (!duration.ok() || duration->count() < 1000)
        d.Add(v.Mark(), "\"cpu-time\": expected a duration of at least 1s, e.g. 30m or 2h");
      else
        limits.cpu_time = std::chrono::duration_cast<std::chrono::seconds>(*duration);
    } else if (key == "read-only") {
      ReadStringList(v, key, d, &policy->read_only);
    } else if (key == "bwrap") {
      ReadString(v, key, d, &policy->bwrap);
    } else {
      d.Add(kv.first.Mark(), "unknown sandbox key \"" + key +
                                 "\" (expected enabled, memory, processes, cpu-time, file-size, "
                                 "disk, read-only, bwrap)");
    }
  }
}

void ReadToolchain(const std::string& name, const YAML::Node& node, const std::string& file,
                   Diagnostics& d, HostConfig* config) {
  const ToolchainSpec* existing = config->FindToolchain(name);
  ToolchainSpec t = existing ? *existing : ToolchainSpec{};
  t.name = name;
  t.origin = file;
  if (!node.IsMap()) {
    d.Add(node.Mark(), "toolchain \"" + name + "\": expected a map");
    return;
  }
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    std::string s;
    if (key == "kind" && ReadString(v, key, d, &s)) {
      if (s == "system")
        t.kind = ToolchainSpec::Kind::kSystem;
      else if (s == "prefix")
        t.kind = ToolchainSpec::Kind::kPrefix;
      else if (s == "opam")
        t.kind = ToolchainSpec::Kind::kOpam;
      else
        d.Add(v.Mark(), "\"kind\": expected system, prefix or opam, got \"" + s + "\"");
    } else if (key == "language" && ReadString(v, key, d, &s)) {
      t.language = s;
    } else if (key == "version") {
      ReadStringList(v, key, d, &t.version_command);
    } else if (key == "prefix") {
      ReadString(v, key, d, &t.prefix);
    } else if (key == "targets") {
      ReadStringList(v, key, d, &t.targets);
    } else if (key == "switch") {
      ReadString(v, key, d, &t.opam_switch);
    } else if (key == "env") {
      if (!v.IsMap())
        d.Add(v.Mark(), "\"env\": expected a map of NAME: value");
      else
        for (const auto& e : v) t.env[e.first.as<std::string>()] = e.second.as<std::string>();
    } else if (key != "kind" && key != "language") {
      d.Add(kv.first.Mark(),
            "unknown key \"" + key + "\" in toolchain \"" + name +
                "\" (expected kind, language, version, env, prefix, switch, targets)");
    }
  }
  if (t.kind == ToolchainSpec::Kind::kPrefix && t.prefix.empty()) {
    d.Add(node.Mark(), "toolchain \"" + name + "\": kind prefix needs \"prefix\"");
  }
  if (t.kind == ToolchainSpec::Kind::kOpam && t.opam_switch.empty()) {
    d.Add(node.Mark(), "toolchain \"" + name + "\": kind opam needs \"switch\"");
  }
  if (t.version_command.empty()) {
    d.Add(node.Mark(),
          "toolchain \"" + name + "\": needs \"version\" (a command printing its version)");
  }
  config->Put(std::move(t));
}

bool ParseBackend(const std::string& s, BackendKind* out) {
  for (BackendKind k :
       {BackendKind::kProcess, BackendKind::kQemu, BackendKind::kXen, BackendKind::kSolo5Hvt,
        BackendKind::kSolo5Spt, BackendKind::kSolo5Virtio}) {
    if (s == BackendKindName(k)) {
      *out = k;
      return true;
    }
  }
  return false;
}

// `disks:` of a xen target: each item a path, or {path, vdev, format, access: rw|ro}.
void ReadXenDisks(const YAML::Node& v, Diagnostics& d, std::vector<XlDisk>* out) {
  if (!v.IsSequence()) {
    d.Add(v.Mark(), "\"disks\": expected a list of paths or {path, vdev, format, access} maps");
    return;
  }
  out->clear();
  for (size_t i = 0; i < v.size(); ++i) {
    const YAML::Node& item = v[i];
    XlDisk disk;
    if (item.IsScalar()) {
      disk.target = item.as<std::string>();
    } else if (item.IsMap()) {
      for (const auto& kv : item) {
        const std::string key = kv.first.as<std::string>();
        std::string s;
        if (key == "path") {
          ReadString(kv.second, key, d, &disk.target);
        } else if (key == "vdev") {
          ReadString(kv.second, key, d, &disk.vdev);
        } else if (key == "format") {
          ReadString(kv.second, key, d, &disk.format);
        } else if (key == "access" && ReadString(kv.second, key, d, &s)) {
          if (s != "rw" && s != "ro") d.Add(kv.second.Mark(), "\"access\": expected rw or ro");
          disk.read_only = s == "ro";
        } else if (key != "access") {
          d.Add(kv.first.Mark(), "unknown key \"" + key +
                                     "\" in a disk (expected path, vdev, "
                                     "format, access)");
        }
      }
    } else {
      d.Add(item.Mark(), "\"disks\": expected a path or a {path, vdev, format, access} map");
      continue;
    }
    if (Result<std::string> spec = XlDiskSpec(disk, i); !spec.ok())
      d.Add(item.Mark(), "\"disks\": " + spec.status().message());
    else
      out->push_back(disk);
  }
}

bool IsSolo5(BackendKind kind) {
  return kind == BackendKind::kSolo5Hvt || kind == BackendKind::kSolo5Spt ||
         kind == BackendKind::kSolo5Virtio;
}

// A map of Solo5 device name -> host resource, in file order.
void ReadSolo5Devices(const YAML::Node& v, const std::string& what, Diagnostics& d,
                      Solo5Devices* out) {
  if (!v.IsMap()) {
    d.Add(v.Mark(), "\"" + what + "\": expected a map of device name: " +
                        (what == "block" ? "image file" : "tap interface"));
    return;
  }
  out->clear();
  for (const auto& kv : v) {
    std::string name = kv.first.as<std::string>(), value;
    if (!ReadString(kv.second, what, d, &value)) return;
    bool alnum = !name.empty();
    for (char c : name) alnum = alnum && std::isalnum(static_cast<unsigned char>(c));
    if (!alnum) {
      d.Add(kv.first.Mark(), "\"" + what + "\": device name \"" + name +
                                 "\" must be letters and digits (a Solo5 manifest name)");
      return;
    }
    out->emplace_back(name, value);
  }
}

void ReadTargetKey(const std::string& key, const YAML::Node& v, const YAML::Node& k, Diagnostics& d,
                   TargetSpec* t) {
  std::string s;
  if (key == "backend") {
    if (ReadString(v, key, d, &s) && !ParseBackend(s, &t->backend)) {
      d.Add(v.Mark(),
            "\"backend\": expected process, qemu, xen, solo5-hvt, solo5-spt or solo5-virtio, got "
            "\"" +
                s + "\"");
    }
  } else if (key == "arch") {
    ReadString(v, key, d, &t->arch);
  } else if (key == "network") {
    ReadBool(v, key, d, &t->network);
  } else if (key == "binary") {
    ReadString(v, key, d, &t->qemu.binary);
  } else if (key == "machine") {
    ReadString(v, key, d, &t->qemu.machine);
  } else if (key == "cpu") {
    ReadString(v, key, d, &t->qemu.cpu);
  } else if (key == "memory") {
    if (t->backend == BackendKind::kXen) {
      ReadInt(v, key, d, &t->xen.memory_mb);
    } else if (IsSolo5(t->backend)) {
      if (ReadString(v, key, d, &s)) {
        if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
          d.Add(v.Mark(), "\"memory\": expected megabytes (a number) for a Solo5 target");
        else
          t->solo5.memory_mb = s;
      }
    } else {
      ReadString(v, key, d, &t->qemu.memory);
    }
  } else if (key == "accel") {
    if (ReadString(v, key, d, &s)) {
      if (s != "tcg" && s != "kvm" && s != "auto")
        d.Add(v.Mark(), "\"accel\": expected tcg, kvm or auto");
      else
        t->qemu.accel = s;
    }
  } else if (key == "exit") {
    if (ReadString(v, key, d, &s)) {
      if (s == "isa-debug-exit")
        t->qemu.exit_convention = QemuExitConvention::kIsaDebugExit;
      else if (s == "semihosting")
        t->qemu.exit_convention = QemuExitConvention::kSemihosting;
      else
        d.Add(v.Mark(), "\"exit\": expected isa-debug-exit or semihosting, got \"" + s + "\"");
    }
  } else if (key == "extra-args") {
    std::vector<std::string>& args = IsSolo5(t->backend) ? t->solo5.extra_args : t->qemu.extra_args;
    ReadStringList(v, key, d, &args);
  } else if (key == "xl") {
    ReadString(v, key, d, &t->xen.xl);
  } else if (key == "qemu-fallback") {
    ReadBool(v, key, d, &t->xen.qemu_fallback);
  } else if (key == "force-xl") {
    ReadBool(v, key, d, &t->xen.force_xl);
  } else if (key == "on-crash") {
    if (ReadString(v, key, d, &s)) {
      if (s != "destroy" && s != "coredump-destroy")
        d.Add(v.Mark(), "\"on-crash\": expected destroy or coredump-destroy, got \"" + s + "\"");
      else
        t->xen.on_crash = s;
    }
  } else if (key == "disks") {
    ReadXenDisks(v, d, &t->xen.disks);
  } else if (key == "bridges") {
    std::vector<std::string> bridges;
    if (ReadStringList(v, key, d, &bridges)) {
      t->xen.vifs.clear();
      for (size_t i = 0; i < bridges.size(); ++i) {
        XlVif vif{bridges[i]};
        if (Result<std::string> spec = XlVifSpec(vif); !spec.ok())
          d.Add(v[i].Mark(), "\"bridges\": " + spec.status().message());
        else
          t->xen.vifs.push_back(vif);
      }
    }
  } else if (key == "tender") {
    ReadString(v, key, d, &t->solo5.tender);
  } else if (key == "block") {
    ReadSolo5Devices(v, key, d, &t->solo5.block);
  } else if (key == "net") {
    ReadSolo5Devices(v, key, d, &t->solo5.net);
  } else if (key == "double-commas") {
    ReadBool(v, key, d, &t->solo5.double_commas);
  } else if (key == "argv") {
    if (ReadString(v, key, d, &s)) {
      if (s == "verbatim")
        t->process_argv = ProcessArgv::kVerbatim;
      else if (s == "mirage")
        t->process_argv = ProcessArgv::kMirage;
      else
        d.Add(v.Mark(), "\"argv\": expected verbatim or mirage, got \"" + s + "\"");
    }
  } else {
    d.Add(k.Mark(), "unknown key \"" + key + "\" in target \"" + t->name +
                        "\" (expected backend, arch, binary, machine, cpu, memory, accel, exit, "
                        "extra-args, xl, qemu-fallback, force-xl, on-crash, disks, bridges, "
                        "tender, block, net, double-commas, argv)");
  }
}

void ReadTarget(const std::string& name, const YAML::Node& node, Diagnostics& d,
                HostConfig* config) {
  if (!node.IsMap()) {
    d.Add(node.Mark(), "target \"" + name + "\": expected a map");
    return;
  }
  const TargetSpec* existing = config->FindTarget(name);
  TargetSpec t = existing ? *existing : TargetSpec{};
  t.name = name;
  // The backend first: it decides what "memory" and "extra-args" mean.
  if (node["backend"]) ReadTargetKey("backend", node["backend"], node["backend"], d, &t);
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (key != "backend") ReadTargetKey(key, kv.second, kv.first, d, &t);
  }
  config->Put(std::move(t));
}

}  // namespace

Result<uint64_t> ParseByteSize(const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  std::string unit = text.substr(digits);
  uint64_t shift = 0;
  if (unit.empty() || unit == "B")
    shift = 0;
  else if (unit == "K" || unit == "KiB" || unit == "k")
    shift = 10;
  else if (unit == "M" || unit == "MiB")
    shift = 20;
  else if (unit == "G" || unit == "GiB")
    shift = 30;
  else if (unit == "T" || unit == "TiB")
    shift = 40;
  else
    shift = 64;
  uint64_t value = 0;
  if (digits > 0 && digits <= 12 && shift < 64)
    value = std::stoull(text.substr(0, digits)) << shift;
  if (value == 0)
    return Status::InvalidArgument("expected a size such as 512MiB, 4GiB or 4G, got \"" + text +
                                   "\"");
  return value;
}

Status ApplyHostConfig(const std::string& text, const std::string& file_name, bool allow_other_keys,
                       HostConfig* config) {
  Diagnostics d(file_name);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    d.Add(e.mark, e.msg);
    return d.ToStatus();
  }
  if (root.IsNull()) return Status::Ok();
  if (!root.IsMap()) {
    d.Add(root.Mark(), "expected a map with \"toolchains\" and \"targets\"");
    return d.ToStatus();
  }
  try {
    for (const auto& kv : root) {
      const std::string key = kv.first.as<std::string>();
      if (key == "toolchains" || key == "targets") {
        if (!kv.second.IsMap()) {
          d.Add(kv.second.Mark(), "\"" + key + "\": expected a map of name: settings");
          continue;
        }
        for (const auto& entry : kv.second) {
          const std::string name = entry.first.as<std::string>();
          if (key == "toolchains")
            ReadToolchain(name, entry.second, file_name, d, config);
          else
            ReadTarget(name, entry.second, d, config);
        }
      } else if (key == "sandbox") {
        ReadSandbox(kv.second, d, &config->sandbox);
      } else if (!allow_other_keys) {
        d.Add(kv.first.Mark(),
              "unknown key \"" + key + "\" (expected toolchains, targets, sandbox)");
      }
    }
  } catch (const YAML::Exception& e) {
    d.Add(e.mark, e.msg);
  }
  return d.empty() ? Status::Ok() : d.ToStatus();
}

Result<HostConfig> LoadHostConfig(const std::string& path, const std::string& cache_dir) {
  HostConfig config = DefaultHostConfig();
  namespace fs = std::filesystem;
  std::error_code ec;
  // Toolchains built by `ci-run toolchain add`: CACHE/toolchains/NAME/toolchain.yml.
  fs::path registered = fs::path(cache_dir) / "toolchains";
  if (!cache_dir.empty() && fs::is_directory(registered, ec)) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(registered, ec)) {
      fs::path f = entry.path() / "toolchain.yml";
      if (fs::exists(f, ec)) files.push_back(f);
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      std::ifstream in(f);
      std::stringstream text;
      text << in.rdbuf();
      CIRUN_RETURN_IF_ERROR(ApplyHostConfig(text.str(), f.string(), false, &config));
    }
  }
  if (!path.empty()) {
    std::ifstream in(path);
    if (!in) return Status::NotFound("cannot read host config " + path);
    std::stringstream text;
    text << in.rdbuf();
    CIRUN_RETURN_IF_ERROR(ApplyHostConfig(text.str(), path, false, &config));
  }
  return config;
}

}  // namespace cirun
