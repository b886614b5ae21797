// SqliteStore: the worker registry (table workers, in kSchema in
// sqlite_store.cc; see WorkerRecord in store.h).

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "runner/store/sqlite_store_internal.h"
#include "runner/store/store_labels.h"

namespace cirun::sqlite_internal {

Status SqliteStore::AnnounceWorker(const WorkerRecord& w) {
  std::lock_guard lock(mu_);
  Statement s(db_,
              "INSERT INTO workers(name, labels, slots, running, lease_ms, started_ms, seen_ms, "
              "unhealthy) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7) ON CONFLICT(name) DO UPDATE SET "
              "labels = ?2, slots = ?3, running = ?4, lease_ms = ?5, seen_ms = ?6, unhealthy = ?7");
  s.Bind(1, w.name).Bind(2, JoinLabels(w.labels)).Bind(3, w.slots).Bind(4, w.running);
  s.Bind(5, static_cast<int64_t>(w.lease.count())).Bind(6, Now());
  s.Bind(7, w.unhealthy);
  return s.Run();
}

Status SqliteStore::RetireWorker(const std::string& name) {
  std::lock_guard lock(mu_);
  Statement s(db_, "DELETE FROM workers WHERE name = ?");
  s.Bind(1, name);
  return s.Run();
}

Result<std::vector<WorkerRecord>> SqliteStore::ListWorkers() {
  std::lock_guard lock(mu_);
  return ListWorkersLocked(Now());
}

Result<std::vector<WorkerRecord>> SqliteStore::ListWorkersLocked(int64_t now) {
  Statement s(db_,
              "SELECT name, labels, slots, running, lease_ms, started_ms, seen_ms, unhealthy "
              "FROM workers WHERE seen_ms + lease_ms >= ? ORDER BY name");
  s.Bind(1, now);
  std::vector<WorkerRecord> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    WorkerRecord w;
    w.name = s.Text(0);
    w.labels = SplitLabels(s.Text(1));
    w.slots = static_cast<int>(s.Int(2));
    w.running = static_cast<int>(s.Int(3));
    w.lease = std::chrono::milliseconds(s.Int(4));
    w.started_ms = s.Int(5);
    w.seen_ms = s.Int(6);
    w.unhealthy = s.Text(7);
    out.push_back(std::move(w));
  }
  if (rc != SQLITE_DONE) return s.Error();
  return out;
}

}  // namespace cirun::sqlite_internal
