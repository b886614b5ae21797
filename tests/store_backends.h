// Store backends for tests that run one body against every Store
// implementation (doctest TEST_CASE_TEMPLATE over SqliteBackend and
// PostgresBackend).
//
// Each backend object is a fresh, empty store location: a scratch SQLite file,
// or a new database on the test PostgreSQL server, dropped afterwards. The
// server is found through the environment:
//   CIRUN_TEST_POSTGRES_URL       a libpq URL with rights to CREATE DATABASE, or
//   CIRUN_TEST_POSTGRES_URL_FILE  a file holding it, written by the ctest
//                                 fixture `postgres.start`
//                                 (tests/postgres/pg-cluster.sh start).
// Without either (the binary run by hand), PostgreSQL cases are skipped with a
// message. Under ctest the file is always named, so a missing server fails.
#pragma once

#include <doctest/doctest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <pqxx/pqxx>
#include <random>
#include <string>

#include "runner/store/postgres_store.h"
#include "runner/store/sqlite_store.h"
#include "tests/scratch_dir.h"

namespace cirun::testing {

class SqliteBackend {
 public:
  static constexpr const char* kName = "SQLite";
  bool Available() const { return true; }
  /// Opens a connection to this backend's store (each call: a new connection).
  Result<std::unique_ptr<Store>> Open() const { return OpenSqliteStore(dir_ / "ci.db"); }
  std::string Url() const { return dir_ / "ci.db"; }

 private:
  ScratchDir dir_;
};

/// The test server's admin URL, or "" (see the file comment).
inline std::string TestPostgresUrl() {
  if (const char* url = std::getenv("CIRUN_TEST_POSTGRES_URL"); url && *url) return url;
  if (const char* file = std::getenv("CIRUN_TEST_POSTGRES_URL_FILE"); file && *file) {
    std::ifstream in(file);
    std::string url;
    std::getline(in, url);
    return url;
  }
  return "";
}

class PostgresBackend {
 public:
  static constexpr const char* kName = "PostgreSQL";

  PostgresBackend() {
    admin_url_ = TestPostgresUrl();
    if (admin_url_.empty()) {
      if (const char* file = std::getenv("CIRUN_TEST_POSTGRES_URL_FILE"); file && *file) {
        FAIL("no PostgreSQL test server: " << file
                                           << " is missing or empty (did postgres.start fail?)");
      }
      MESSAGE(
          "skipped: no PostgreSQL test server; run through ctest (which starts one), or set "
          "CIRUN_TEST_POSTGRES_URL=postgresql://...");
      return;
    }
    static std::atomic<int> counter{0};
    std::random_device rd;
    db_ = "cirun_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
          std::to_string(rd() % 100000);
    try {
      pqxx::connection admin(admin_url_);
      pqxx::nontransaction(admin).exec("CREATE DATABASE " + db_);
    } catch (const std::exception& e) {
      FAIL("cannot create a test database on " << admin_url_ << ": " << e.what());
    }
    url_ = WithDatabase(admin_url_, db_);
  }

  ~PostgresBackend() {
    if (db_.empty()) return;
    try {
      pqxx::connection admin(admin_url_);
      pqxx::nontransaction(admin).exec("DROP DATABASE IF EXISTS " + db_ + " WITH (FORCE)");
    } catch (const std::exception&) {
    }
  }

  bool Available() const { return !url_.empty(); }
  Result<std::unique_ptr<Store>> Open() const { return OpenPostgresStore(url_); }
  std::string Url() const { return url_; }

  /// `url` with its database name replaced by `db`.
  static std::string WithDatabase(const std::string& url, const std::string& db) {
    size_t scheme = url.find("://");
    size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    size_t query = url.find('?');
    std::string base = slash == std::string::npos ? url.substr(0, query) : url.substr(0, slash);
    return base + "/" + db + (query == std::string::npos ? "" : url.substr(query));
  }

 private:
  std::string admin_url_;
  std::string db_;
  std::string url_;
};

/// Runs `sql` on the backend's database directly (e.g. to make it look like
/// an older schema); FAILs the test case on an error.
inline void ExecSql(const SqliteBackend& backend, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(backend.Url().c_str(), &db) == SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  const std::string message = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  REQUIRE_MESSAGE(rc == SQLITE_OK, sql << ": " << message);
}

inline void ExecSql(const PostgresBackend& backend, const std::string& sql) {
  try {
    pqxx::connection conn(backend.Url());
    pqxx::nontransaction(conn).exec(sql);
  } catch (const std::exception& e) {
    FAIL(sql << ": " << e.what());
  }
}

}  // namespace cirun::testing

TYPE_TO_STRING_AS("SQLite", cirun::testing::SqliteBackend);
TYPE_TO_STRING_AS("PostgreSQL", cirun::testing::PostgresBackend);

/// Opens the backend's store, or returns from the test case when the backend
/// is not available (the skip message was already printed).
#define CIRUN_OPEN_STORE(backend, var)                                  \
  if (!(backend).Available()) return;                                   \
  auto var##_opened = (backend).Open();                                 \
  REQUIRE_MESSAGE(var##_opened.ok(), var##_opened.status().ToString()); \
  std::unique_ptr<::cirun::Store> var = std::move(var##_opened).value()

namespace cirun::testing {

/// The store's test clock (Store::SetClockForTesting), set to a fixed time:
/// Pass(d) moves it on, where a test would otherwise sleep until a lease
/// expires. FAILs the test case if the store has no test clock.
class TestClock {
 public:
  explicit TestClock(Store& store, int64_t start_ms = 1'800'000'000'000)
      : store_(store), now_ms_(start_ms) {
    Set();
  }
  void Pass(std::chrono::milliseconds d) {
    now_ms_ += d.count();
    Set();
  }

 private:
  void Set() {
    Status s = store_.SetClockForTesting(now_ms_);
    REQUIRE_MESSAGE(s.ok(), s.ToString());
  }
  Store& store_;
  int64_t now_ms_;
};

}  // namespace cirun::testing

/// The backends a TEST_CASE_TEMPLATE of the Store contract runs on.
#define STORE_BACKENDS ::cirun::testing::SqliteBackend, ::cirun::testing::PostgresBackend
