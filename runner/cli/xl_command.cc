#include "runner/cli/xl_command.h"

#include <filesystem>

#include "harness/boot_command_line.h"
#include "harness/xl_config.h"
#include "runner/common/paths.h"
#include "runner/host/host_config.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;

// "hello" for ".../hello.xen": characters xl does not take in a name become '-'.
std::string DefaultName(const std::string& image) {
  std::string name = fs::path(image).stem().string();
  for (char& c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) c = '-';
  }
  return name;
}

}  // namespace

int RunXlCommand(const XlCommandOptions& o) {
  auto fail = [](const std::string& m) {
    fprintf(stderr, "ci-run xl: %s\n", m.c_str());
    return 2;
  };
  auto host = LoadHostConfig(o.host_config, o.cache_dir.empty() ? DefaultCacheDir() : o.cache_dir);
  if (!host.ok()) return fail(host.status().message());
  const TargetSpec* target = host->FindTarget(o.target);
  if (!target) return fail("no target named \"" + o.target + "\"");
  if (target->backend != BackendKind::kXen)
    return fail("target " + o.target + " is not a xen target (backend " +
                BackendKindName(target->backend) + ")");
  std::error_code ec;
  if (!fs::is_regular_file(o.image, ec)) return fail("no image file " + o.image);

  XlConfig config;
  config.name = o.name.empty() ? DefaultName(o.image) : o.name;
  if (Status s = CheckXlDomainName(config.name); !s.ok())
    return fail(s.message() + (o.name.empty() ? " (give one with --name)" : ""));
  config.kernel = fs::absolute(o.image, ec).lexically_normal().string();
  config.memory_mb = o.memory_mb > 0 ? o.memory_mb : target->xen.memory_mb;
  config.cmdline = JoinBootArgs(o.args);
  config.on_crash = o.on_crash.empty() ? target->xen.on_crash : o.on_crash;
  config.disks = target->xen.disks;
  if (!o.disks.empty()) {
    config.disks.clear();
    for (const std::string& path : o.disks) config.disks.push_back(XlDisk{path, "", "raw", false});
  }
  config.vifs = target->xen.vifs;
  if (!o.bridges.empty()) {
    config.vifs.clear();
    for (const std::string& bridge : o.bridges) config.vifs.push_back(XlVif{bridge});
  }
  Result<std::string> text = RenderXlConfig(config);
  if (!text.ok()) return fail(text.status().message());
  fwrite(text->data(), 1, text->size(), stdout);
  return 0;
}

void SetupXlCommand(CLI::App* sub, int* exit_code) {
  auto o = std::make_shared<XlCommandOptions>();
  sub->add_option("image", o->image, "the PVH unikernel image (kernel = its absolute path)")
      ->required();
  sub->add_option("--name", o->name, "domain name (default: the image's name without extension)");
  sub->add_option("--memory", o->memory_mb, "memory in MB (default: the target's, 64)");
  sub->add_option("--disk", o->disks,
                  "absolute path of a raw disk image, xvda, xvdb... (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--bridge", o->bridges, "a network interface on this bridge (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--on-crash", o->on_crash, "on_crash action (default: the target's, destroy)");
  sub->add_option("--target", o->target, "xen target whose settings apply (default: xen)");
  sub->add_option("--host-config", o->host_config,
                  "YAML file of toolchains and targets for this host");
  sub->add_option("--cache-dir", o->cache_dir, "cache directory (for registered toolchains)");
  sub->add_option("args", o->args, "runtime arguments, after --");
  sub->callback([o, exit_code] { *exit_code = RunXlCommand(*o); });
}

}  // namespace cirun
