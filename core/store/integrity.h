#pragma once

#include "core/base/status.h"

namespace adclick::core::sql {
class Connection;
}

namespace adclick::core {

//! What the writer checks when it opens a database, before it writes anything: SQLite's
//! `PRAGMA quick_check` (the structure of every page, record and index) and that the stored
//! totals agree with each other — the counters (lines = accepted + duplicates + late +
//! rejected; rejected = the sum of its reasons), the aggregates (clicks of all ads = accepted +
//! late_applied, their late = late), the minute statistics and each level of the rollups (= agg). A byte
//! changed inside a count passes quick_check but breaks these sums. A damaged database is refused with what
//! was found, so damage is reported instead of being counted on.
Status checkDatabaseIntegrity(const sql::Connection& conn);

} // namespace adclick::core
