#include "core/store/rollups.h"

#include "core/pipeline/batch.h"
#include "core/store/sqlite_util.h"
#include "core/store/store_schema.h"

#include <algorithm>
#include <string>

namespace adclick::core {

namespace {

constexpr int kLevels = static_cast<int>(std::size(kRollupWidths));

constexpr bool widthsNest()
{
    for (int i = 1; i < kLevels; ++i)
        if (kRollupWidths[i] % kRollupWidths[i - 1] != 0) return false;
    return kRollupWidths[0] == 1;
}
static_assert(widthsNest(), "each rollup level is summed from the one below it");

int64_t floorDiv(int64_t a, int64_t b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}
int64_t ceilDiv(int64_t a, int64_t b)
{
    return -floorDiv(-a, b);
}

//! SQL for floor(minute / w) (SQLite's integer division truncates toward zero).
std::string bucketSql(int64_t w)
{
    const std::string ws = std::to_string(w);
    return "((minute - ((minute % " + ws + " + " + ws + ") % " + ws + ")) / " + ws + ")";
}

//! SQL for the rank of a row of width `w` whose clicks are `clicks` (rollups.h: rankOf).
std::string rankSql(int64_t w, const std::string& clicks)
{
    return w == kRankedRollupWidth ? "(" + clicks + ") >> " + std::to_string(kRankShift) : "0";
}

Status failed(const sql::Connection& conn, int rc, const char* what)
{
    return Status::error(sql::describe(conn, rc, std::string(what) + " in '" + conn.path() + "'"));
}

//! Replaces the totals of the buckets [first, end) of width `w` and filter `filterId` by the sums
//! of their agg_rollup rows.
Status rebuildTotals(const sql::Connection& conn, int64_t filterId, int64_t w, int64_t first, int64_t end)
{
    sql::Stmt del(conn,
        "DELETE FROM agg_rollup_total WHERE filter_id = ?1 AND width = ?2 AND bucket >= ?3 AND bucket < ?4");
    del.bind(1, filterId).bind(2, w).bind(3, first).bind(4, end);
    if (!del.run()) return failed(conn, del.rc(), "cannot rebuild rollup totals");
    sql::Stmt ins(conn,
        "INSERT INTO agg_rollup_total(filter_id, width, bucket, clicks) SELECT filter_id, width, bucket, "
        "sum(clicks) FROM agg_rollup WHERE filter_id = ?1 AND width = ?2 AND bucket >= ?3 AND bucket < ?4 "
        "GROUP BY bucket");
    ins.bind(1, filterId).bind(2, w).bind(3, first).bind(4, end);
    if (!ins.run()) return failed(conn, ins.rc(), "cannot rebuild rollup totals");
    return Status::ok();
}

//! Replaces the buckets [first, end) of width `w` and filter `filterId` by agg's sums.
Status rebuildLevel(const sql::Connection& conn, int64_t filterId, int64_t w, int64_t first, int64_t end)
{
    sql::Stmt del(
        conn, "DELETE FROM agg_rollup WHERE filter_id = ?1 AND width = ?2 AND bucket >= ?3 AND bucket < ?4");
    del.bind(1, filterId).bind(2, w).bind(3, first).bind(4, end);
    if (!del.run()) return failed(conn, del.rc(), "cannot rebuild rollups");
    sql::Stmt ins(conn,
        "INSERT INTO agg_rollup(filter_id, width, bucket, ad, clicks, rank) SELECT filter_id, ?2, "
            + bucketSql(w) + ", ad, sum(clicks), " + rankSql(w, "sum(clicks)")
            + " FROM agg WHERE filter_id = ?1 AND minute >= ?3 AND minute < ?4 GROUP BY 3, 4 HAVING "
              "sum(clicks) <> 0");
    ins.bind(1, filterId).bind(2, w).bind(3, first * w).bind(4, end * w);
    if (!ins.run()) return failed(conn, ins.rc(), "cannot rebuild rollups");
    return hasRollupTotals(conn) ? rebuildTotals(conn, filterId, w, first, end) : Status::ok();
}

//! The filter ids that may have agg rows: all clicks and the saved filters.
Result<std::vector<int64_t>> filterIds(const sql::Connection& conn)
{
    std::vector<int64_t> ids { 0 };
    sql::Stmt q(conn, "SELECT id FROM saved_filters ORDER BY id");
    while (q.step())
        ids.push_back(q.int64(0));
    if (q.rc() != SQLITE_DONE)
        return Result<std::vector<int64_t>>::error(sql::describe(conn, q.rc(), "cannot read saved filters"));
    return ids;
}

struct Cover {
    std::vector<RollupTerm> terms;
    int64_t cost = 0; //!< buckets read
    void add(Cover&& other)
    {
        terms.insert(terms.end(), other.terms.begin(), other.terms.end());
        cost += other.cost;
    }
};

Cover coverAt(int64_t a, int64_t b, int level, int sign);

//! [a, b), a part of bucket `p` of level `level`: from the narrower levels, or as the whole
//! bucket minus the narrower parts outside, whichever reads fewer buckets.
Cover coverPart(int64_t a, int64_t b, int64_t p, int level, int sign)
{
    if (a >= b) return {};
    Cover narrow = coverAt(a, b, level - 1, sign);
    const int64_t w = kRollupWidths[level];
    Cover whole { { { sign, w, p, p + 1 } }, 1 };
    whole.add(coverAt(p * w, a, level - 1, -sign));
    whole.add(coverAt(b, (p + 1) * w, level - 1, -sign));
    return whole.cost < narrow.cost ? whole : narrow;
}

Cover coverAt(int64_t a, int64_t b, int level, int sign)
{
    if (a >= b) return {};
    if (level == 0) return { { { sign, 1, a, b } }, b - a };
    const int64_t w = kRollupWidths[level];
    const int64_t inFirst = ceilDiv(a, w), inEnd = floorDiv(b, w);
    if (inFirst > inEnd) return coverPart(a, b, inEnd, level, sign); // inside one bucket
    Cover out;
    if (inFirst < inEnd) out = { { { sign, w, inFirst, inEnd } }, inEnd - inFirst };
    out.add(coverPart(a, inFirst * w, inFirst - 1, level, sign));
    out.add(coverPart(inEnd * w, b, inEnd, level, sign));
    return out;
}

//! One (filter, bucket, ad) delta; `bucket` is a minute until bucketed.
struct RollupRow {
    int64_t bucket;
    uint32_t filterId, ad;
    int64_t clicks;
};

bool rowLess(const RollupRow& x, const RollupRow& y)
{
    if (x.filterId != y.filterId) return x.filterId < y.filterId;
    if (x.bucket != y.bucket) return x.bucket < y.bucket;
    return x.ad < y.ad;
}

//! Sorts `rows` by key and sums rows of equal keys into one.
void sortAndMerge(std::vector<RollupRow>& rows)
{
    std::sort(rows.begin(), rows.end(), rowLess);
    std::size_t out = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (out > 0 && !rowLess(rows[out - 1], rows[i]))
            rows[out - 1].clicks += rows[i].clicks;
        else
            rows[out++] = rows[i];
    }
    rows.resize(out);
}

Status upsertLevel(
    sql::BulkInsert& q, const sql::Connection& conn, int64_t w, const std::vector<RollupRow>& rows)
{
    const bool ok = q.run(0, rows.size(), [&](sql::Stmt& s, int p, std::size_t i) {
        const RollupRow& r = rows[i];
        s.bind(p, int64_t(r.filterId)).bind(p + 1, w).bind(p + 2, r.bucket).bind(p + 3, int64_t(r.ad));
        s.bind(p + 4, r.clicks);
    });
    return ok ? Status::ok() : failed(conn, q.rc(), "cannot store rollups");
}

//! Adds the sum of each (filter, bucket) of `rows` (sorted: its ads are adjacent) to its total.
Status upsertTotals(sql::Stmt& q, const sql::Connection& conn, int64_t w, const std::vector<RollupRow>& rows)
{
    for (std::size_t i = 0, j = 0; i < rows.size(); i = j) {
        int64_t sum = 0;
        for (j = i;
             j < rows.size() && rows[j].filterId == rows[i].filterId && rows[j].bucket == rows[i].bucket; ++j)
            sum += rows[j].clicks;
        q.reset();
        q.bind(1, int64_t(rows[i].filterId)).bind(2, w).bind(3, rows[i].bucket).bind(4, sum);
        if (!q.run()) return failed(conn, q.rc(), "cannot store rollup totals");
    }
    return Status::ok();
}

//! The hour level: as upsertLevel while the rank stays (the upsert's WHERE), so its index entry
//! is left alone; the rows whose clicks pass a multiple of 16 (the upsert changed nothing) are
//! added to and re-ranked by a second statement. (RETURNING the new clicks instead doubled the
//! commit's CPU: SQLite runs it as a trigger.)
Status upsertRankedLevel(const sql::Connection& conn, const std::vector<RollupRow>& rows)
{
    const std::string w = std::to_string(kRankedRollupWidth), shift = std::to_string(kRankShift);
    sql::Stmt add(conn,
        "INSERT INTO agg_rollup(filter_id, width, bucket, ad, clicks, rank) VALUES(?1, " + w
            + ", ?2, ?3, ?4, ?4 >> " + shift
            + ") ON CONFLICT DO UPDATE SET clicks = clicks + excluded.clicks "
            + "WHERE ((clicks + excluded.clicks) >> " + shift + ") = rank");
    sql::Stmt rerank(conn,
        "UPDATE agg_rollup SET clicks = clicks + ?4, rank = (clicks + ?4) >> " + shift
            + " WHERE filter_id = ?1 AND width = " + w + " AND bucket = ?2 AND ad = ?3");
    for (const RollupRow& r : rows) {
        add.reset();
        add.bind(1, int64_t(r.filterId)).bind(2, r.bucket).bind(3, int64_t(r.ad)).bind(4, r.clicks);
        if (!add.run()) return failed(conn, add.rc(), "cannot store rollups");
        if (sqlite3_changes(conn.handle()) > 0) continue; // inserted, or added within its rank
        rerank.reset();
        rerank.bind(1, int64_t(r.filterId)).bind(2, r.bucket).bind(3, int64_t(r.ad)).bind(4, r.clicks);
        if (!rerank.run() || sqlite3_changes(conn.handle()) != 1)
            return failed(conn, rerank.rc(), "cannot store rollups");
    }
    return Status::ok();
}

} // namespace

