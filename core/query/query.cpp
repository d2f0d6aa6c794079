#include "core/query/query.h"

#include "core/base/click_event.h"
#include "core/query/top_ads.h"
#include "core/store/rollups.h"
#include "core/store/sqlite_util.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace adclick::core {

namespace {

// The minutes [?3, ?4) as rows of m(x). Joined first (CROSS JOIN keeps it the outer loop), each
// minute is one seek of the primary key (filter_id, minute, ad, …): one ad's clicks over a day are
// 1440 seeks, with no second index to maintain on every ingest commit.
constexpr const char* kMinuteSeries = "WITH RECURSIVE m(x) AS (SELECT ?3 WHERE ?3 < ?4 UNION ALL "
                                      "SELECT x + 1 FROM m WHERE x + 1 < ?4) ";

int64_t floorMinute(int64_t ms)
{
    return paneOf(ms);
}
int64_t ceilMinute(int64_t ms)
{
    return -paneOf(-ms);
}

struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view> {}(s); }
};
using CountMap = std::unordered_map<std::string, int64_t, StringHash, std::equal_to<>>;

void addTo(CountMap& map, std::string_view key, int64_t n)
{
    if (auto it = map.find(key); it != map.end())
        it->second += n;
    else
        map.emplace(std::string(key), n);
}

//! Whole minutes [first, end) the aggregates answer, and the partial edges left for raw events.
struct Split {
    int64_t firstMinute = 0, endMinute = 0; //!< empty when first >= end
    std::vector<TimeRange> edges;
};

Split splitRange(int64_t fromMs, int64_t toMs, bool aggregates)
{
    Split s;
    if (!aggregates) {
        s.edges.push_back({ fromMs, toMs });
        return s;
    }
    s.firstMinute = ceilMinute(fromMs);
    s.endMinute = floorMinute(toMs);
    if (s.firstMinute >= s.endMinute) {
        s.firstMinute = s.endMinute = 0;
        s.edges.push_back({ fromMs, toMs });
        return s;
    }
    if (fromMs < s.firstMinute * kMinuteMs) s.edges.push_back({ fromMs, s.firstMinute * kMinuteMs });
    if (s.endMinute * kMinuteMs < toMs) s.edges.push_back({ s.endMinute * kMinuteMs, toMs });
    return s;
}

std::string andCountry(const QueryPlan& p)
{
    return p.countrySql.empty() ? "" : " AND " + p.countrySql;
}

} // namespace

QueryService::~QueryService()
{
    m_raw.reset();
}

Result<std::unique_ptr<QueryService>> QueryService::open(const std::string& dbPath)
{
    using R = Result<std::unique_ptr<QueryService>>;
    auto conn = sql::Connection::openReadOnly(dbPath);
    if (!conn) return R(conn.status());
    std::unique_ptr<QueryService> q(new QueryService());
    q->m_path = dbPath;
    q->m_conn = std::move(*conn);
    // The raw reader (and its 4 MiB block buffer) is made by the first call that scans raw
    // events: most queries never do, and a CLI query pays the page faults otherwise.
    return R(std::move(q));
}

void QueryService::interrupt()
{
    m_interrupt.store(true, std::memory_order_relaxed);
    m_conn.interrupt();
}

Status QueryService::interrupted() const
{
    return Status::error("the query was interrupted");
}

sql::ReadTransaction QueryService::beginRead()
{
    m_interrupt.store(false, std::memory_order_relaxed);
    return sql::ReadTransaction(m_conn);
}

Result<Filter> QueryService::resolve(const Filter& filter)
{
    if (filter.savedRefs().empty()) return filter;
    auto saved = listSavedFilters(m_conn);
    if (!saved) return Result<Filter>(saved.status());
    return resolveWith(filter, *saved);
}

Result<Filter> QueryService::resolveWith(const Filter& filter, const std::vector<SavedFilterRow>& saved)
{
    if (filter.savedRefs().empty()) return filter;
    return resolveFilter(filter, [&saved](const std::string& name) -> std::optional<std::string> {
        for (const SavedFilterRow& row : saved)
            if (row.name == name) return row.expr;
        return std::nullopt;
    });
}

