#include "runner/cli/toolchain_command.h"

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "runner/common/exit_code.h"
#include "runner/common/interrupt.h"
#include "runner/common/paths.h"
#include "runner/common/terminal_progress.h"
#include "runner/host/host_config.h"
#include "runner/host/mirage_toolchain_install.h"
#include "runner/host/toolchain.h"
#include "runner/host/toolchain_install.h"

namespace cirun {
namespace {

struct ToolchainOptions {
  std::string cache_dir;
  std::string host_config;
  bool json = false;
  std::string name;
  std::string ocaml_source;
  std::string mirage_sources;
  int jobs = 0;
  bool keep_build = false;
};

std::string CacheDir(const ToolchainOptions& o) {
  return o.cache_dir.empty() ? DefaultCacheDir() : o.cache_dir;
}

std::string FirstLine(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

int RunList(const ToolchainOptions& o) {
  auto host = LoadHostConfig(o.host_config, CacheDir(o));
  if (!host.ok()) return ReportError("ci-run toolchain", host.status());
  ToolchainProbe probe(RealProcessRunner());
  struct Row {
    const ToolchainSpec* spec;
    Result<std::string> identity;
  };
  std::vector<Row> rows;
  for (const ToolchainSpec& t : host->toolchains) rows.push_back({&t, probe.Identity(t)});

  if (o.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const Row& r : rows) {
      nlohmann::json j = {{"name", r.spec->name},
                          {"kind", ToolchainKindName(r.spec->kind)},
                          {"language", r.spec->language},
                          {"defined_in", r.spec->origin},
                          {"available", r.identity.ok()}};
      if (r.identity.ok()) j["version"] = FirstLine(*r.identity);
      if (!r.identity.ok()) j["unavailable"] = r.identity.status().message();
      if (r.spec->kind == ToolchainSpec::Kind::kPrefix) j["prefix"] = r.spec->prefix;
      if (r.spec->kind == ToolchainSpec::Kind::kOpam) j["switch"] = r.spec->opam_switch;
      list.push_back(j);
    }
    printf("%s\n", list.dump(2).c_str());
    return 0;
  }
  size_t name_w = 4, version_w = 7;
  std::vector<std::string> versions;
  for (const Row& r : rows) {
    versions.push_back(r.identity.ok() ? FirstLine(*r.identity)
                                       : "unavailable: " + r.identity.status().message());
    name_w = std::max(name_w, r.spec->name.size());
    version_w = std::max(version_w, std::min<size_t>(versions.back().size(), 48));
  }
  printf("%-*s  %-6s  %-8s  %-*s  %s\n", static_cast<int>(name_w), "NAME", "KIND", "LANGUAGE",
         static_cast<int>(version_w), "VERSION", "DEFINED IN");
  for (size_t i = 0; i < rows.size(); ++i) {
    const ToolchainSpec& t = *rows[i].spec;
    printf("%-*s  %-6s  %-8s  %-*s  %s\n", static_cast<int>(name_w), t.name.c_str(),
           ToolchainKindName(t.kind), t.language.c_str(), static_cast<int>(version_w),
           versions[i].c_str(), t.origin.c_str());
  }
  return 0;
}

int Jobs(const ToolchainOptions& o) {
  return o.jobs > 0 ? o.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

int RunAdd(const ToolchainOptions& o) {
  if (o.ocaml_source.empty() == o.mirage_sources.empty()) {
    return ReportError("ci-run toolchain",
                       Status::InvalidArgument("add " + o.name +
                                               ": give one of --ocaml-source TARBALL (an OCaml "
                                               "compiler) or --mirage-sources DIR (the MirageOS "
                                               "toolchain)"));
  }
  CancelToken cancel;
  CancelOnInterrupt(&cancel);
  const bool live = TerminalProgress::IsInteractive(stdout);
  Status s;
  if (!o.mirage_sources.empty()) {
    MirageToolchainOptions install{o.name, o.mirage_sources, CacheDir(o), Jobs(o), o.keep_build};
    s = InstallMirageToolchain(install, RealProcessRunner(), &cancel, stdout, live);
  } else {
    ToolchainInstallOptions install{o.name, o.ocaml_source, CacheDir(o), Jobs(o), o.keep_build};
    s = InstallOcamlToolchain(install, RealProcessRunner(), &cancel, stdout, live);
  }
  if (s.ok()) return 0;
  const ExitCode code = ExitCodeForStatus(s);
  if (code == kExitInterrupted) {
    fprintf(stderr,
            "ci-run toolchain: interrupted; nothing was registered. Run the same command "
            "again to resume.\n");
  } else if (code == kExitUsage) {
    ReportError("ci-run toolchain", s);
  } else {
    fprintf(stderr,
            "ci-run toolchain: %s\nNothing was registered; finished phases are kept: run the "
            "same command again to resume.\n",
            s.message().c_str());
  }
  return code;
}

int RunRemove(const ToolchainOptions& o) {
  Status s = RemoveRegisteredToolchain(CacheDir(o), o.name);
  if (!s.ok()) return ReportError("ci-run toolchain", s);
  printf("Removed toolchain %s\n", o.name.c_str());
  return 0;
}

void CommonOptions(CLI::App* app, ToolchainOptions* o) {
  app->add_option("--cache-dir", o->cache_dir,
                  "where built toolchains are registered (default: ~/.cache/ci-run)");
  app->add_option("--host-config", o->host_config,
                  "YAML file of toolchains and targets for this host");
}

}  // namespace

void SetupToolchainCommand(CLI::App* sub, int* exit_code) {
  auto o = std::make_shared<ToolchainOptions>();
  sub->require_subcommand(1);

  CLI::App* list = sub->add_subcommand(
      "list", "Show every toolchain: kind, language, version read from the compiler itself");
  CommonOptions(list, o.get());
  list->add_flag("--json", o->json, "print JSON instead of a table");
  list->callback([o, exit_code] { *exit_code = RunList(*o); });

  CLI::App* add = sub->add_subcommand(
      "add", "Build a compiler from source into the cache and register it (resumable)");
  add->add_option("name", o->name, "toolchain name, e.g. ocaml-4.14")->required();
  add->add_option("--ocaml-source", o->ocaml_source,
                  "OCaml source tarball (e.g. from `npm pack ocaml@4.14.1000`)");
  add->add_option("--mirage-sources", o->mirage_sources,
                  "folder of MirageOS source tarballs (mirage, solo5, ocaml-solo5, the "
                  "libraries): builds the mirage tool, Solo5 and a cross OCaml (5-15 min)");
  add->add_option("-j,--jobs", o->jobs, "parallel make jobs (default: number of cores)");
  add->add_flag("--keep-build", o->keep_build, "keep the build tree after success");
  CommonOptions(add, o.get());
  add->callback([o, exit_code] { *exit_code = RunAdd(*o); });

  CLI::App* remove =
      sub->add_subcommand("remove", "Unregister a toolchain built by `add` and delete it");
  remove->add_option("name", o->name, "toolchain name")->required();
  CommonOptions(remove, o.get());
  remove->callback([o, exit_code] { *exit_code = RunRemove(*o); });
}

}  // namespace cirun