Status writeRollups(const sql::Connection& conn, const PaneCells& cells)
{
    // Reused between commits: a fresh buffer of this size is new pages (zeroed by the kernel)
    // at every commit.
    thread_local std::vector<RollupRow> rows;
    rows.clear();
    for (const auto& [k, d] : cells)
        if (d.clicks != 0) // late events under --late drop: counted, not aggregated
            rows.push_back({ k.minute, k.filterId, k.ad, d.clicks });
    sql::BulkInsert q(conn, "INSERT INTO agg_rollup(filter_id, width, bucket, ad, clicks) VALUES", 5,
        "ON CONFLICT DO UPDATE SET clicks = clicks + excluded.clicks");
    sql::Stmt total(conn,
        "INSERT INTO agg_rollup_total(filter_id, width, bucket, clicks) VALUES(?1, ?2, ?3, ?4) "
        "ON CONFLICT DO UPDATE SET clicks = clicks + excluded.clicks");
    int64_t below = 1; // the width `rows` holds buckets of (1: minutes)
    for (const int64_t w : kRollupWidths) {
        // Buckets nest: each level is the one below it, re-bucketed and summed.
        for (RollupRow& r : rows)
            r.bucket = floorDiv(r.bucket, w / below);
        sortAndMerge(rows); // in primary-key order, one row per key
        below = w;
        const Status st
            = w == kRankedRollupWidth ? upsertRankedLevel(conn, rows) : upsertLevel(q, conn, w, rows);
        if (!st) return st;
        if (auto tst = upsertTotals(total, conn, w, rows); !tst) return tst;
    }
    return Status::ok();
}

