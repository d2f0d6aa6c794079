#include "core/store/store_writes.h"

#include "core/base/clock.h"
#include "core/base/failpoint.h"
#include "core/store/sqlite_util.h"

#include <algorithm>

namespace adclick::core {

namespace {

Status failed(const sql::Connection& conn, int rc, const char* what)
{
    return Status::error(sql::describe(conn, rc, std::string(what) + " in '" + conn.path() + "'"));
}

//! NULL for "no time", as the readers expect.
void bindTime(sql::Stmt& q, int i, int64_t ms)
{
    if (ms == kNoTime)
        q.bindNull(i);
    else
        q.bind(i, ms);
}

} // namespace

Status writeNewAds(const sql::Connection& conn, const std::vector<std::pair<uint32_t, std::string>>& ads)
{
    if (ads.empty()) return Status::ok();
    sql::Stmt q(conn, "INSERT INTO ads(id, name) VALUES(?1, ?2)");
    for (const auto& [id, name] : ads) {
        q.reset();
        q.bind(1, int64_t(id)).bind(2, name);
        if (!q.run()) return failed(conn, q.rc(), "cannot store ads");
    }
    return Status::ok();
}

Status writeAggregates(const sql::Connection& conn, const PaneCells& cells)
{
    sql::BulkInsert q(conn, "INSERT INTO agg(filter_id, minute, ad, country, clicks, late) VALUES", 6,
        "ON CONFLICT DO UPDATE SET clicks = clicks + excluded.clicks, late = late + excluded.late");
    std::string country;
    auto bindRow = [&](sql::Stmt& s, int p, std::size_t i) {
        const auto& [k, d] = cells[i];
        country = unpackCountry(k.country);
        s.bind(p, int64_t(k.filterId)).bind(p + 1, k.minute).bind(p + 2, int64_t(k.ad));
        s.bind(p + 3, country).bind(p + 4, d.clicks).bind(p + 5, d.late);
    };
    const std::size_t half = cells.size() / 2;
    if (!q.run(0, half, bindRow)) return failed(conn, q.rc(), "cannot store aggregates");
    if (half > 0) failpoint("commit.mid_txn");
    if (!q.run(half, cells.size(), bindRow)) return failed(conn, q.rc(), "cannot store aggregates");
    return Status::ok();
}

Status writeMinuteStats(const sql::Connection& conn, const std::map<int64_t, MinuteDelta>& minutes)
{
    sql::Stmt q(conn,
        "INSERT INTO minute_stats(minute, accepted, duplicates, late) VALUES(?1, ?2, ?3, ?4) "
        "ON CONFLICT DO UPDATE SET accepted = accepted + excluded.accepted, "
        "duplicates = duplicates + excluded.duplicates, late = late + excluded.late");
    for (const auto& [minute, d] : minutes) {
        q.reset();
        q.bind(1, minute).bind(2, d.accepted).bind(3, d.duplicates).bind(4, d.late);
        if (!q.run()) return failed(conn, q.rc(), "cannot store minute statistics");
    }
    return Status::ok();
}

Status addCounters(const sql::Connection& conn, const Counters& c)
{
    sql::Stmt q(conn,
        "INSERT INTO counters(name, value) VALUES(?1, ?2) ON CONFLICT DO UPDATE SET value = value + "
        "excluded.value");
    auto add = [&](std::string_view name, int64_t v) {
        if (v == 0) return true;
        q.reset();
        q.bind(1, name).bind(2, v);
        return q.run();
    };
    bool ok = add("lines", c.lines) && add("accepted", c.accepted) && add("duplicates", c.duplicates)
        && add("late", c.late) && add("late_applied", c.lateApplied) && add("rejected", c.rejected)
        && add("lost_bytes", c.lostBytes) && add("lost_predecessors", c.lostPredecessors);
    for (std::size_t i = 0; ok && i < kRejectReasonCount; ++i)
        ok = add("rejected." + std::string(rejectReasonName(static_cast<RejectReason>(i))), c.rejectedBy[i]);
    return ok ? Status::ok() : failed(conn, q.rc(), "cannot store counters");
}

Status writeRejects(const sql::Connection& conn, const std::vector<RejectSample>& rejects)
{
    if (rejects.empty()) return Status::ok();
    sql::Stmt q(conn, "INSERT INTO rejects(source, offset, reason, line) VALUES(?1, ?2, ?3, ?4)");
    for (const RejectSample& r : rejects) {
        q.reset();
        q.bind(1, r.source).bind(2, static_cast<int64_t>(r.offset)).bind(3, rejectReasonName(r.reason));
        q.bindBlob(4, r.line);
        if (!q.run()) return failed(conn, q.rc(), "cannot store rejected lines");
    }
    return Status::ok();
}

Status writeSegment(const sql::Connection& conn, const SegmentRow& s)
{
    sql::Stmt q(conn,
        "INSERT INTO segments(id, file, bytes, events, min_ms, max_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6) "
        "ON CONFLICT(id) DO UPDATE SET bytes=excluded.bytes, events=excluded.events, "
        "min_ms=excluded.min_ms, max_ms=excluded.max_ms");
    q.bind(1, s.id).bind(2, segmentFileName(s.id)).bind(3, static_cast<int64_t>(s.bytes)).bind(4, s.events);
    q.bind(5, s.minMs).bind(6, s.maxMs);
    if (!q.run()) return failed(conn, q.rc(), "cannot store the raw segment length");
    return Status::ok();
}

Status writeWatermark(const sql::Connection& conn, int64_t maxEventMs, int64_t watermarkMs)
{
    sql::Stmt q(
        conn, "INSERT OR REPLACE INTO meta(key, value) VALUES('max_event_ms', ?1), ('watermark_ms', ?2)");
    q.bind(1, maxEventMs).bind(2, watermarkMs);
    if (!q.run()) return failed(conn, q.rc(), "cannot store the watermark");
    return Status::ok();
}

Status writeJumpCandidate(const sql::Connection& conn, int64_t jumpCandidateMs)
{
    sql::Stmt q(conn,
        jumpCandidateMs == kNoTime
            ? "DELETE FROM meta WHERE key = 'jump_candidate_ms'"
            : "INSERT OR REPLACE INTO meta(key, value) VALUES('jump_candidate_ms', ?1)");
    if (jumpCandidateMs != kNoTime) q.bind(1, jumpCandidateMs);
    if (!q.run()) return failed(conn, q.rc(), "cannot store the watermark");
    return Status::ok();
}

Status writePositions(const sql::Connection& conn, const std::vector<SourcePosition>& positions)
{
    sql::Stmt q(conn,
        "INSERT INTO sources(id, uri, fp_len, fp_hash, offset, updated_ms, max_ms) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) "
        "ON CONFLICT(id) DO UPDATE SET uri=excluded.uri, fp_len=excluded.fp_len, fp_hash=excluded.fp_hash, "
        "offset=excluded.offset, updated_ms=excluded.updated_ms, max_ms=excluded.max_ms");
    const int64_t now = wallMs();
    for (const SourcePosition& p : positions) {
        q.reset();
        q.bind(1, p.id).bind(2, p.uri).bind(3, int64_t(p.fpLen)).bind(4, static_cast<int64_t>(p.fpHash));
        q.bind(5, static_cast<int64_t>(p.offset)).bind(6, now);
        bindTime(q, 7, p.maxEventMs);
        if (!q.run()) return failed(conn, q.rc(), "cannot store source positions");
    }
    return writeParserStates(conn, positions);
}

Status writeParserStates(const sql::Connection& conn, const std::vector<SourcePosition>& positions)
{
    sql::Stmt q(conn, "INSERT OR REPLACE INTO source_parsers(source, state) VALUES(?1, ?2)");
    for (const SourcePosition& p : positions) {
        if (!p.parserState) continue;
        q.reset();
        q.bind(1, p.id).bindBlob(2, *p.parserState);
        if (!q.run()) return failed(conn, q.rc(), "cannot store source positions");
    }
    return Status::ok();
}

Status writeKafkaHealth(const sql::Connection& conn, const KafkaHealth& h)
{
    constexpr const char* kWhat = "cannot store the Kafka health";
    sql::Stmt src(conn,
        "INSERT OR REPLACE INTO kafka_sources(source, topic, broker_state, rebalances, gap, "
        "transient_errors, last_error, updated_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    src.bind(1, h.source).bind(2, h.topic).bind(3, h.brokerState).bind(4, h.rebalances).bind(5, h.gap);
    src.bind(6, h.transientErrors).bind(7, h.lastError).bind(8, h.updatedMs);
    if (!src.run()) return failed(conn, src.rc(), kWhat);
    sql::Stmt del(conn, "DELETE FROM kafka_partitions WHERE source = ?1");
    del.bind(1, h.source);
    if (!del.run()) return failed(conn, del.rc(), kWhat);
    sql::Stmt q(conn,
        "INSERT INTO kafka_partitions(source, partition, position, high_watermark, lag_messages, lag_ms, "
        "max_event_ms, idle) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    for (const PartitionHealth& p : h.partitions) {
        q.reset();
        q.bind(1, h.source).bind(2, int64_t(p.partition)).bind(3, p.position).bind(4, p.highWatermark);
        q.bind(5, p.lagMessages).bind(6, p.lagMs);
        bindTime(q, 7, p.maxEventMs);
        q.bind(8, int64_t(p.idle ? 1 : 0));
        if (!q.run()) return failed(conn, q.rc(), kWhat);
    }
    return Status::ok();
}

} // namespace adclick::core
