// `popular` from the rollups by the threshold search over the hour level indexed by clicks
// (top_ads_bounded.h), against a brute-force GROUP BY over agg: random windows, ends, counts and
// saved filters (user_id conditions: read from their own filter_id) over thousands of ads with Zipf clicks
// and exact ties (ad ids in the opposite order of their names), a flat filter that exhausts the search's
// budget, then late updates of closed buckets written as the ingest commit writes them (writeAggregates +
// writeRollups) and a recompute-style rebuild of the rollups from a changed agg.
#include "core/pipeline/batch.h"
#include "core/pipeline/filter_expr.h"
#include "core/query/query.h"
#include "core/query/top_ads_bounded.h"
#include "core/store/connection.h"
#include "core/store/rollups.h"
#include "core/store/sqlite_util.h"
#include "core/store/store.h"
#include "core/store/store_writes.h"

#include <QtTest>

#include <sqlite3.h>

#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

using namespace adclick::core;

namespace {

constexpr int64_t kFirstMinute = 26'824'300 - 150; // not aligned to an hour or 10 minutes
constexpr int64_t kMinutes = 200;
constexpr int kAds = 5000;
constexpr int kFlatAds = 1500;
constexpr int64_t kFlatFilter = 2; //!< a saved filter whose clicks are flat: no ad stands out

//! ads.id of the a-th ad: ids run opposite to the names, so ties must be decided by name.
int64_t adId(int a)
{
    return 10 + (kAds - a);
}
std::string adName(int a)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "ad%05d", a);
    return buf;
}

std::vector<AdCount> groupBy(sqlite3* db, int64_t filterId, int64_t first, int64_t end, int64_t n)
{
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(db,
        "SELECT ads.name, sum(clicks) AS c FROM agg JOIN ads ON ads.id = agg.ad WHERE filter_id = ?1 AND "
        "minute >= ?2 AND minute < ?3 GROUP BY agg.ad HAVING c > 0 ORDER BY c DESC, ads.name LIMIT ?4",
        -1, &q, nullptr);
    sqlite3_bind_int64(q, 1, filterId);
    sqlite3_bind_int64(q, 2, first);
    sqlite3_bind_int64(q, 3, end);
    sqlite3_bind_int64(q, 4, n);
    std::vector<AdCount> out;
    while (sqlite3_step(q) == SQLITE_ROW)
        out.push_back(
            { reinterpret_cast<const char*>(sqlite3_column_text(q, 0)), sqlite3_column_int64(q, 1) });
    sqlite3_finalize(q);
    return out;
}

} // namespace

class TestPopularBounded : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void matchesGroupBy();
    void searchIsBoundedOnSkewedClicks();
    void flatClicksFallBackExactly();
    void lateUpdatesOfClosedBuckets();
    void recomputedRollups();
    void withoutTheIndexEveryRowIsSummed();

private:
    //! Appends one agg row per (filter, minute, ad, country) of `cells` and the rollups of them.
    void writeCells(const std::map<std::tuple<int64_t, int64_t, int, std::string>, int64_t>& cells);
    void sweep(int queries, uint32_t seed);
    Filter filterOf(int64_t filterId) const;
    //! Rollup rows whose rank is not clicks >> 4 (hour rows) or 0 (the others).
    int64_t badRanks() const;

    QTemporaryDir m_dir;
    std::string m_db;
    sqlite3* m_raw = nullptr;
};

void TestPopularBounded::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_db = m_dir.filePath("bounded.db").toStdString();
    {
        auto store = Store::open(m_db, {}); // the current schema, with agg_rollup_rank
        QVERIFY2(store.isOk(), store.message().c_str());
    }
    QCOMPARE(sqlite3_open(m_db.c_str(), &m_raw), SQLITE_OK);
    std::string sqlText = "BEGIN; INSERT INTO saved_filters VALUES(1, 'us', 'user_id=u1', 'ready', 1), "
                          "(2, 'flat', 'user_id=u2', 'ready', 1);";
    for (int a = 0; a < kAds; ++a)
        sqlText += "INSERT INTO ads VALUES(" + std::to_string(adId(a)) + ", '" + adName(a) + "');";
    QCOMPARE(sqlite3_exec(m_raw, (sqlText + "COMMIT").c_str(), nullptr, nullptr, nullptr), SQLITE_OK);

    std::mt19937 rng(7);
    const char* countries[] = { "US", "KR", "DE" };
    std::map<std::tuple<int64_t, int64_t, int, std::string>, int64_t> cells;
    for (int64_t m = kFirstMinute; m < kFirstMinute + kMinutes; ++m) {
        if (m % 47 == 5) continue; // minutes without clicks
        for (int a = 0; a < kAds; ++a) {
            // Ads 2k+1 below 400 copy ad 2k's clicks: exact ties in every window.
            const int like = a < 400 && a % 2 == 1 ? a - 1 : a;
            std::mt19937 cellRng(uint32_t(m * 7919 + like));
            std::poisson_distribution<int64_t> clicks(300.0 / std::pow(like + 1.0, 1.1));
            const int64_t c = clicks(cellRng);
            if (c == 0) continue;
            const std::string country = countries[(like + m) % 3];
            cells[{ 0, m, a, country }] += c;
            if (country == "US") cells[{ 1, m, a, country }] += c;
        }
        for (int a = 0; a < kFlatAds; ++a)
            if (const int64_t c = std::poisson_distribution<int64_t>(0.8)(rng); c > 0)
                cells[{ kFlatFilter, m, a, "FR" }] += c;
    }
    writeCells(cells);
    QCOMPARE(badRanks(), 0);
}

