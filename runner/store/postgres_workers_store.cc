// PostgresStore: the worker registry (table workers, in kSchema in
// postgres_store.cc; see WorkerRecord in store.h).

#include <chrono>
#include <string>
#include <vector>

#include "runner/store/postgres_store_internal.h"
#include "runner/store/store_labels.h"

namespace cirun::postgres_internal {

Status PostgresStore::AnnounceWorker(const WorkerRecord& w) {
  return Tx<bool>(
             "announce a worker",
             [&](pqxx::work& tx) -> Result<bool> {
               tx.exec_params(
                   "INSERT INTO workers(name, labels, slots, running, lease_ms, "
                   "started_ms, seen_ms, unhealthy) VALUES($1, $2, $3, $4, $5, " CIRUN_PG_NOW_MS
                   ", " CIRUN_PG_NOW_MS
                   ", $6) ON CONFLICT(name) DO UPDATE SET labels = $2, slots = $3, "
                   "running = $4, lease_ms = $5, unhealthy = $6, seen_ms = " CIRUN_PG_NOW_MS,
                   w.name, JoinLabels(w.labels), w.slots, w.running,
                   static_cast<int64_t>(w.lease.count()), w.unhealthy);
               return true;
             })
      .status();
}

Status PostgresStore::RetireWorker(const std::string& name) {
  return Tx<bool>("retire a worker",
                  [&](pqxx::work& tx) -> Result<bool> {
                    tx.exec_params("DELETE FROM workers WHERE name = $1", name);
                    return true;
                  })
      .status();
}

Result<std::vector<WorkerRecord>> PostgresStore::ListWorkers() {
  using Out = std::vector<WorkerRecord>;
  return Tx<Out>("list workers", [&](pqxx::work& tx) -> Result<Out> {
    pqxx::result r = tx.exec(
        "SELECT name, labels, slots, running, lease_ms, started_ms, seen_ms, unhealthy "
        "FROM workers WHERE seen_ms + lease_ms >= " CIRUN_PG_NOW_MS " ORDER BY name");
    Out out;
    for (const auto& row : r) {
      WorkerRecord w;
      w.name = Text(row[0]);
      w.labels = SplitLabels(Text(row[1]));
      w.slots = static_cast<int>(Int(row[2]));
      w.running = static_cast<int>(Int(row[3]));
      w.lease = std::chrono::milliseconds(Int(row[4]));
      w.started_ms = Int(row[5]);
      w.seen_ms = Int(row[6]);
      w.unhealthy = Text(row[7]);
      out.push_back(std::move(w));
    }
    return out;
  });
}

}  // namespace cirun::postgres_internal
