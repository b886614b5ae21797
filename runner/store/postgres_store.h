// PostgresStore: the Store shared by `ci-run serve` and any number of
// `ci-run worker` processes on any number of machines. See store.h.
//
// Claims use `SELECT ... FOR UPDATE SKIP LOCKED`, so concurrent workers never
// wait for one another and never take the same job. Lease times come from the
// server's clock (clock_timestamp()), never from a worker's, so machines with
// skewed clocks agree on when a lease expires. libpqxx exceptions stay inside
// the adapter: every method returns a Status.
#pragma once

#include <memory>
#include <string>

#include "runner/store/store.h"

namespace cirun {

/// Connects to `url` ("postgresql://user[:password]@host[:port]/db?...", any
/// libpq connection string) and creates the schema if it is missing (safe
/// when several processes start at once). One connection per store, used by
/// one thread at a time; a broken connection is re-opened on the next call.
/// Returns Unavailable if the server cannot be reached (the message never
/// contains the password). Without a connect_timeout in `url`, connecting
/// gives up after 10 s (WithConnectTimeout).
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url);

/// `url` with connect_timeout=10 added unless it names one (URI or
/// key=value form), so that an unreachable server cannot hang a worker.
std::string WithConnectTimeout(const std::string& url);

/// `url` with any password replaced by "***" (for messages and logs).
std::string RedactDatabaseUrl(const std::string& url);

}  // namespace cirun
