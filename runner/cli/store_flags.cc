#include "runner/cli/store_flags.h"

#include <filesystem>

#include "runner/sources/git_mirror.h"
#include "runner/store/postgres_store.h"

namespace cirun {

void AddStoreFlags(CLI::App* sub, StoreFlags* flags) {
  sub->add_option("--config", flags->config, "service configuration file: use its database");
  sub->add_option("--db", flags->db,
                  "database: postgresql://... or a SQLite path (default: the service config's, "
                  "else .ci-run/ci.db of the work tree here)");
}

Result<OpenedStore> OpenStoreFromFlags(const StoreFlags& flags) {
  OpenedStore out;
  std::string url = flags.db;
  if (!flags.config.empty()) {
    auto config = LoadServiceConfig(flags.config);
    if (!config.ok()) return config.status();
    if (url.empty()) url = config->database;
    out.config = std::move(config).value();
  }
  if (url.empty()) {
    auto tree = InspectWorktree(".");
    std::error_code ec;
    if (tree.ok() && std::filesystem::exists(tree->root + "/.ci-run/ci.db", ec)) {
      url = tree->root + "/.ci-run/ci.db";
    } else {
      return Status::NotFound(
          "no store: give --config FILE (the service's) or --db URL, or run this inside a work "
          "tree where `ci-run local` ran");
    }
  }
  if (url.find("://") == std::string::npos) {
    std::error_code ec;
    const std::string path = url.starts_with("sqlite:") ? url.substr(7) : url;
    if (!std::filesystem::exists(path, ec)) return Status::NotFound("no database at " + path);
  }
  auto store = OpenStore(url);
  if (!store.ok()) return store.status();
  out.store = std::move(store).value();
  out.where = RedactDatabaseUrl(url);
  return out;
}

}  // namespace cirun