Status rebuildRollups(
    const sql::Connection& conn, std::optional<int64_t> filterId, int64_t firstMinute, int64_t endMinute)
{
    if (firstMinute >= endMinute || !hasRollups(conn)) return Status::ok();
    std::vector<int64_t> ids;
    if (filterId) {
        ids.push_back(*filterId);
    } else {
        auto all = filterIds(conn);
        if (!all) return all.status();
        ids = std::move(*all);
    }
    for (const int64_t id : ids)
        for (const int64_t w : kRollupWidths)
            if (auto st = rebuildLevel(conn, id, w, floorDiv(firstMinute, w), ceilDiv(endMinute, w)); !st)
                return st;
    return Status::ok();
}

Status dropRollups(const sql::Connection& conn, int64_t filterId)
{
    if (!hasRollups(conn)) return Status::ok();
    sql::Stmt del(conn, "DELETE FROM agg_rollup WHERE filter_id = ?1");
    del.bind(1, filterId);
    if (!del.run()) return failed(conn, del.rc(), "cannot drop rollups");
    if (!hasRollupTotals(conn)) return Status::ok();
    sql::Stmt delTotals(conn, "DELETE FROM agg_rollup_total WHERE filter_id = ?1");
    delTotals.bind(1, filterId);
    if (!delTotals.run()) return failed(conn, delTotals.rc(), "cannot drop rollup totals");
    return Status::ok();
}

Status migrateToRollups(const sql::Connection& conn)
{
    if (auto st = sql::exec(conn, "DELETE FROM agg_rollup"); !st) return st;
    for (const int64_t w : kRollupWidths) {
        const std::string text
            = "INSERT INTO agg_rollup(filter_id, width, bucket, ad, clicks, rank) SELECT filter_id, "
            + std::to_string(w) + ", " + bucketSql(w) + ", ad, sum(clicks), " + rankSql(w, "sum(clicks)")
            + " FROM agg GROUP BY 1, 3, 4 HAVING sum(clicks) <> 0";
        if (auto st = sql::exec(conn, text.c_str()); !st) return st;
    }
    return Status::ok();
}

