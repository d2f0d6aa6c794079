#include "core/store/store_reads.h"

#include "core/store/sqlite_util.h"

#include <algorithm>
#include <climits>

namespace adclick::core {

namespace {

//! Applies one row of the meta table to `s`; other keys are not engine state.
void applyMeta(StoredState& s, std::string_view key, const sql::Stmt& q)
{
    if (key == "lateness_ms") {
        s.settings.latenessMs = q.int64(1);
        s.hasSettings = true;
    } else if (key == "late_policy") {
        s.settings.late = q.text(1) == "update" ? LatePolicy::Update : LatePolicy::Drop;
    } else if (key == "dedup_horizon_ms") {
        s.settings.dedupHorizonMs = q.int64(1);
    } else if (key == "max_event_ms") {
        s.maxEventMs = q.int64(1);
    } else if (key == "watermark_ms") {
        s.watermarkMs = q.int64(1);
    } else if (key == "jump_candidate_ms") {
        s.jumpCandidateMs = q.int64(1);
    }
}

//! Applies one row of the counters table to `c`.
void applyCounter(Counters& c, std::string_view name, int64_t v)
{
    if (name == "lines")
        c.lines = v;
    else if (name == "accepted")
        c.accepted = v;
    else if (name == "duplicates")
        c.duplicates = v;
    else if (name == "late")
        c.late = v;
    else if (name == "late_applied")
        c.lateApplied = v;
    else if (name == "rejected")
        c.rejected = v;
    else if (name == "lost_bytes")
        c.lostBytes = v;
    else if (name == "lost_predecessors")
        c.lostPredecessors = v;
    else if (name.rfind("rejected.", 0) == 0) {
        for (std::size_t i = 0; i < kRejectReasonCount; ++i)
            if (name.substr(9) == rejectReasonName(static_cast<RejectReason>(i))) c.rejectedBy[i] = v;
    }
}

} // namespace

Status readEngineState(const sql::Connection& conn, StoredState& s)
{
    {
        sql::Stmt q(conn, "SELECT key, value FROM meta");
        while (q.step())
            applyMeta(s, q.text(0), q);
        if (q.rc() != SQLITE_DONE)
            return Status::error(sql::describe(conn, q.rc(), "cannot read the engine state"));
    }
    sql::Stmt q(conn, "SELECT name, value FROM counters");
    while (q.step())
        applyCounter(s.counters, q.text(0), q.int64(1));
    if (q.rc() != SQLITE_DONE)
        return Status::error(sql::describe(conn, q.rc(), "cannot read the engine state"));
    return Status::ok();
}

Result<std::vector<SourcePosition>> readSources(const sql::Connection& conn)
{
    using R = Result<std::vector<SourcePosition>>;
    std::vector<SourcePosition> out;
    sql::Stmt q(conn, "SELECT id, uri, fp_len, fp_hash, offset, max_ms FROM sources ORDER BY id");
    while (q.step())
        out.push_back({ q.int64(0), std::string(q.text(1)), static_cast<uint32_t>(q.int64(2)),
            static_cast<uint64_t>(q.int64(3)), static_cast<uint64_t>(q.int64(4)),
            q.isNull(5) ? kNoTime : q.int64(5) });
    if (q.rc() != SQLITE_DONE)
        return R::error(sql::describe(conn, q.rc(), "cannot read the source positions"));
    return out;
}

Status readParserStates(const sql::Connection& conn, std::vector<SourcePosition>& sources)
{
    sql::Stmt q(conn, "SELECT source, state FROM source_parsers");
    while (q.step()) {
        const int64_t id = q.int64(0);
        for (SourcePosition& s : sources)
            if (s.id == id) s.parserState = std::string(q.blob(1));
    }
    if (q.rc() != SQLITE_DONE)
        return Status::error(sql::describe(conn, q.rc(), "cannot read the source positions"));
    return Status::ok();
}

Result<std::vector<RejectedLine>> readRejects(const sql::Connection& conn, int limit)
{
    using R = Result<std::vector<RejectedLine>>;
    sql::Stmt q(conn, "SELECT source, offset, reason, line FROM rejects ORDER BY id LIMIT ?1");
    if (!q.ok()) return R::error(sql::describe(conn, q.rc(), "cannot read rejects"));
    q.bind(1, int64_t(limit));
    std::vector<RejectedLine> out;
    while (q.step())
        out.push_back({ std::string(q.text(0)), q.int64(1), std::string(q.text(2)), std::string(q.blob(3)) });
    if (q.rc() != SQLITE_DONE) return R::error(sql::describe(conn, q.rc(), "cannot read rejects"));
    return out;
}

Status readKafkaHealth(const sql::Connection& conn, std::vector<KafkaHealth>& out)
{
    {
        sql::Stmt q(conn,
            "SELECT source, topic, broker_state, rebalances, gap, transient_errors, last_error, updated_ms "
            "FROM kafka_sources ORDER BY source");
        // A database no writer of this version has opened yet has no Kafka tables: no health.
        if (!q.ok()) return Status::ok();
        while (q.step()) {
            KafkaHealth h;
            h.source = q.text(0);
            h.topic = q.text(1);
            h.brokerState = q.text(2);
            h.rebalances = q.int64(3);
            h.gap = q.text(4);
            h.transientErrors = q.int64(5);
            h.lastError = q.text(6);
            h.updatedMs = q.int64(7);
            out.push_back(std::move(h));
        }
        if (q.rc() != SQLITE_DONE)
            return Status::error(sql::describe(conn, q.rc(), "cannot read the Kafka health"));
    }
    sql::Stmt q(conn,
        "SELECT partition, position, high_watermark, lag_messages, lag_ms, max_event_ms, idle "
        "FROM kafka_partitions WHERE source = ?1 ORDER BY partition");
    for (KafkaHealth& h : out) {
        q.reset();
        q.bind(1, h.source);
        while (q.step())
            h.partitions.push_back({ static_cast<int32_t>(q.int64(0)), q.int64(1), q.int64(2), q.int64(3),
                q.int64(4), q.isNull(5) ? kNoTime : q.int64(5), q.int64(6) != 0 });
        if (q.rc() != SQLITE_DONE)
            return Status::error(sql::describe(conn, q.rc(), "cannot read the Kafka health"));
    }
    return Status::ok();
}

namespace {

//! `TOPIC/P` (a Kafka topic name has no '/'); false for anything else.
bool parseChainKey(std::string_view key, ClusterChain& chain)
{
    const auto slash = key.rfind('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == key.size()) return false;
    int64_t partition = 0;
    for (const char c : key.substr(slash + 1)) {
        if (c < '0' || c > '9' || partition > INT32_MAX / 10) return false;
        partition = partition * 10 + (c - '0');
    }
    chain.topic = std::string(key.substr(0, slash));
    chain.partition = static_cast<int32_t>(partition);
    return true;
}

} // namespace

Result<std::vector<ClusterChain>> readClusterChains(const sql::Connection& conn)
{
    using R = Result<std::vector<ClusterChain>>;
    // substr, not LIKE: '_' in a topic name would be a LIKE wildcard.
    sql::Stmt q(conn, "SELECT uri, offset, max_ms FROM sources WHERE substr(uri, 1, 8) = 'cluster:'");
    std::vector<ClusterChain> out;
    while (q.step()) {
        ClusterChain c;
        if (!parseChainKey(q.text(0).substr(kClusterChainPrefix.size()), c)) continue;
        c.appliedTo = q.int64(1);
        c.maxEventMs = q.isNull(2) ? kNoTime : q.int64(2);
        out.push_back(std::move(c));
    }
    if (q.rc() != SQLITE_DONE) return R::error(sql::describe(conn, q.rc(), "cannot read the cluster chains"));
    std::sort(out.begin(), out.end(), [](const ClusterChain& a, const ClusterChain& b) {
        return a.topic != b.topic ? a.topic < b.topic : a.partition < b.partition;
    });
    return out;
}

} // namespace adclick::core