Result<QueryPlan> QueryService::plan(const Filter& filter)
{
    auto txn = beginRead();
    if (!txn.status()) return Result<QueryPlan>(txn.status());
    return planLocked(filter);
}

Result<QueryPlan> QueryService::planLocked(const Filter& filter)
{
    using R = Result<QueryPlan>;
    std::vector<SavedFilterRow> saved; // a country-only filter needs none
    if (!filter.countryOnly()) {
        auto rows = listSavedFilters(m_conn);
        if (!rows) return R(rows.status());
        saved = std::move(*rows);
    }
    auto resolved = resolveWith(filter, saved);
    if (!resolved) return R(resolved.status());
    QueryPlan p;
    p.filter = std::move(resolved.value());
    if (p.filter.countryOnly()) {
        p.fromAggregates = true;
        p.countrySql = p.filter.countrySql();
        return p;
    }
    // A ready saved filter whose conditions are part of this one: its aggregates hold exactly
    // the clicks it matches, and whatever remains must be country conditions.
    std::size_t best = 0;
    for (const SavedFilterRow& row : saved) {
        if (row.state != SavedFilterState::Ready) continue;
        auto parsed = parseFilter(row.expr);
        if (!parsed) continue;
        auto ready = resolveWith(*parsed, saved);
        if (!ready || ready->countryOnly() || !p.filter.includes(*ready)) continue;
        const Filter rest = p.filter.without(*ready);
        if (!rest.countryOnly() || ready->conditions().size() <= best) continue;
        best = ready->conditions().size();
        p.fromAggregates = true;
        p.filterId = row.id;
        p.countrySql = rest.countrySql();
    }
    return p;
}

Result<std::optional<int64_t>> QueryService::adKey(std::string_view adId)
{
    sql::Stmt q(m_conn, "SELECT id FROM ads WHERE name = ?1");
    q.bind(1, adId);
    if (q.step()) return std::optional<int64_t>(q.int64(0));
    if (q.rc() != SQLITE_DONE)
        return Result<std::optional<int64_t>>::error(sql::describe(m_conn, q.rc(), "cannot read ads"));
    return std::optional<int64_t>();
}

Result<QueryService::AdScope> QueryService::adScope(const std::optional<std::string>& adId)
{
    AdScope scope;
    if (!adId) return scope;
    auto key = adKey(*adId);
    if (!key) return Result<AdScope>(key.status());
    scope.key = *key;
    scope.unknown = !*key;
    return scope;
}

Result<std::optional<int64_t>> QueryService::watermarkLocked()
{
    sql::Stmt q(m_conn, "SELECT value FROM meta WHERE key = 'watermark_ms'");
    if (q.step()) return q.isNull(0) ? std::optional<int64_t>() : std::optional<int64_t>(q.int64(0));
    if (q.rc() != SQLITE_DONE)
        return Result<std::optional<int64_t>>::error(
            sql::describe(m_conn, q.rc(), "cannot read the watermark"));
    return std::optional<int64_t>();
}

Result<std::optional<int64_t>> QueryService::watermark()
{
    auto txn = beginRead();
    if (!txn.status()) return Result<std::optional<int64_t>>(txn.status());
    return watermarkLocked();
}

Status QueryService::scanRaw(const std::vector<TimeRange>& ranges, const Filter& filter,
    std::optional<std::string_view> adId, const RawReader::Callback& fn)
{
    if (ranges.empty()) return Status::ok();
    if (auto st = refuseRawOnClusterStore(m_conn); !st) return st;
    auto segments = committedSegments(m_conn, ranges);
    if (!segments) return segments.status();
    bool stopped = false;
    if (!m_raw) m_raw = std::make_unique<RawReader>(rawDirFor(m_path));
    // The reader skips the frames of other ads, the events not in the aggregates and those the
    // filter rejects itself, decodes only the columns up to the country (all a query reads), on
    // two threads (a query sums: any order will do), and stops at an interrupt between frames.
    RawScan scan { adId, true };
    if (!filter.empty()) scan.filter = &filter;
    scan.columns = RawColumns::Countries;
    scan.anyOrder = true;
    scan.cancel = &m_interrupt;
    auto st = m_raw->read(*segments, ranges, scan, [&](const RawEvent& e) {
        if (m_interrupt.load(std::memory_order_relaxed)) {
            stopped = true;
            return false;
        }
        return fn(e);
    });
    if (st && (stopped || m_interrupt.load(std::memory_order_relaxed))) return interrupted();
    return st;
}

