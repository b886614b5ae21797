// --config / --db: how `ci-run status` and `ci-run rebuild` find the store.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "runner/cli/command.h"
#include "runner/host/service_config.h"
#include "runner/store/store.h"

namespace cirun {

struct StoreFlags {
  std::string config;  // a service config: its database
  std::string db;      // a database URL or SQLite path (wins over --config)
};

/// Adds --config and --db to `sub`.
void AddStoreFlags(CLI::App* sub, StoreFlags* flags);

struct OpenedStore {
  std::unique_ptr<Store> store;
  std::string where;                    // the database, password hidden
  std::optional<ServiceConfig> config;  // when --config was given
};

/// Opens --db, else --config's database, else the `.ci-run/ci.db` of the work
/// tree around the current directory (where `ci-run local` keeps its runs).
/// Errors: InvalidArgument (bad config: FILE:LINE:COL), NotFound (no store),
/// Unavailable (cannot connect).
Result<OpenedStore> OpenStoreFromFlags(const StoreFlags& flags);

}  // namespace cirun
