#include "core/store/stats.h"

#include "core/store/sqlite_util.h"

namespace adclick::core {

namespace {

//! Row counts of ads and agg, and the size of the raw segments.
void readSizes(const sql::Connection& conn, StatsReport& r)
{
    sql::Stmt q(conn,
        "SELECT (SELECT count(*) FROM ads), (SELECT count(*) FROM agg), "
        "(SELECT count(*) FROM segments), (SELECT total(bytes) FROM segments), "
        "(SELECT total(events) FROM segments)");
    if (q.step()) {
        r.ads = q.int64(0);
        r.aggRows = q.int64(1);
        r.raw = { q.int64(2), q.int64(3), q.int64(4) };
    }
}

} // namespace

Result<StatsReport> readStats(const std::string& dbPath, int rejectSampleLimit)
{
    using R = Result<StatsReport>;
    auto conn = sql::Connection::openReadOnly(dbPath);
    if (!conn) return R(conn.status());
    StatsReport r;
    // One read transaction: every figure comes from the same committed batch.
    sql::ReadTransaction txn(*conn);
    if (!txn.status()) return R(txn.status());
    {
        StoredState state;
        if (auto st = readEngineState(*conn, state); !st) return R(st);
        r.settings = state.settings;
        r.counters = state.counters;
        r.maxEventMs = state.maxEventMs;
        r.watermarkMs = state.watermarkMs;
    }
    readSizes(*conn, r);
    auto sources = readSources(*conn);
    if (!sources) return R(sources.status());
    r.sources = std::move(*sources);
    auto rejects = readRejects(*conn, rejectSampleLimit);
    if (!rejects) return R(rejects.status());
    r.rejectSamples = std::move(*rejects);
    if (auto st = readKafkaHealth(*conn, r.kafka); !st) return R(st);
    auto chains = readClusterChains(*conn);
    if (!chains) return R(chains.status());
    r.chains = std::move(*chains);
    return r;
}

} // namespace adclick::core