std::pair<int64_t, int64_t> QueryService::clampMinutes(int64_t filterId, int64_t first, int64_t end)
{
    // The minutes that hold aggregates at all: two seeks of the primary key. (SQLite optimises a
    // lone min() or max() into a seek; both in one SELECT scan the whole filter_id range.)
    sql::Stmt q(m_conn,
        "SELECT (SELECT min(minute) FROM agg WHERE filter_id = ?1), "
        "(SELECT max(minute) FROM agg WHERE filter_id = ?1)");
    q.bind(1, filterId);
    if (!q.step() || q.isNull(0)) return { 0, 0 };
    return { std::max(first, q.int64(0)), std::min(end, q.int64(1) + 1) };
}

Result<int64_t> QueryService::count(std::string_view adId, int64_t fromMs, int64_t toMs, const Filter& filter)
{
    using R = Result<int64_t>;
    if (fromMs >= toMs) return R::error("the time range is empty: 'from' must be before 'to'");
    auto txn = beginRead();
    if (!txn.status()) return R(txn.status());
    auto p = planLocked(filter);
    if (!p) return R(p.status());
    auto ad = adKey(adId);
    if (!ad) return R(ad.status());
    if (!*ad) return int64_t(0);

    const Split split = splitRange(fromMs, toMs, p->fromAggregates);
    int64_t total = 0;
    if (split.firstMinute < split.endMinute) {
        // One ad: its own index range, whatever the number of other ads (the planner, without
        // statistics, would pick the primary key's minute range).
        const auto [first, end] = clampMinutes(p->filterId, split.firstMinute, split.endMinute);
        sql::Stmt q(m_conn,
            std::string(kMinuteSeries)
                + "SELECT coalesce(sum(clicks), 0) FROM m CROSS JOIN agg WHERE filter_id = ?1 AND ad = ?2 "
                  "AND minute = x"
                + andCountry(*p));
        q.bind(1, p->filterId).bind(2, **ad).bind(3, first).bind(4, end);
        if (!q.step()) return R::error(sql::describe(m_conn, q.rc(), "cannot read aggregates"));
        total = q.int64(0);
    }
    auto st = scanRaw(split.edges, p->filter, adId, [&total](const RawEvent&) {
        ++total;
        return true;
    });
    if (!st) return R(st);
    return total;
}

Result<PopularResult> QueryService::popular(
    int64_t n, int64_t windowMinutes, std::optional<int64_t> atMs, const Filter& filter)
{
    auto txn = beginRead();
    if (!txn.status()) return Result<PopularResult>(txn.status());
    return popularLocked(n, windowMinutes, atMs, filter);
}

