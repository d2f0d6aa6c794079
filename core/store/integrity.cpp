#include "core/store/integrity.h"

#include "core/store/rollups.h"
#include "core/store/sqlite_util.h"

#include <map>
#include <string>
#include <vector>

namespace adclick::core {

namespace {

Status damaged(const sql::Connection& conn, const std::string& what)
{
    return Status::error("database '" + conn.path() + "' is damaged (" + what
        + "); nothing was written: restore it from a backup, or ingest its sources again into a new "
          "database");
}

Status quickCheck(const sql::Connection& conn)
{
    sql::Stmt q(conn, "PRAGMA quick_check(3)");
    if (!q.ok() && (sqlite3_errcode(conn.handle()) & 0xff) == SQLITE_NOTADB)
        return Status::error(
            "'" + conn.path() + "' is not an AdClick database (" + sqlite3_errmsg(conn.handle()) + ")");
    if (!q.ok()) return damaged(conn, sqlite3_errmsg(conn.handle()));
    std::string problems;
    while (q.step())
        if (q.text(0) != "ok") problems += (problems.empty() ? "" : "; ") + std::string(q.text(0));
    if (q.rc() != SQLITE_DONE)
        problems += (problems.empty() ? "" : "; ") + std::string(sqlite3_errmsg(conn.handle()));
    return problems.empty() ? Status::ok() : damaged(conn, "quick_check: " + problems);
}

//! One row of sums; false when the table is missing (a new file) or cannot be read.
bool sums(const sql::Connection& conn, const char* text, int64_t (&out)[3], std::string& error)
{
    sql::Stmt q(conn, text);
    if (!q.ok()) return false;
    if (!q.step()) {
        error = sqlite3_errmsg(conn.handle());
        return false;
    }
    for (int i = 0; i < 3; ++i)
        out[i] = q.int64(i);
    return true;
}

std::string disagree(const char* a, int64_t x, const char* b, int64_t y)
{
    return std::string(a) + " is " + std::to_string(x) + " but " + b + " is " + std::to_string(y);
}

//! Each level of the rollups sums to agg's clicks (all filters): a changed count in agg_rollup
//! passes quick_check but not this.
Status checkRollupSums(const sql::Connection& conn)
{
    if (!hasRollups(conn)) return Status::ok();
    sql::Stmt total(conn, "SELECT coalesce(sum(clicks), 0) FROM agg");
    if (!total.step()) return damaged(conn, sqlite3_errmsg(conn.handle()));
    std::vector<std::string> tables { "agg_rollup" };
    if (hasRollupTotals(conn)) tables.emplace_back("agg_rollup_total");
    for (const std::string& table : tables) {
        sql::Stmt q(conn, "SELECT coalesce(sum(clicks), 0) FROM " + table + " WHERE width = ?1");
        for (const int64_t w : kRollupWidths) {
            q.reset();
            q.bind(1, w);
            if (!q.step()) return damaged(conn, sqlite3_errmsg(conn.handle()));
            if (q.int64(0) != total.int64(0))
                return damaged(conn,
                    disagree(("the sum of " + table).c_str(), q.int64(0), "the sum of the aggregated clicks",
                        total.int64(0))
                        + " (width " + std::to_string(w)
                        + " min); if only the rollups were changed, `adclick recompute` over all its minutes "
                          "rebuilds them");
        }
    }
    return Status::ok();
}

} // namespace

Status checkDatabaseIntegrity(const sql::Connection& conn)
{
    if (auto st = quickCheck(conn); !st) return st;
    std::map<std::string, int64_t> c;
    {
        sql::Stmt q(conn, "SELECT name, value FROM counters");
        if (!q.ok()) return Status::ok(); // a new, empty file
        while (q.step())
            c[std::string(q.text(0))] = q.int64(1);
        if (q.rc() != SQLITE_DONE) return damaged(conn, sqlite3_errmsg(conn.handle()));
    }
    int64_t reasons = 0;
    for (const auto& [name, v] : c)
        if (name.rfind("rejected.", 0) == 0) reasons += v;
    std::string error;
    int64_t agg[3] = {}, minutes[3] = {};
    const bool haveAgg = sums(conn,
        "SELECT coalesce(sum(clicks), 0), coalesce(sum(late), 0), 0 FROM agg WHERE filter_id = 0", agg,
        error);
    const bool haveMinutes = sums(conn,
        "SELECT coalesce(sum(accepted), 0), coalesce(sum(duplicates), 0), coalesce(sum(late), 0) "
        "FROM minute_stats",
        minutes, error);
    if (!error.empty()) return damaged(conn, error);
    const int64_t total = c["accepted"] + c["duplicates"] + c["late"] + c["rejected"];
    if (c["lines"] != total)
        return damaged(conn, disagree("counter lines", c["lines"], "the sum of its parts", total));
    if (c["rejected"] != reasons)
        return damaged(conn, disagree("counter rejected", c["rejected"], "the sum of its reasons", reasons));
    if (haveAgg && agg[0] != c["accepted"] + c["late_applied"])
        return damaged(conn,
            disagree("the sum of the aggregated clicks", agg[0], "accepted + late_applied",
                c["accepted"] + c["late_applied"])
                + "; if only the aggregates were changed, `adclick recompute` over all its minutes rebuilds "
                  "them from the raw events");
    if (haveAgg && agg[1] != c["late"])
        return damaged(
            conn, disagree("the sum of the aggregated late clicks", agg[1], "counter late", c["late"]));
    if (haveMinutes
        && (minutes[0] != c["accepted"] || minutes[1] != c["duplicates"] || minutes[2] != c["late"]))
        return damaged(conn, "the minute statistics disagree with the counters");
    return checkRollupSums(conn);
}

} // namespace adclick::core
