#include "runner/host/host_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "jobs/config_reader.h"
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

// Every reader below reports through the ConfigReader (jobs/config_reader.h):
// FILE:LINE:COL at the value, or at the key for an unknown key.

void SetString(ConfigReader& r, const YamlEntry& e, std::string* out) {
  if (auto s = r.String(e)) *out = s->text;
}

bool SetStrings(ConfigReader& r, const YamlEntry& e, std::vector<std::string>* out) {
  auto list = r.Strings(e);
  if (!list) return false;
  out->clear();
  for (const YamlString& s : *list) out->push_back(s.text);
  return true;
}

void SetBool(ConfigReader& r, const YamlEntry& e, bool* out) {
  if (auto b = r.Bool(e)) *out = *b;
}

void SetByteSize(ConfigReader& r, const YamlEntry& e, uint64_t* out) {
  auto s = r.String(e);
  if (!s) return;
  auto size = ParseByteSize(s->text);
  if (!size.ok())
    r.Error(s->pos, Quote(e.name) + ": " + size.status().message());
  else
    *out = *size;
}

// "a, b, c".
std::string JoinNames(std::span<const std::string_view> names) {
  std::string out;
  for (std::string_view n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

// One of `choices`, stored as the text itself.
void SetChoice(ConfigReader& r, const YamlEntry& e, std::span<const std::string_view> choices,
               std::string* out) {
  if (auto i = r.Choice(e, choices)) *out = std::string(choices[*i]);
}

// A settings map read through a table: one reader per key.
template <typename T>
struct KeyReader {
  std::string_view name;
  void (*read)(ConfigReader& r, const YamlEntry& e, T* out);
};

// Runs each entry's reader from `table`; reports any other key as `unknown
// <key_word> "k" <where> (expected k1, k2, ...)` with a did-you-mean hint.
template <typename T, size_t N>
void ReadKeys(ConfigReader& r, const std::vector<YamlEntry>& entries,
              const KeyReader<T> (&table)[N], std::string_view key_word, const std::string& where,
              T* out) {
  std::string_view names[N];
  for (size_t i = 0; i < N; ++i) names[i] = table[i].name;
  for (const YamlEntry& e : entries) {
    const KeyReader<T>* reader = nullptr;
    for (const KeyReader<T>& k : table) {
      if (k.name == e.name) reader = &k;
    }
    if (reader) {
      reader->read(r, e, out);
    } else {
      r.Error(r.Pos(e.key), "unknown " + std::string(key_word) + " " + Quote(e.name) +
                                (where.empty() ? "" : " " + where) + " (expected " +
                                JoinNames(names) + ")" + DidYouMean(e.name, names));
    }
  }
}

// sandbox: (harness/sandbox.h's SandboxPolicy).
const KeyReader<SandboxPolicy> kSandboxKeys[] = {
    {"enabled",
     [](ConfigReader& r, const YamlEntry& e, SandboxPolicy* p) { SetBool(r, e, &p->enabled); }},
    {"memory", [](ConfigReader& r, const YamlEntry& e,
                  SandboxPolicy* p) { SetByteSize(r, e, &p->limits.memory_bytes); }},
    {"processes",
     [](ConfigReader& r, const YamlEntry& e, SandboxPolicy* p) {
       auto n = r.Int(e, 0, INT_MAX);
       if (n && *n < 1)
         r.Error(r.Pos(e), "\"processes\": expected at least 1");
       else if (n)
         p->limits.processes = static_cast<int>(*n);
     }},
    {"cpu-time",
     [](ConfigReader& r, const YamlEntry& e, SandboxPolicy* p) {
       auto s = r.String(e);
       if (!s) return;
       auto duration = ParseDuration(s->text);
       if (!duration.ok() || duration->count() < 1000)
         r.Error(s->pos, "\"cpu-time\": expected a duration of at least 1s, e.g. 30m or 2h");
       else
         p->limits.cpu_time = std::chrono::duration_cast<std::chrono::seconds>(*duration);
     }},
    {"file-size", [](ConfigReader& r, const YamlEntry& e,
                     SandboxPolicy* p) { SetByteSize(r, e, &p->limits.file_bytes); }},
    {"disk", [](ConfigReader& r, const YamlEntry& e,
                SandboxPolicy* p) { SetByteSize(r, e, &p->limits.disk_bytes); }},
    {"read-only", [](ConfigReader& r, const YamlEntry& e,
                     SandboxPolicy* p) { SetStrings(r, e, &p->read_only); }},
    {"bwrap",
     [](ConfigReader& r, const YamlEntry& e, SandboxPolicy* p) { SetString(r, e, &p->bwrap); }},
};

void ReadSandbox(ConfigReader& r, const YamlEntry& entry, SandboxPolicy* policy) {
  if (auto entries = r.Entries(entry))
    ReadKeys(r, *entries, kSandboxKeys, "sandbox key", "", policy);
}

// toolchains: NAME: {...}.
constexpr std::string_view kToolchainKinds[] = {"system", "prefix", "opam"};
const KeyReader<ToolchainSpec> kToolchainKeys[] = {
    {"kind",
     [](ConfigReader& r, const YamlEntry& e, ToolchainSpec* t) {
       if (auto i = r.Choice(e, kToolchainKinds)) {
         constexpr ToolchainSpec::Kind kinds[] = {ToolchainSpec::Kind::kSystem,
                                                  ToolchainSpec::Kind::kPrefix,
                                                  ToolchainSpec::Kind::kOpam};
         t->kind = kinds[*i];
       }
     }},
    {"language",
     [](ConfigReader& r, const YamlEntry& e, ToolchainSpec* t) { SetString(r, e, &t->language); }},
    {"version", [](ConfigReader& r, const YamlEntry& e,
                   ToolchainSpec* t) { SetStrings(r, e, &t->version_command); }},
    {"env",
     [](ConfigReader& r, const YamlEntry& e, ToolchainSpec* t) {
       auto vars = r.Entries(e);
       if (!vars) return;
       for (const YamlEntry& v : *vars) SetString(r, v, &t->env[v.name]);
     }},
    {"prefix",
     [](ConfigReader& r, const YamlEntry& e, ToolchainSpec* t) { SetString(r, e, &t->prefix); }},
    {"switch", [](ConfigReader& r, const YamlEntry& e,
                  ToolchainSpec* t) { SetString(r, e, &t->opam_switch); }},
    {"targets",
     [](ConfigReader& r, const YamlEntry& e, ToolchainSpec* t) { SetStrings(r, e, &t->targets); }},
};

void ReadToolchain(ConfigReader& r, const YamlEntry& entry, const std::string& file,
                   HostConfig* config) {
  const std::string& name = entry.name;
  auto entries = r.Entries(entry.value, r.Pos(entry), "toolchain " + Quote(name));
  if (!entries) return;
  const ToolchainSpec* existing = config->FindToolchain(name);
  ToolchainSpec t = existing ? *existing : ToolchainSpec{};
  t.name = name;
  t.origin = file;
  ReadKeys(r, *entries, kToolchainKeys, "key", "in toolchain " + Quote(name), &t);
  const SourcePos pos = r.Pos(entry);
  if (t.kind == ToolchainSpec::Kind::kPrefix && t.prefix.empty())
    r.Error(pos, "toolchain " + Quote(name) + ": kind prefix needs \"prefix\"");
  if (t.kind == ToolchainSpec::Kind::kOpam && t.opam_switch.empty())
    r.Error(pos, "toolchain " + Quote(name) + ": kind opam needs \"switch\"");
  if (t.version_command.empty())
    r.Error(pos,
            "toolchain " + Quote(name) + ": needs \"version\" (a command printing its version)");
  config->Put(std::move(t));
}

// `disks:` of a xen target: each item a path, or {path, vdev, format, access: rw|ro}.
constexpr std::string_view kAccess[] = {"rw", "ro"};
const KeyReader<XlDisk> kDiskKeys[] = {
    {"path", [](ConfigReader& r, const YamlEntry& e, XlDisk* d) { SetString(r, e, &d->target); }},
    {"vdev", [](ConfigReader& r, const YamlEntry& e, XlDisk* d) { SetString(r, e, &d->vdev); }},
    {"format", [](ConfigReader& r, const YamlEntry& e, XlDisk* d) { SetString(r, e, &d->format); }},
    {"access",
     [](ConfigReader& r, const YamlEntry& e, XlDisk* d) {
       if (auto i = r.Choice(e, kAccess)) d->read_only = kAccess[*i] == "ro";
     }},
};

void ReadXenDisks(ConfigReader& r, const YamlEntry& e, std::vector<XlDisk>* out) {
  if (!e.value.IsSequence()) {
    r.Expected(e, "a list of paths or {path, vdev, format, access} maps");
    return;
  }
  out->clear();
  for (size_t i = 0; i < e.value.size(); ++i) {
    const YAML::Node& item = e.value[i];
    XlDisk disk;
    if (item.IsScalar()) {
      disk.target = item.Scalar();
    } else if (item.IsMap()) {
      auto entries = r.Entries(item, r.Pos(item), "a disk");
      if (!entries) continue;
      ReadKeys(r, *entries, kDiskKeys, "key", "in a disk", &disk);
    } else {
      r.Expected(item, r.Pos(item), "\"disks\"", "a path or a {path, vdev, format, access} map");
      continue;
    }
    if (Result<std::string> spec = XlDiskSpec(disk, i); !spec.ok())
      r.Error(r.Pos(item), "\"disks\": " + spec.status().message());
    else
      out->push_back(disk);
  }
}

void ReadBridges(ConfigReader& r, const YamlEntry& e, std::vector<XlVif>* out) {
  auto bridges = r.Strings(e);
  if (!bridges) return;
  out->clear();
  for (const YamlString& bridge : *bridges) {
    XlVif vif{bridge.text};
    if (Result<std::string> spec = XlVifSpec(vif); !spec.ok())
      r.Error(bridge.pos, "\"bridges\": " + spec.status().message());
    else
      out->push_back(vif);
  }
}

bool IsSolo5(BackendKind kind) {
  return kind == BackendKind::kSolo5Hvt || kind == BackendKind::kSolo5Spt ||
         kind == BackendKind::kSolo5Virtio;
}

// A map of Solo5 device name -> host resource, in file order.
void ReadSolo5Devices(ConfigReader& r, const YamlEntry& e, Solo5Devices* out) {
  if (!e.value.IsMap()) {
    r.Expected(e, std::string("a map of device name: ") +
                      (e.name == "block" ? "image file" : "tap interface"));
    return;
  }
  auto devices = r.Entries(e);
  if (!devices) return;
  out->clear();
  for (const YamlEntry& device : *devices) {
    auto value = r.String(device);
    if (!value) return;
    bool alnum = !device.name.empty();
    for (char c : device.name) alnum = alnum && std::isalnum(static_cast<unsigned char>(c));
    if (!alnum) {
      r.Error(r.Pos(device.key), Quote(e.name) + ": device name " + Quote(device.name) +
                                     " must be letters and digits (a Solo5 manifest name)");
      return;
    }
    out->emplace_back(device.name, value->text);
  }
}

constexpr BackendKind kBackends[] = {BackendKind::kProcess,  BackendKind::kQemu,
                                     BackendKind::kXen,      BackendKind::kSolo5Hvt,
                                     BackendKind::kSolo5Spt, BackendKind::kSolo5Virtio};
constexpr std::string_view kAccels[] = {"tcg", "kvm", "auto"};
constexpr std::string_view kExits[] = {"isa-debug-exit", "semihosting"};
constexpr std::string_view kOnCrash[] = {"destroy", "coredump-destroy"};
constexpr std::string_view kArgv[] = {"verbatim", "mirage"};

void ReadBackend(ConfigReader& r, const YamlEntry& e, TargetSpec* t) {
  std::vector<std::string_view> names;
  for (BackendKind k : kBackends) names.push_back(BackendKindName(k));
  if (auto i = r.Choice(e, names)) t->backend = kBackends[*i];
}

// "memory" means megabytes (an integer) on xen, megabytes (a string of
// digits) on Solo5, and QEMU's -m elsewhere: the backend is read first.
void ReadMemory(ConfigReader& r, const YamlEntry& e, TargetSpec* t) {
  if (t->backend == BackendKind::kXen) {
    if (auto mb = r.Int(e, 1, INT_MAX)) t->xen.memory_mb = static_cast<int>(*mb);
  } else if (IsSolo5(t->backend)) {
    auto s = r.String(e);
    if (!s) return;
    if (s->text.empty() || s->text.find_first_not_of("0123456789") != std::string::npos)
      r.Error(s->pos, "\"memory\": expected megabytes (a number) for a Solo5 target");
    else
      t->solo5.memory_mb = s->text;
  } else {
    SetString(r, e, &t->qemu.memory);
  }
}

// targets: NAME: {...}: one reader per key (a new backend's keys go here).
const KeyReader<TargetSpec> kTargetKeys[] = {
    {"backend", ReadBackend},
    {"arch", [](ConfigReader& r, const YamlEntry& e, TargetSpec* t) { SetString(r, e, &t->arch); }},
    {"binary",
     [](ConfigReader& r, const YamlEntry& e, TargetSpec* t) { SetString(r, e, &t->qemu.binary); }},
    {"machine",
     [](ConfigReader& r, const YamlEntry& e, TargetSpec* t) { SetString(r, e, &t->qemu.machine); }},
    {"cpu",
     [](ConfigReader& r, const YamlEntry& e, TargetSpec* t) { SetString(r, e, &t->qemu.cpu); }},
    {"memory", ReadMemory},
    {"accel", [](ConfigReader& r, const YamlEntry& e,
                 TargetSpec* t) { SetChoice(r, e, kAccels, &t->qemu.accel); }},
    {"exit",
     [](ConfigReader& r, const YamlEntry& e, TargetSpec* t) {
       if (auto i = r.Choice(e, kExits))
         t->qemu.exit_convention =
             *i == 0 ? QemuExitConvention::kIsaDebugExit : QemuExitConvention::kSemihosting;
     }},
    {"extra-args",
     [](ConfigReader& r, const YamlEntry& e, TargetSpec* t) {
       SetStrings(r, e, IsSolo5(t->backend) ? &t->solo5.extra_args : &t->qemu.extra_args);
     }},
    {"xl", [](ConfigReader& r, const YamlEntry& e, TargetSpec* t) { SetString(r, e, &t->xen.xl); }},
    {"qemu-fallback", [](ConfigReader& r, const YamlEntry& e,
                         TargetSpec* t) { SetBool(r, e, &t->xen.qemu_fallback); }},
    {"force-xl",
     [](ConfigReader& r, const YamlEntry& e, TargetSpec* t) { SetBool(r, e, &t->xen.force_xl); }},
    {"on-crash", [](ConfigReader& r, const YamlEntry& e,
                    TargetSpec* t) { SetChoice(r, e, kOnCrash, &t->xen.on_crash); }},
    {"disks",
     [](ConfigReader& r, const YamlEntry& e, TargetSpec* t) { ReadXenDisks(r, e, &t->xen.disks); }},
    {"bridges",
     [](ConfigReader& r, const YamlEntry& e, TargetSpec* t) { ReadBridges(r, e, &t->xen.vifs); }},
    {"tender",
     [](ConfigReader& r, const YamlEntry& e, TargetSpec* t) { SetString(r, e, &t->solo5.tender); }},
    {"block", [](ConfigReader& r, const YamlEntry& e,
                 TargetSpec* t) { ReadSolo5Devices(r, e, &t->solo5.block); }},
    {"net", [](ConfigReader& r, const YamlEntry& e,
               TargetSpec* t) { ReadSolo5Devices(r, e, &t->solo5.net); }},
    {"double-commas", [](ConfigReader& r, const YamlEntry& e,
                         TargetSpec* t) { SetBool(r, e, &t->solo5.double_commas); }},
    {"argv",
     [](ConfigReader& r, const YamlEntry& e, TargetSpec* t) {
       if (auto i = r.Choice(e, kArgv))
         t->process_argv = *i == 0 ? ProcessArgv::kVerbatim : ProcessArgv::kMirage;
     }},
    {"network",
     [](ConfigReader& r, const YamlEntry& e, TargetSpec* t) { SetBool(r, e, &t->network); }},
};

void ReadTarget(ConfigReader& r, const YamlEntry& entry, HostConfig* config) {
  const std::string& name = entry.name;
  auto entries = r.Entries(entry.value, r.Pos(entry), "target " + Quote(name));
  if (!entries) return;
  const TargetSpec* existing = config->FindTarget(name);
  TargetSpec t = existing ? *existing : TargetSpec{};
  t.name = name;
  // The backend first: it decides what "memory" and "extra-args" mean.
  // (Copies, not assignments: assigning a YAML::Node writes into the node.)
  std::vector<YamlEntry> ordered;
  for (const YamlEntry& e : *entries)
    if (e.name == "backend") ordered.push_back(e);
  for (const YamlEntry& e : *entries)
    if (e.name != "backend") ordered.push_back(e);
  ReadKeys(r, ordered, kTargetKeys, "key", "in target " + Quote(name), &t);
  config->Put(std::move(t));
}

// toolchains: or targets: each entry a NAME: {settings} map.
template <typename ReadOne>
void ReadSection(ConfigReader& r, const YamlEntry& section, ReadOne read_one) {
  auto entries = r.Entries(section);
  if (!entries) return;
  for (const YamlEntry& e : *entries) read_one(e);
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
  if (digits > 0 && digits <= 12 && shift < 64) {
    value = std::stoull(text.substr(0, digits));
    // 12 digits of terabytes would wrap around: a size that large is refused.
    value = value > (std::numeric_limits<uint64_t>::max() >> shift) ? 0 : value << shift;
  }
  if (value == 0)
    return Status::InvalidArgument("expected a size such as 512MiB, 4GiB or 4G, got " +
                                   Quote(text));
  return value;
}

Status ApplyHostConfig(const std::string& text, const std::string& file_name, bool allow_other_keys,
                       HostConfig* config) {
  ConfigReader r(file_name);
  YAML::Node root = r.Load(text);
  if (root.IsNull()) return r.TakeStatus();
  if (!root.IsMap()) {
    r.Error(r.Pos(root), "expected a map with \"toolchains\" and \"targets\"");
    return r.TakeStatus();
  }
  try {
    auto entries = r.Entries(root, r.Start(), "top level");
    for (const YamlEntry& e : entries.value_or(std::vector<YamlEntry>())) {
      if (e.name == "toolchains") {
        ReadSection(r, e, [&](const YamlEntry& t) { ReadToolchain(r, t, file_name, config); });
      } else if (e.name == "targets") {
        ReadSection(r, e, [&](const YamlEntry& t) { ReadTarget(r, t, config); });
      } else if (e.name == "sandbox") {
        ReadSandbox(r, e, &config->sandbox);
      } else if (!allow_other_keys) {
        r.Error(r.Pos(e.key),
                "unknown key " + Quote(e.name) + " (expected toolchains, targets, sandbox)");
      }
    }
  } catch (const YAML::Exception& e) {
    r.Error(e.mark.line < 0 ? r.Start() : SourcePos{file_name, e.mark.line + 1, e.mark.column + 1},
            e.msg);
  }
  return r.TakeStatus();
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