Result<PopularResult> QueryService::popularLocked(
    int64_t n, int64_t windowMinutes, std::optional<int64_t> atMs, const Filter& filter)
{
    using R = Result<PopularResult>;
    if (n <= 0) return R::error("the number of ads must be positive");
    if (windowMinutes <= 0) return R::error("the window must be at least one minute");
    PopularResult out;
    out.windowMinutes = windowMinutes;
    int64_t endMinute = 0;
    if (atMs) {
        endMinute = floorMinute(*atMs);
    } else {
        auto w = watermarkLocked();
        if (!w) return R(w.status());
        if (!*w) return out; // nothing was ingested yet: no final pane
        endMinute = floorMinute(**w);
    }
    out.atMs = endMinute * kMinuteMs;
    const int64_t firstMinute = endMinute - windowMinutes;
    auto p = planLocked(filter);
    if (!p) return R(p.status());

    if (p->fromAggregates && p->countrySql.empty() && hasRollups(m_conn)) {
        auto top = topAdsFromRollups(m_conn, p->filterId, firstMinute, endMinute, n);
        if (!top) return R(top.status());
        out.top = std::move(*top);
        return out;
    }
    if (p->fromAggregates) {
        // Range scan of the primary key (filter_id, minute, …); only the grouped ads meet `ads`.
        sql::Stmt q(m_conn,
            "SELECT ads.name, t.c FROM (SELECT ad, sum(clicks) AS c FROM agg WHERE filter_id = ?1 AND minute "
            ">= ?2 "
            "AND minute < ?3"
                + andCountry(*p)
                + " GROUP BY ad) AS t JOIN ads ON ads.id = t.ad WHERE t.c > 0 "
                  "ORDER BY t.c DESC, ads.name ASC LIMIT ?4");
        q.bind(1, p->filterId).bind(2, firstMinute).bind(3, endMinute).bind(4, n);
        while (q.step())
            out.top.push_back({ std::string(q.text(0)), q.int64(1) });
        if (q.rc() != SQLITE_DONE) return R::error(sql::describe(m_conn, q.rc(), "cannot read aggregates"));
        return out;
    }

    CountMap counts;
    auto st = scanRaw({ { firstMinute * kMinuteMs, endMinute * kMinuteMs } }, p->filter, std::nullopt,
        [&counts](const RawEvent& e) {
            addTo(counts, e.adId, 1);
            return true;
        });
    if (!st) return R(st);
    std::vector<AdCount> all;
    all.reserve(counts.size());
    for (auto& [ad, c] : counts)
        all.push_back({ ad, c });
    const auto better = [](const AdCount& a, const AdCount& b) {
        return a.clicks != b.clicks ? a.clicks > b.clicks : a.adId < b.adId;
    };
    const auto keep = static_cast<std::size_t>(std::min<int64_t>(n, static_cast<int64_t>(all.size())));
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(), better);
    all.resize(keep);
    out.top = std::move(all);
    return out;
}

Result<Series> QueryService::series(
    int64_t fromMs, int64_t toMs, std::optional<std::string> adId, const Filter& filter)
{
    using R = Result<Series>;
    if (fromMs >= toMs) return R::error("the time range is empty: 'from' must be before 'to'");
    auto txn = beginRead();
    if (!txn.status()) return R(txn.status());
    Series out;
    const int64_t firstMinute = floorMinute(fromMs), endMinute = ceilMinute(toMs);
    out.fromMs = firstMinute * kMinuteMs;
    out.toMs = endMinute * kMinuteMs;
    auto p = planLocked(filter);
    if (!p) return R(p.status());
    auto scope = adScope(adId);
    if (!scope) return R(scope.status());
    if (scope->unknown) return out;
    const std::optional<int64_t> ad = scope->key;

    if (p->fromAggregates) {
        sql::Stmt q;
        if (ad) {
            q = sql::Stmt(m_conn,
                std::string(kMinuteSeries)
                    + "SELECT minute, sum(clicks) AS c FROM m CROSS JOIN agg WHERE filter_id = ?1 AND ad = "
                      "?2 "
                      "AND minute = x"
                    + andCountry(*p) + " GROUP BY minute HAVING c > 0 ORDER BY minute");
            const auto [first, end] = clampMinutes(p->filterId, firstMinute, endMinute);
            q.bind(1, p->filterId).bind(2, *ad).bind(3, first).bind(4, end);
        } else {
            q = sql::Stmt(m_conn,
                "SELECT t.minute, ads.name, t.c FROM (SELECT minute, ad, sum(clicks) AS c FROM agg "
                "WHERE filter_id = ?1 AND minute >= ?2 AND minute < ?3"
                    + andCountry(*p)
                    + " GROUP BY minute, ad) AS t JOIN ads ON ads.id = t.ad WHERE t.c > 0 "
                      "ORDER BY t.minute, ads.name");
            q.bind(1, p->filterId).bind(2, firstMinute).bind(3, endMinute);
        }
        while (q.step()) {
            if (ad)
                out.rows.push_back({ q.int64(0), *adId, q.int64(1) });
            else
                out.rows.push_back({ q.int64(0), std::string(q.text(1)), q.int64(2) });
        }
        if (q.rc() != SQLITE_DONE) return R::error(sql::describe(m_conn, q.rc(), "cannot read aggregates"));
        return out;
    }

    // Key: 8 bytes of minute (big-endian, offset so that order is kept) + ad_id.
    CountMap counts;
    std::string key;
    auto st = scanRaw({ { out.fromMs, out.toMs } }, p->filter,
        adId ? std::optional<std::string_view>(*adId) : std::nullopt, [&](const RawEvent& e) {
            key.clear();
            const uint64_t m = static_cast<uint64_t>(floorMinute(e.timeMs)) ^ (uint64_t(1) << 63);
            for (int shift = 56; shift >= 0; shift -= 8)
                key.push_back(static_cast<char>((m >> shift) & 0xff));
            key.append(e.adId);
            addTo(counts, key, 1);
            return true;
        });
    if (!st) return R(st);
    std::vector<std::pair<std::string, int64_t>> sorted(counts.begin(), counts.end());
    std::sort(sorted.begin(), sorted.end()); // byte order: minute, then ad_id
    out.rows.reserve(sorted.size());
    for (const auto& [k, c] : sorted) {
        uint64_t m = 0;
        for (int i = 0; i < 8; ++i)
            m = (m << 8) | static_cast<unsigned char>(k[static_cast<std::size_t>(i)]);
        out.rows.push_back({ static_cast<int64_t>(m ^ (uint64_t(1) << 63)), k.substr(8), c });
    }
    return out;
}

