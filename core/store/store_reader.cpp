#include "core/store/store_reader.h"

#include "core/store/raw_reader.h"
#include "core/store/sqlite_util.h"

#include <algorithm>
#include <tuple>

namespace adclick::core {

StoreReader::~StoreReader() = default;

Result<std::unique_ptr<StoreReader>> StoreReader::open(const std::string& dbPath)
{
    using R = Result<std::unique_ptr<StoreReader>>;
    auto conn = sql::Connection::openReadOnly(dbPath);
    if (!conn) return R(conn.status());
    std::unique_ptr<StoreReader> r(new StoreReader());
    r->m_path = dbPath;
    r->m_conn = std::move(*conn);
    return R(std::move(r));
}

Result<StoredState> StoreReader::engineState()
{
    sql::ReadTransaction txn(m_conn);
    if (!txn.status()) return Result<StoredState>(txn.status());
    StoredState s;
    if (auto st = readEngineState(m_conn, s); !st) return Result<StoredState>(st);
    return s;
}

Result<std::pair<int64_t, int64_t>> StoreReader::dataMinutes()
{
    using R = Result<std::pair<int64_t, int64_t>>;
    // Two key seeks: SQLite turns a lone min() or max() into one, both together into a scan.
    sql::Stmt q(
        m_conn, "SELECT (SELECT min(minute) FROM minute_stats), (SELECT max(minute) FROM minute_stats)");
    if (!q.ok()) return R::error(sql::describe(m_conn, q.rc(), "cannot read minute_stats"));
    if (!q.step()) return R::error(sql::describe(m_conn, q.rc(), "cannot read minute_stats"));
    if (q.isNull(0)) return std::pair<int64_t, int64_t>(0, 0);
    return std::pair<int64_t, int64_t>(q.int64(0), q.int64(1) + 1);
}

Result<std::optional<int64_t>> StoreReader::firstClickMinute()
{
    using R = Result<std::optional<int64_t>>;
    // In key order: it stops at the first row with clicks (only late-only rows come before it).
    sql::Stmt q(
        m_conn, "SELECT (SELECT minute FROM agg WHERE filter_id = 0 AND clicks > 0 ORDER BY minute LIMIT 1)");
    if (!q.ok() || !q.step()) return R::error(sql::describe(m_conn, q.rc(), "cannot read agg"));
    if (q.isNull(0)) return std::optional<int64_t>();
    return std::optional<int64_t>(q.int64(0));
}

Result<std::vector<MinuteStat>> StoreReader::minuteStats(int64_t firstMinute, int64_t endMinute)
{
    using R = Result<std::vector<MinuteStat>>;
    sql::Stmt q(m_conn,
        "SELECT minute, accepted, duplicates, late FROM minute_stats WHERE minute >= ?1 AND minute < ?2 "
        "ORDER BY minute");
    if (!q.ok()) return R::error(sql::describe(m_conn, q.rc(), "cannot read minute_stats"));
    q.bind(1, firstMinute).bind(2, endMinute);
    std::vector<MinuteStat> out;
    while (q.step())
        out.push_back({ q.int64(0), q.int64(1), q.int64(2), q.int64(3) });
    if (q.rc() != SQLITE_DONE) return R::error(sql::describe(m_conn, q.rc(), "cannot read minute_stats"));
    return out;
}

Result<std::vector<RejectedLine>> StoreReader::rejects(int limit)
{
    return readRejects(m_conn, limit);
}

bool StoreReader::hasKafkaSources()
{
    sql::Stmt q(m_conn, "SELECT 1 FROM sources WHERE uri LIKE 'kafka:%' LIMIT 1");
    return q.ok() && q.step();
}

Result<std::vector<ClusterChain>> StoreReader::clusterChains()
{
    return readClusterChains(m_conn);
}

Result<std::vector<UnusualEvent>> StoreReader::unusualEvents(int64_t fromMs, int64_t toMs, std::size_t limit)
{
    using R = Result<std::vector<UnusualEvent>>;
    sql::ReadTransaction txn(m_conn);
    if (!txn.status()) return R(txn.status());
    const std::vector<TimeRange> ranges { { fromMs, toMs } };
    auto segments = committedSegments(m_conn, ranges);
    if (!segments) return R(segments.status());
    // The `limit` with the largest (event time, storage position): storage order alone is not
    // time order (late clicks are stored in frames of their own, raw_frame.h). A min-heap whose
    // root is the first to give way; only the events kept are copied.
    struct Kept {
        int64_t seq;
        UnusualEvent event;
    };
    const auto newer = [](const Kept& a, const Kept& b) {
        return std::tie(a.event.timeMs, a.seq) > std::tie(b.event.timeMs, b.seq);
    };
    std::vector<Kept> kept;
    int64_t seq = 0;
    RawReader reader(rawDirFor(m_path));
    auto st = reader.read(*segments, ranges, [&](const RawEvent& e) {
        if (e.status == RawStatus::Accepted) return true;
        ++seq;
        if (limit == 0) return true;
        if (kept.size() == limit) {
            if (std::tie(e.timeMs, seq) < std::tie(kept.front().event.timeMs, kept.front().seq)) return true;
            std::pop_heap(kept.begin(), kept.end(), newer);
            kept.pop_back();
        }
        kept.push_back({ seq,
            { e.status, e.timeMs, std::string(e.adId), std::string(e.country), std::string(e.userId),
                std::string(e.ip), std::string(e.clickId) } });
        std::push_heap(kept.begin(), kept.end(), newer);
        return true;
    });
    if (!st) return R(st);
    std::sort(kept.begin(), kept.end(), [&](const Kept& a, const Kept& b) { return newer(b, a); });
    std::vector<UnusualEvent> out;
    out.reserve(kept.size());
    for (Kept& k : kept)
        out.push_back(std::move(k.event));
    return out;
}

} // namespace adclick::core
