#include "core/query/top_ads_bounded.h"

#include "core/store/rollups.h"
#include "core/store/sqlite_util.h"

#include <algorithm>
#include <array>
#include <functional>
#include <limits>
#include <map>
#include <queue>
#include <string>
#include <unordered_set>

namespace adclick::core {

namespace {

//! The most buckets whose look-ups one ad's exact count may take: a window of a few hours. A
//! longer one (a run of many hours) sums every row instead.
constexpr std::size_t kMaxBuckets = 64;

int64_t floorDiv(int64_t a, int64_t b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

//! One bucket of the cover with its net coefficient (a cover may add a bucket and subtract a
//! part of it, never the same bucket twice, but the sum of signs is what counts).
struct NetBucket {
    int64_t width = 1, bucket = 0, coef = 0;
};

//! The cover's buckets with a non-zero net coefficient; unset beyond kMaxBuckets.
std::optional<std::vector<NetBucket>> netBuckets(const std::vector<RollupTerm>& terms)
{
    std::map<std::pair<int64_t, int64_t>, int64_t> coef;
    for (const RollupTerm& t : terms) {
        if (t.end - t.first > static_cast<int64_t>(kMaxBuckets)) return std::nullopt;
        for (int64_t b = t.first; b < t.end; ++b)
            coef[{ t.width, b }] += t.sign;
        if (coef.size() > kMaxBuckets) return std::nullopt;
    }
    std::vector<NetBucket> out;
    for (const auto& [key, c] : coef)
        if (c != 0) out.push_back({ key.first, key.second, c });
    return out;
}

//! One hour bucket that holds positive buckets of the cover, and how many times at most one of
//! its minutes is counted by them: an ad's positive part within the hour is at most depth × its
//! clicks of the hour (clicks are never negative).
struct HourDepth {
    int64_t hour = 0, depth = 0;
};

std::vector<HourDepth> hourDepths(const std::vector<NetBucket>& buckets)
{
    constexpr int64_t kH = kRankedRollupWidth;
    std::map<int64_t, std::array<int64_t, kH>> perMinute; // value-initialised: zeros
    for (const NetBucket& b : buckets) {
        if (b.coef <= 0) continue;
        for (int64_t m = b.bucket * b.width; m < (b.bucket + 1) * b.width; ++m)
            perMinute[floorDiv(m, kH)][static_cast<std::size_t>(m - floorDiv(m, kH) * kH)] += b.coef;
    }
    std::vector<HourDepth> out;
    for (const auto& [hour, minutes] : perMinute)
        out.push_back({ hour, *std::max_element(minutes.begin(), minutes.end()) });
    return out;
}

//! The threshold search of boundedTopAds (its comment): one cursor per hour, round by round.
class BoundedSearch {
public:
    BoundedSearch(const sql::Connection& conn, int64_t filterId, std::vector<NetBucket> buckets, int64_t n,
        BoundedSearchStats& stats)
        : m_conn(conn)
        , m_filterId(filterId)
        , m_buckets(std::move(buckets))
        , m_n(n)
        , m_stats(stats)
        , m_lookup(conn,
              "SELECT clicks FROM agg_rollup WHERE filter_id = ?1 AND width = ?2 AND bucket = ?3 AND ad = ?4")
    { }

    //! False without agg_rollup_rank (a new database cut short before its index, which the next
    //! writer's open adds): the caller sums every row.
    bool openHours()
    {
        const std::string rows
            = "SELECT ad, rank FROM agg_rollup INDEXED BY agg_rollup_rank WHERE filter_id = ?1 AND "
              "width = "
            + std::to_string(kRankedRollupWidth) + " AND rank > 0 AND bucket = ?2 ORDER BY rank DESC";
        for (const HourDepth& h : hourDepths(m_buckets)) {
            Hour hour { h.depth, sql::Stmt(m_conn, rows) };
            if (!hour.cursor.ok()) return false;
            hour.cursor.bind(1, m_filterId).bind(2, h.hour);
            m_hours.push_back(std::move(hour));
        }
        return true;
    }

    //! One row of every hour not read to its end; false once all are.
    Result<bool> round()
    {
        bool any = false;
        for (Hour& h : m_hours) {
            if (h.done) continue;
            if (!h.cursor.step()) {
                if (h.cursor.rc() != SQLITE_DONE) return failed(h.cursor.rc());
                h.done = true;
                h.last = rankCeiling(0); // the rows of rank 0 are not in the index
                continue;
            }
            any = true;
            ++m_stats.rankRows;
            h.last = rankCeiling(h.cursor.int64(1)); // the rows not read yet have a rank ≤ this one
            if (auto st = meet(h.cursor.int64(0)); !st) return Result<bool>(st);
        }
        return any;
    }

    //! The n-th exact count is above what any ad not met can reach.
    bool settled() const
    {
        if (static_cast<int64_t>(m_best.size()) < m_n) return false;
        int64_t bound = 0;
        for (const Hour& h : m_hours)
            bound += h.depth * h.last;
        return m_best.top() > bound;
    }

    int64_t work() const { return m_stats.rankRows + m_stats.lookups; }

    //! The ads met whose count is > 0 and reaches the n-th largest.
    std::vector<AdSum> answer() const
    {
        const int64_t threshold = static_cast<int64_t>(m_best.size()) < m_n ? 1 : m_best.top();
        std::vector<AdSum> out;
        for (const AdSum& a : m_met)
            if (a.clicks >= threshold) out.push_back(a);
        return out;
    }

private:
    struct Hour {
        int64_t depth = 0;
        sql::Stmt cursor;
        int64_t last = std::numeric_limits<int64_t>::max() / 1024; //!< the most clicks of a row not read
        bool done = false;
    };

    Result<bool> failed(int rc) const
    {
        return Result<bool>::error(sql::describe(m_conn, rc, "cannot read rollups"));
    }

    //! Sums a newly met ad exactly and keeps it when it counts.
    Status meet(int64_t ad)
    {
        if (!m_seen.insert(ad).second) return Status::ok();
        int64_t sum = 0;
        for (const NetBucket& b : m_buckets) {
            m_lookup.reset();
            m_lookup.bind(1, m_filterId).bind(2, b.width).bind(3, b.bucket).bind(4, ad);
            ++m_stats.lookups;
            if (m_lookup.step())
                sum += b.coef * m_lookup.int64(0);
            else if (m_lookup.rc() != SQLITE_DONE)
                return Status::error(sql::describe(m_conn, m_lookup.rc(), "cannot read rollups"));
        }
        if (sum <= 0) return Status::ok();
        m_met.push_back({ ad, sum });
        if (static_cast<int64_t>(m_best.size()) < m_n) {
            m_best.push(sum);
        } else if (sum > m_best.top()) {
            m_best.pop();
            m_best.push(sum);
        }
        return Status::ok();
    }

    const sql::Connection& m_conn;
    int64_t m_filterId;
    std::vector<NetBucket> m_buckets;
    int64_t m_n;
    BoundedSearchStats& m_stats;
    sql::Stmt m_lookup;
    std::vector<Hour> m_hours;
    std::unordered_set<int64_t> m_seen;
    std::vector<AdSum> m_met; //!< ads with a count > 0
    std::priority_queue<int64_t, std::vector<int64_t>, std::greater<>> m_best; //!< the n largest counts
};

} // namespace

Result<std::optional<std::vector<AdSum>>> boundedTopAds(const sql::Connection& conn, int64_t filterId,
    const std::vector<RollupTerm>& terms, int64_t n, int64_t budget, BoundedSearchStats* stats)
{
    using R = Result<std::optional<std::vector<AdSum>>>;
    auto buckets = netBuckets(terms);
    // Each ad met costs a look-up per bucket: beyond the budget for n ads, sum every row.
    if (!buckets || n > budget || n * static_cast<int64_t>(buckets->size() + 1) > budget)
        return std::optional<std::vector<AdSum>>();
    BoundedSearchStats local;
    BoundedSearch search(conn, filterId, std::move(*buckets), n, stats ? *stats : local);
    if (!search.openHours()) return std::optional<std::vector<AdSum>>();
    while (!search.settled()) {
        if (search.work() > budget) return std::optional<std::vector<AdSum>>();
        auto more = search.round();
        if (!more) return R(more.status());
        // Every hour read to its end, and ads below 16 clicks an hour (not indexed) could still
        // reach the n-th count: only the full sum tells.
        if (!*more && !search.settled()) return std::optional<std::vector<AdSum>>();
    }
    return std::optional<std::vector<AdSum>>(search.answer());
}

} // namespace adclick::core
