#include "runner/pipeline/run_flags.h"

#include <filesystem>

namespace cirun {

CLI::Option* AddRunFlags(CLI::App* sub, RunFlags* flags) {
  sub->add_option("--config", flags->config,
                  "configuration file or preset name from matrices/ instead of .ci-run.yml");
  sub->add_option("--db", flags->db,
                  "SQLite database (default: .ci-run/ci.db beside the checkout)");
  sub->add_option("--cache-dir", flags->cache_dir,
                  "mirrors and build cache (default: ~/.cache/ci-run)");
  sub->add_option("--work-dir", flags->work_dir,
                  "workspaces (default: .ci-run/work beside the checkout)");
  CLI::Option* host = sub->add_option("--host-config", flags->host_config,
                                      "YAML file of toolchains and targets for this host");
  sub->add_flag("--plain", flags->plain, "plain line output even on a terminal");
  return host;
}

std::vector<std::string> ReproducerFlags(const RunFlags& flags) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  std::error_code ec;
  auto absolute = [&ec](const std::string& path) { return fs::absolute(path, ec).string(); };
  if (!flags.config.empty()) {
    const bool file = fs::is_regular_file(flags.config, ec);
    out.insert(out.end(), {"--config", file ? absolute(flags.config) : flags.config});
  }
  if (!flags.host_config.empty())
    out.insert(out.end(), {"--host-config", absolute(flags.host_config)});
  if (!flags.db.empty()) {
    // A database URL (postgresql://, sqlite:PATH) is repeated as given.
    const bool url = flags.db.find(':') != std::string::npos;
    out.insert(out.end(), {"--db", url ? flags.db : absolute(flags.db)});
  }
  if (!flags.cache_dir.empty()) out.insert(out.end(), {"--cache-dir", absolute(flags.cache_dir)});
  return out;
}

}  // namespace cirun