Status addRollupRankColumn(const sql::Connection& conn)
{
    sql::Stmt has(conn, "SELECT count(*) FROM pragma_table_info('agg_rollup') WHERE name = 'rank'");
    if (!has.step()) return failed(conn, has.rc(), "cannot read the rollups' columns");
    if (has.int64(0) > 0) return Status::ok(); // a table made by kSchemaSql of this version
    return sql::exec(conn, "ALTER TABLE agg_rollup ADD COLUMN rank INTEGER NOT NULL DEFAULT 0");
}

Status migrateToRollupRanks(const sql::Connection& conn)
{
    const std::string w = std::to_string(kRankedRollupWidth);
    const std::string ranks = "UPDATE agg_rollup SET rank = " + rankSql(kRankedRollupWidth, "clicks")
        + " WHERE width = " + w + "; UPDATE agg_rollup SET rank = 0 WHERE width <> " + w + " AND rank <> 0";
    if (auto st = sql::exec(conn, ranks.c_str()); !st) return st;
    return sql::exec(conn, kRollupRankIndexSql);
}

Status migrateToRollupTotals(const sql::Connection& conn)
{
    return sql::exec(conn,
        "DELETE FROM agg_rollup_total; INSERT INTO agg_rollup_total(filter_id, width, bucket, clicks) "
        "SELECT filter_id, width, bucket, sum(clicks) FROM agg_rollup GROUP BY 1, 2, 3");
}

int64_t storeSchemaVersion(const sql::Connection& conn)
{
    sql::Stmt v(conn, "SELECT value FROM meta WHERE key = 'schema_version'");
    return v.step() ? v.int64(0) : 0;
}

bool hasRollups(const sql::Connection& conn)
{
    return storeSchemaVersion(conn) >= kRollupSchemaVersion;
}

bool hasRollupTotals(const sql::Connection& conn)
{
    return storeSchemaVersion(conn) >= kRollupTotalSchemaVersion;
}

std::vector<RollupTerm> coverMinutes(int64_t firstMinute, int64_t endMinute)
{
    return coverAt(firstMinute, endMinute, kLevels - 1, 1).terms;
}

Status addRollupClicks(const sql::Connection& conn, int64_t filterId, const std::vector<RollupTerm>& terms,
    std::vector<int64_t>& perAd)
{
    sql::Stmt q(conn,
        "SELECT ad, clicks FROM agg_rollup WHERE filter_id = ?1 AND width = ?2 AND bucket >= ?3 AND bucket < "
        "?4");
    for (const RollupTerm& t : terms) {
        q.reset();
        q.bind(1, filterId).bind(2, t.width).bind(3, t.first).bind(4, t.end);
        while (q.step()) {
            const auto ad = static_cast<std::size_t>(q.int64(0));
            if (ad >= perAd.size()) perAd.resize(ad + 1, 0);
            perAd[ad] += t.sign * q.int64(1);
        }
        if (q.rc() != SQLITE_DONE) return failed(conn, q.rc(), "cannot read rollups");
    }
    return Status::ok();
}

Status addRollupClicksOfAds(const sql::Connection& conn, int64_t filterId,
    const std::vector<RollupTerm>& terms, const std::vector<int64_t>& ads, std::vector<int64_t>& perAd)
{
    sql::Stmt q(conn,
        "SELECT clicks FROM agg_rollup WHERE filter_id = ?1 AND width = ?2 AND bucket = ?3 AND ad = ?4");
    for (const RollupTerm& t : terms)
        for (int64_t bucket = t.first; bucket < t.end; ++bucket)
            for (std::size_t i = 0; i < ads.size(); ++i) {
                q.reset();
                q.bind(1, filterId).bind(2, t.width).bind(3, bucket).bind(4, ads[i]);
                if (q.step())
                    perAd[i] += t.sign * q.int64(0);
                else if (q.rc() != SQLITE_DONE)
                    return failed(conn, q.rc(), "cannot read rollups");
            }
    return Status::ok();
}

Result<int64_t> rollupTotal(
    const sql::Connection& conn, int64_t filterId, int64_t firstMinute, int64_t endMinute)
{
    sql::Stmt q(conn,
        "SELECT coalesce(sum(clicks), 0) FROM agg_rollup_total WHERE filter_id = ?1 AND width = ?2 AND "
        "bucket >= ?3 "
        "AND bucket < ?4");
    int64_t total = 0;
    for (const RollupTerm& t : coverMinutes(firstMinute, endMinute)) {
        q.reset();
        q.bind(1, filterId).bind(2, t.width).bind(3, t.first).bind(4, t.end);
        if (!q.step())
            return Result<int64_t>::error(sql::describe(conn, q.rc(), "cannot read rollup totals"));
        total += t.sign * q.int64(0);
    }
    return total;
}

} // namespace adclick::core
