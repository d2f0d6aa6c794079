#pragma once

#include "core/base/status.h"
#include "core/pipeline/filter_expr.h"
#include "core/store/saved_filters.h"

#include <cstdint>
#include <string>
#include <vector>

namespace adclick::core {

namespace sql {
class Connection;
}

// The raw events these read are those of the connection's database (rawDirFor(conn.path())).

//! Within the caller's write transaction: aggregates the committed raw events matching `filter`
//! into agg rows with filter_id = `id` (replacing any there), and marks the filter ready.
//! Returns the number of clicks back-filled.
Result<int64_t> backfillSavedFilter(const sql::Connection& conn, int64_t id, const Filter& filter);

//! Within the caller's write transaction: removes a saved filter and its aggregates.
Status deleteSavedFilter(const sql::Connection& conn, int64_t id);

struct Correction {
    int64_t filterId = 0;
    int64_t minute = 0;
    std::string adId;
    std::string country;
    int64_t clicksWas = 0, clicksNow = 0, lateWas = 0, lateNow = 0;
};

struct RecomputeReport {
    int64_t minutes = 0;
    int64_t cellsChecked = 0;
    int64_t rawEvents = 0;
    std::vector<Correction> corrections;
};

//! Within the caller's write transaction: rebuilds the aggregates (all clicks and every ready
//! saved filter) of the panes in [fromMs, toMs) from the committed raw events, and reports the
//! cells it changed. The raw events are the source of truth (the design's batch recalculation).
Result<RecomputeReport> recomputeRange(const sql::Connection& conn, int64_t fromMs, int64_t toMs);

// Whole operations on a database path, for the CLI and the GUI.

struct SavedFilterOutcome {
    std::string canonical;
    bool backfilled = false; //!< false: an ingest is running and will back-fill it at its next commit
    int64_t clicks = 0; //!< clicks back-filled
};

//! Saves a named filter. With no ingest running this takes the writer lock and back-fills at
//! once; otherwise it is stored as pending and the running ingest back-fills it.
Result<SavedFilterOutcome> saveFilter(
    const std::string& dbPath, const std::string& name, const std::string& expr);

//! Drops a saved filter and its aggregates (or marks it for the running ingest to drop).
Status dropFilter(const std::string& dbPath, const std::string& name);

Result<std::vector<SavedFilterRow>> listSavedFilters(const std::string& dbPath);

//! recomputeRange in its own write transaction on its own connection: safe while an ingest runs
//! (the ingest only waits for the transaction; its later increments apply on top).
Result<RecomputeReport> recompute(const std::string& dbPath, int64_t fromMs, int64_t toMs);

} // namespace adclick::core