void TestPopularBounded::writeCells(
    const std::map<std::tuple<int64_t, int64_t, int, std::string>, int64_t>& cells)
{
    // As the ingest commit writes them: agg, then the rollups of the same deltas.
    PaneDeltaMap panes;
    for (const auto& [k, c] : cells) {
        const auto& [fid, minute, a, country] = k;
        panes
            .at({ uint32_t(fid), uint32_t(adId(a)), minute, packCountry(country) },
                uint64_t(adId(a)) * 0x9E37)
            .clicks
            += c;
    }
    auto conn = sql::Connection::open(m_db, sql::OpenMode::ReadWrite, 10'000);
    QVERIFY(conn.isOk());
    QVERIFY(sql::exec(*conn, "BEGIN IMMEDIATE").isOk());
    QVERIFY(writeAggregates(*conn, panes.sortedItems()).isOk());
    QVERIFY(writeRollups(*conn, panes.sortedItems()).isOk());
    QVERIFY(sql::exec(*conn, "COMMIT").isOk());
}

Filter TestPopularBounded::filterOf(int64_t filterId) const
{
    if (filterId == 0) return {};
    auto f = parseFilter(filterId == 1 ? "@us" : "@flat");
    return f.isOk() ? *f : Filter {};
}

int64_t TestPopularBounded::badRanks() const
{
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(m_raw,
        "SELECT count(*) FROM agg_rollup WHERE rank <> CASE width WHEN 60 THEN clicks >> 4 ELSE 0 END", -1,
        &q, nullptr);
    const int64_t n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
    sqlite3_finalize(q);
    return n;
}

void TestPopularBounded::sweep(int queries, uint32_t seed)
{
    auto service = QueryService::open(m_db);
    QVERIFY(service.isOk());
    std::mt19937 rng(seed);
    const int64_t windows[] = { 1, 2, 5, 9, 10, 11, 37, 59, 60, 61, 90, 119, 120, 121, 180, 240 };
    const int64_t counts[] = { 1, 3, 10, 11, 25 };
    for (int i = 0; i < queries; ++i) {
        const int64_t end = kFirstMinute - 20 + int64_t(rng() % (kMinutes + 60));
        const int64_t window = windows[rng() % std::size(windows)];
        const int64_t n = counts[rng() % std::size(counts)];
        const int64_t fid = int64_t(rng() % 3);
        auto got = (*service)->popular(n, window, end * kMinuteMs, filterOf(fid));
        QVERIFY2(got.isOk(), got.message().c_str());
        const auto want = groupBy(m_raw, fid, end - window, end, n);
        if (got->top != want)
            QFAIL(qPrintable(QString("filter %1, n %2, window %3, end %4: %5 ads, want %6")
                                 .arg(fid)
                                 .arg(n)
                                 .arg(window)
                                 .arg(end)
                                 .arg(got->top.size())
                                 .arg(want.size())));
    }
}

void TestPopularBounded::matchesGroupBy()
{
    // Ties at the n-th count exist: ads 2k and 2k+1 have equal clicks in every window.
    const auto top = groupBy(m_raw, 0, kFirstMinute, kFirstMinute + 60, 12);
    QCOMPARE(top.size(), std::size_t(12));
    QCOMPARE(top[10].clicks, top[11].clicks);
    QVERIFY(top[10].adId < top[11].adId);
    sweep(150, 1);
}

void TestPopularBounded::searchIsBoundedOnSkewedClicks()
{
    // The default question, top 10 over 60 minutes: a few hundred reads instead of every row.
    auto conn = sql::Connection::openReadOnly(m_db);
    QVERIFY(conn.isOk());
    const int64_t end = kFirstMinute + 157;
    BoundedSearchStats stats;
    auto r = boundedTopAds(*conn, 0, coverMinutes(end - 60, end), 10, kBoundedSearchBudget, &stats);
    QVERIFY(r.isOk());
    QVERIFY(r->has_value());
    QVERIFY2(stats.rankRows + stats.lookups < 1000,
        qPrintable(QString("%1 rows, %2 look-ups").arg(stats.rankRows).arg(stats.lookups)));
    std::vector<AdCount> got;
    for (const AdSum& s : **r)
        got.push_back({ adName(int(kAds - (s.id - 10))), s.clicks });
    std::sort(got.begin(), got.end(), [](const AdCount& a, const AdCount& b) {
        return a.clicks != b.clicks ? a.clicks > b.clicks : a.adId < b.adId;
    });
    got.resize(std::min<std::size_t>(got.size(), 10));
    QCOMPARE(got, groupBy(m_raw, 0, end - 60, end, 10));
}

void TestPopularBounded::flatClicksFallBackExactly()
{
    // No ad stands out: the search gives up at its budget (the caller sums every row), and with
    // no budget it still ends exactly, having read every ad of the hours.
    auto conn = sql::Connection::openReadOnly(m_db);
    QVERIFY(conn.isOk());
    const int64_t end = kFirstMinute + 130;
    const auto terms = coverMinutes(end - 60, end);
    auto capped = boundedTopAds(*conn, kFlatFilter, terms, 10);
    QVERIFY(capped.isOk());
    QVERIFY(!capped->has_value());
    auto full = boundedTopAds(*conn, kFlatFilter, terms, 10, int64_t(1) << 40);
    QVERIFY(full.isOk() && full->has_value());
    const auto want = groupBy(m_raw, kFlatFilter, end - 60, end, 1'000'000);
    const int64_t tenth = want[9].clicks;
    int64_t reaching = 0;
    for (const AdCount& a : want)
        reaching += a.clicks >= tenth;
    QCOMPARE(int64_t((*full)->size()), reaching); // every ad tied with the 10th, no other
    sweep(50, 2);
}

void TestPopularBounded::lateUpdatesOfClosedBuckets()
{
    // Late clicks (--late update) added to old minutes, as the commit writes them: an ad far down
    // the list becomes the top of a closed hour, others climb into ties with the 10th.
    std::map<std::tuple<int64_t, int64_t, int, std::string>, int64_t> late;
    for (int64_t m = kFirstMinute + 3; m < kFirstMinute + 150; m += 7) {
        late[{ 0, m, 4321, "KR" }] += 3000;
        late[{ 0, m, 2000 + int(m % 50), "DE" }] += 40;
        late[{ 1, m, 4999, "US" }] += 300;
    }
    writeCells(late);
    const auto top = groupBy(m_raw, 0, kFirstMinute + 60, kFirstMinute + 120, 1);
    QCOMPARE(top.front().adId, adName(4321));
    QCOMPARE(badRanks(), 0); // the commit re-ranked the hour rows whose clicks passed a multiple of 16
    sweep(120, 3);
}

void TestPopularBounded::recomputedRollups()
{
    // A recompute rewrites agg cells and rebuilds the rollups of the range from agg: counts go
    // down as well as up, the order within the hours changes.
    const std::string change = "UPDATE agg SET clicks = clicks / 3 WHERE filter_id = 0 AND ad = "
        + std::to_string(adId(0)) + " AND minute < " + std::to_string(kFirstMinute + 100)
        + "; UPDATE agg SET clicks = clicks + 25 WHERE filter_id = 0 AND ad % 97 = 3 AND minute % 5 = 0;";
    auto conn = sql::Connection::open(m_db, sql::OpenMode::ReadWrite, 10'000);
    QVERIFY(conn.isOk());
    QVERIFY(sql::exec(*conn, "BEGIN IMMEDIATE").isOk());
    QVERIFY(sql::exec(*conn, change.c_str()).isOk());
    QVERIFY(rebuildRollups(*conn, std::nullopt, kFirstMinute, kFirstMinute + kMinutes).isOk());
    QVERIFY(sql::exec(*conn, "COMMIT").isOk());
    QCOMPARE(badRanks(), 0);
    sweep(120, 4);
}

void TestPopularBounded::withoutTheIndexEveryRowIsSummed()
{
    // A version 6 database whose index is missing (a new database cut short between its schema
    // and its index, which the next writer's open adds): the search gives up instead of failing.
    QCOMPARE(sqlite3_exec(m_raw, "DROP INDEX agg_rollup_rank", nullptr, nullptr, nullptr), SQLITE_OK);
    sweep(40, 5);
}

QTEST_GUILESS_MAIN(TestPopularBounded)
#include "tst_popular_bounded.moc"