Result<std::vector<CountryCount>> QueryService::countries(
    int64_t fromMs, int64_t toMs, std::optional<std::string> adId, const Filter& filter)
{
    using R = Result<std::vector<CountryCount>>;
    if (fromMs >= toMs) return R::error("the time range is empty: 'from' must be before 'to'");
    auto txn = beginRead();
    if (!txn.status()) return R(txn.status());
    auto p = planLocked(filter);
    if (!p) return R(p.status());
    auto scope = adScope(adId);
    if (!scope) return R(scope.status());
    if (scope->unknown) return std::vector<CountryCount>();
    const std::optional<int64_t> ad = scope->key;
    CountMap counts;
    const Split split = splitRange(fromMs, toMs, p->fromAggregates);
    if (split.firstMinute < split.endMinute) {
        const auto [first, end] = clampMinutes(p->filterId, split.firstMinute, split.endMinute);
        sql::Stmt q(m_conn,
            ad ? std::string(kMinuteSeries)
                    + "SELECT country, sum(clicks) FROM m CROSS JOIN agg WHERE filter_id = ?1 AND ad = ?2 "
                      "AND minute = x"
                    + andCountry(*p) + " GROUP BY country"
               : "SELECT country, sum(clicks) FROM agg WHERE filter_id = ?1 AND minute >= ?3 AND minute < ?4"
                    + andCountry(*p) + " GROUP BY country");
        q.bind(1, p->filterId).bind(3, first).bind(4, end);
        if (ad) q.bind(2, *ad);
        while (q.step())
            addTo(counts, q.text(0), q.int64(1));
        if (q.rc() != SQLITE_DONE) return R::error(sql::describe(m_conn, q.rc(), "cannot read aggregates"));
    }
    auto st = scanRaw(split.edges, p->filter, adId ? std::optional<std::string_view>(*adId) : std::nullopt,
        [&counts](const RawEvent& e) {
            addTo(counts, e.country, 1);
            return true;
        });
    if (!st) return R(st);
    std::vector<CountryCount> out;
    for (const auto& [c, n] : counts)
        if (n > 0) out.push_back({ c, n });
    std::sort(out.begin(), out.end(), [](const CountryCount& a, const CountryCount& b) {
        return a.clicks != b.clicks ? a.clicks > b.clicks : a.country < b.country;
    });
    return out;
}

Result<std::vector<SavedFilterInfo>> QueryService::savedFilters()
{
    using R = Result<std::vector<SavedFilterInfo>>;
    auto txn = beginRead();
    if (!txn.status()) return R(txn.status());
    auto rows = listSavedFilters(m_conn);
    if (!rows) return R(rows.status());
    std::vector<SavedFilterInfo> out;
    for (const SavedFilterRow& row : *rows)
        out.push_back(
            { row.id, row.name, row.expr, std::string(savedFilterStateName(row.state)), row.createdMs });
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
}

} // namespace adclick::core
