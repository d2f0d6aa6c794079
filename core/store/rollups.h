#pragma once

#include "core/base/status.h"
#include "core/pipeline/batch.h"

#include <cstdint>
#include <iterator>
#include <optional>
#include <vector>

// Pre-aggregated rollups of agg for the queries (table agg_rollup, schema version 4): per filter
// and ad, the clicks of all countries summed over aligned buckets of 1, 10 and 60 minutes. They
// are derived data, always equal to a GROUP BY over agg: the ingest commit adds the batch's
// deltas in the same transaction as agg, and whatever rewrites agg otherwise (recompute, saved
// filter back-fill and drop, migration) rebuilds the buckets it touched from agg. `popular`
// then reads a few thousand rows per bucket instead of every (minute, ad, country) cell.

namespace adclick::core {

namespace sql {
class Connection;
}

//! Bucket widths in minutes, smallest first, each a multiple of the one before (a level is summed
//! from the one below). Bucket b of width w holds minutes [b·w, (b+1)·w).
inline constexpr int64_t kRollupWidths[] = { 1, 10, 60 };

//! The schema version since which agg_rollup exists and is maintained.
inline constexpr int kRollupSchemaVersion = 4;

//! The schema version since which the hour level has a rank indexed by agg_rollup_rank, and that
//! level's width (the index is partial: `WHERE width = 60` in kRollupRankIndexSql and in every
//! query that reads it, which SQLite needs literally to use it).
inline constexpr int kRankedRollupSchemaVersion = 6;
inline constexpr int64_t kRankedRollupWidth = 60;
static_assert(kRollupWidths[std::size(kRollupWidths) - 1] == kRankedRollupWidth);

//! An hour row's rank: its clicks >> kRankShift, so clicks ≤ rankCeiling(rank). Coarse on purpose:
//! the commit rewrites the index entry only when an ad's clicks of the hour pass a multiple of 16.
inline constexpr int kRankShift = 4;
constexpr int64_t rankOf(int64_t clicks)
{
    return clicks >> kRankShift;
}
constexpr int64_t rankCeiling(int64_t rank)
{
    return ((rank + 1) << kRankShift) - 1;
}

//! The schema version since which agg_rollup_total holds each bucket's sum over every ad.
inline constexpr int kRollupTotalSchemaVersion = 7;

//! Within the commit's transaction, after agg: adds the batch cells' click deltas to every level.
Status writeRollups(const sql::Connection& conn, const PaneCells& cells);

//! Within the caller's write transaction: recomputes from agg every bucket that meets the minutes
//! [firstMinute, endMinute) of `filterId` (all filters when unset). No-op on a database without
//! maintained rollups (schema version < 4: its migration builds them all).
Status rebuildRollups(
    const sql::Connection& conn, std::optional<int64_t> filterId, int64_t firstMinute, int64_t endMinute);

//! Within the caller's write transaction: removes every rollup of `filterId` (no-op without
//! agg_rollup).
Status dropRollups(const sql::Connection& conn, int64_t filterId);

//! Schema step to version 4, within the upgrade's transaction: creates agg_rollup if missing and
//! fills it from agg.
Status migrateToRollups(const sql::Connection& conn);

//! Schema step to version 6, before migrateToRollups: adds agg_rollup.rank when missing.
Status addRollupRankColumn(const sql::Connection& conn);

//! Schema step to version 6, after migrateToRollups: sets the hour rows' ranks and creates
//! agg_rollup_rank.
Status migrateToRollupRanks(const sql::Connection& conn);

//! Schema step to version 7, after the steps above: fills agg_rollup_total from agg_rollup.
Status migrateToRollupTotals(const sql::Connection& conn);

//! True when the database's rollups are maintained (schema version ≥ 4). Read it inside the read
//! transaction that reads them.
bool hasRollups(const sql::Connection& conn);

//! True when agg_rollup_total is maintained (schema version ≥ 7). Inside the read transaction.
bool hasRollupTotals(const sql::Connection& conn);

//! The database's schema version (0 when unknown). Read it inside the read transaction.
int64_t storeSchemaVersion(const sql::Connection& conn);

//! A signed run of buckets of one width: sign · Σ clicks of buckets [first, end).
struct RollupTerm {
    int sign = 1;
    int64_t width = 1;
    int64_t first = 0, end = 0;
};

//! The fewest bucket reads whose signed sum is exactly the minutes [firstMinute, endMinute):
//! whole buckets of the widest level inside, the edges from narrower levels, or a whole bucket
//! minus the narrower part outside when that reads fewer buckets.
std::vector<RollupTerm> coverMinutes(int64_t firstMinute, int64_t endMinute);

//! Adds sign · clicks of every ad in `terms` (filter `filterId`) to `perAd[ad]` (ads.id); grows
//! `perAd` when an id is beyond it.
Status addRollupClicks(const sql::Connection& conn, int64_t filterId, const std::vector<RollupTerm>& terms,
    std::vector<int64_t>& perAd);

//! sign · clicks of each ad of `ads` (ads.id) over `terms` (filter `filterId`), into the same
//! place of `perAd` (sized like `ads`): key look-ups of one (bucket, ad), no scan of other ads.
Status addRollupClicksOfAds(const sql::Connection& conn, int64_t filterId,
    const std::vector<RollupTerm>& terms, const std::vector<int64_t>& ads, std::vector<int64_t>& perAd);

//! The clicks of every ad of filter `filterId` over the minutes [firstMinute, endMinute), from
//! agg_rollup_total (hasRollupTotals() must hold): a dozen rows, not every ad's.
Result<int64_t> rollupTotal(
    const sql::Connection& conn, int64_t filterId, int64_t firstMinute, int64_t endMinute);

} // namespace adclick::core
