// SqliteStore: the embedded Store (one file, WAL mode). See store.h.
#pragma once

#include <memory>
#include <string>

#include "runner/store/store.h"

namespace cirun {

/// Opens or creates the SQLite database at `path` (its directory is created).
/// Several processes may share one file (busy timeout 10 s).
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

}  // namespace cirun
