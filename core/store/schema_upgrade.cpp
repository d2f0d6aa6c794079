#include "core/store/schema_upgrade.h"

#include "core/store/raw_blocks.h"
#include "core/store/rollups.h"
#include "core/store/sqlite_util.h"
#include "core/store/store_schema.h"

namespace adclick::core {

Status upgradeSchemaSteps(const sql::Connection& conn, const std::string& rawDir, int64_t from)
{
    Status st;
    // 2: version 1 had no raw checksums: they are computed from the segments as they are now.
    if (from < 2) st = addMissingRawBlocks(conn, rawDir);
    // 3: nothing to convert: text segments stay and are read as text; the writer starts a new
    // binary segment after a text one.
    // 4: the rollups of agg.
    // 6 (its column first: the rows step 4 writes carry their rank): agg_rollup.rank, indexed.
    if (st && from < kRankedRollupSchemaVersion) st = addRollupRankColumn(conn);
    if (st && from < kRollupSchemaVersion) st = migrateToRollups(conn);
    // 5: nothing to convert: clicks beyond the dedup horizon stored before stay LateDropped.
    if (st && from < kRankedRollupSchemaVersion) st = migrateToRollupRanks(conn);
    // 7: the totals of every rollup bucket.
    if (st && from < kRollupTotalSchemaVersion) st = migrateToRollupTotals(conn);
    if (!st) return st;
    const std::string version
        = "UPDATE meta SET value = " + std::to_string(kSchemaVersion) + " WHERE key = 'schema_version'";
    return sql::exec(conn, version.c_str());
}

} // namespace adclick::core
