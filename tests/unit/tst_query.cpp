// QueryService and the count / popular / export commands on a database built by hand: the
// aggregates, saved filter rows and raw segments (with an uncommitted tail) are written here
// from one list of events, and every answer is checked against a brute-force count over the
// committed events with hand-written predicates (not Filter::matches).
#include "core/base/click_event.h"
#include "core/base/timestamp.h"
#include "core/pipeline/raw_format.h"
#include "core/query/query.h"
#include "core/store/connection.h"
#include "core/store/raw_reader.h"
#include "core/store/rollups.h"
#include "core/store/store_reader.h"
#include "core/store/store_schema.h"

#include "test_support.h"

#include <QtTest>

#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace adclick::core;
using testsupport::Run;
using testsupport::runCli;

namespace {

constexpr int64_t B = 26'824'320; // 2021-01-01T00:00:00Z in epoch minutes
constexpr int64_t kMin = kMinuteMs;
constexpr int64_t kBaseMs = B * kMin;
// The newest final pane ends at B+22 min; the watermark is not minute-aligned on purpose.
constexpr int64_t kWatermarkMs = (B + 22) * kMin + 30'500;

struct Ev {
    RawStatus status = RawStatus::Accepted;
    int64_t t = 0;
    std::string ad, country, user, ip, click;
};

using Pred = std::function<bool(const Ev&)>;

QByteArray qb(const std::string& s)
{
    return QByteArray(s.data(), qsizetype(s.size()));
}

std::string iso(int64_t ms)
{
    return formatIsoUtc(ms);
}

bool isV4In(const std::string& ip, const char* prefix)
{
    return ip.rfind(prefix, 0) == 0;
}

//! The events of the test database. Segment 1 holds events [0, split), segment 2 the rest;
//! `tail` goes after segment 2's committed length.
struct Data {
    std::vector<Ev> events;
    std::size_t split = 0;
    std::vector<Ev> tail;
};

Data makeData()
{
    Data d;
    std::mt19937_64 rng(20210101);
    const std::vector<std::string> ads { "ad1", "ad2", "ad3", "ad10", "ad\xc3\xa9", "zz" };
    const std::vector<std::string> countries { "US", "KR", "JP", "USA" };
    const std::vector<std::string> users { "u1", "u2", "u3", "user 1", "" };
    const std::vector<std::string> ips { "10.1.2.3", "10.1.200.4", "10.2.0.1", "192.168.0.9", "2001:db8::1",
        "2001:db8:1::5", "fe80::1", "::ffff:10.1.9.9" };
    auto pick = [&rng](const auto& v) { return v[rng() % v.size()]; };
    auto status = [&rng] {
        const auto r = rng() % 20;
        return r < 15 ? RawStatus::Accepted
            : r < 17  ? RawStatus::Duplicate
            : r < 19  ? RawStatus::LateDropped
                      : RawStatus::LateApplied;
    };
    // Segment 1: minutes [B, B+6); segment 2: minutes [B+5, B+12) — the ranges overlap.
    for (int i = 0; i < 1500; ++i)
        d.events.push_back({ status(), kBaseMs + int64_t(rng() % (6 * kMin)), pick(ads), pick(countries),
            pick(users), pick(ips), i % 3 ? "c" + std::to_string(i) : "" });
    d.split = d.events.size();
    for (int i = 0; i < 1500; ++i)
        d.events.push_back({ status(), kBaseMs + 5 * kMin + int64_t(rng() % (7 * kMin)), pick(ads),
            pick(countries), pick(users), pick(ips), "" });
    // Minutes B+20 and B+21: a hand-made ranking with ties (ad10 < ad2 in byte order).
    auto add = [&d](int64_t t, const char* ad, const char* country, const char* user, const char* ip,
                   RawStatus s = RawStatus::Accepted) {
        d.events.push_back({ s, t, ad, country, user, ip, "" });
    };
    const int64_t m20 = (B + 20) * kMin, m21 = (B + 21) * kMin;
    add(m20, "ad2", "US", "u1", "10.1.0.1");
    add(m20 + 1, "ad2", "KR", "u2", "10.1.0.2");
    add(m21 - 1, "ad2", "US", "u3", "2001:db8::7");
    add(m20 + 5, "ad10", "US", "u1", "10.1.0.3");
    add(m20 + 6, "ad10", "US", "u1", "10.1.0.3");
    add(m21 + 7, "ad10", "JP", "u2", "10.9.0.1"); // minute B+21
    add(m20 + 8, "ad1", "KR", "u3", "192.168.1.1");
    add(m20 + 9, "ad1", "KR", "u3", "192.168.1.1", RawStatus::Duplicate);
    add(m21, "ad1", "KR", "u3", "192.168.1.1");
    add(m21 + 10, "ad3", "US", "u1", "10.1.0.4");
    add(m21 + 59'999, "ad3", "US", "u2", "10.1.0.5");
    add(m21 + 11, "ad3", "US", "u2", "10.1.0.5", RawStatus::LateDropped);
    add(m21 + 12, "zz", "JP", "u9", "10.1.0.6", RawStatus::LateApplied);
    // Partial-minute edges 1 ms off a minute boundary (issue 14): ad3 at the last ms before
    // minute B+9 and at the first ms of minute B+11, and 1 ms outside each.
    const int64_t m9 = (B + 9) * kMin, m11 = (B + 11) * kMin;
    add(m9 - 2, "ad3", "US", "u1", "10.1.0.7");
    add(m9 - 1, "ad3", "US", "u1", "10.1.0.7");
    add(m11, "ad3", "US", "u2", "10.1.0.8");
    add(m11 + 1, "ad3", "US", "u2", "10.1.0.8");
    // Uncommitted tail: would change many answers if a reader looked at it.
    for (int i = 0; i < 40; ++i)
        d.tail.push_back({ RawStatus::Accepted, kBaseMs + (i % 23) * kMin + 30'000, i % 2 ? "ad1" : "ad2",
            "US", "u1", "10.1.2.3", "" });
    return d;
}

bool exec(sqlite3* db, const std::string& sqlText)
{
    char* err = nullptr;
    if (sqlite3_exec(db, sqlText.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        qWarning("sql failed: %s: %s", sqlText.c_str(), err);
        sqlite3_free(err);
        return false;
    }
    return true;
}

bool writeFile(const QString& path, const std::string& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly)
        && f.write(bytes.data(), qint64(bytes.size())) == qint64(bytes.size());
}

struct SavedSpec {
    int64_t id;
    std::string name, expr, state;
    Pred pred; //!< null: no aggregate rows (pending)
};

//! Writes the schema, ads, agg (filter 0 and ready saved filters), meta, segments and files.
//! `version` < 4: a database of before the rollups (agg_rollup empty, the queries must read agg).
bool buildDb(
    const QString& dbPath, const Data& d, const std::vector<SavedSpec>& saved, int version = kSchemaVersion)
{
    sqlite3* db = nullptr;
    if (sqlite3_open(dbPath.toUtf8().constData(), &db) != SQLITE_OK) return false;
    bool ok = exec(db, "PRAGMA journal_mode=WAL") && exec(db, kSchemaSql) && exec(db, kRollupRankIndexSql)
        && exec(db, "BEGIN");
    ok = ok
        && exec(db,
            "INSERT INTO meta(key, value) VALUES('schema_version', " + std::to_string(version)
                + "), ('lateness_ms', 60000), ('late_policy', 'update'), ('dedup_horizon_ms', 300000), "
                  "('max_event_ms', "
                + std::to_string(kWatermarkMs + 60'000) + "), ('watermark_ms', "
                + std::to_string(kWatermarkMs) + ")");
    std::map<std::string, int64_t> adIds;
    for (const Ev& e : d.events)
        adIds.emplace(e.ad, 0);
    adIds.emplace("ghost", 0); // an ad with rows of zero clicks only (late, dropped)
    int64_t next = 100; // ids in the opposite order of the names: ties must go by name, not id
    for (auto& [name, id] : adIds) {
        id = next;
        next -= 3;
        sqlite3_stmt* st = nullptr;
        sqlite3_prepare_v2(db, "INSERT INTO ads(id, name) VALUES(?1, ?2)", -1, &st, nullptr);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, name.c_str(), int(name.size()), SQLITE_TRANSIENT);
        ok = ok && sqlite3_step(st) == SQLITE_DONE;
        sqlite3_finalize(st);
    }
    struct Cell {
        int64_t clicks = 0, late = 0;
    };
    std::map<std::tuple<int64_t, int64_t, int64_t, std::string>, Cell> agg;
    std::vector<std::pair<int64_t, Pred>> filters { { 0, [](const Ev&) { return true; } } };
    for (const SavedSpec& s : saved)
        if (s.pred) filters.emplace_back(s.id, s.pred);
    for (const Ev& e : d.events) {
        if (e.status == RawStatus::Duplicate) continue;
        for (const auto& [fid, pred] : filters) {
            if (!pred(e)) continue;
            Cell& c = agg[{ fid, paneOf(e.t), adIds[e.ad], e.country }];
            c.clicks += isCounted(e.status);
            c.late += e.status == RawStatus::LateDropped || e.status == RawStatus::LateApplied;
        }
    }
    agg[{ 0, B + 21, adIds["ghost"], "US" }].late += 2;
    for (const auto& [k, c] : agg) {
        const auto& [fid, minute, ad, country] = k;
        ok = ok
            && exec(db,
                "INSERT INTO agg VALUES(" + std::to_string(fid) + "," + std::to_string(minute) + ","
                    + std::to_string(ad) + ",'" + country + "'," + std::to_string(c.clicks) + ","
                    + std::to_string(c.late) + ")");
    }
    // The rollups: clicks of all countries per (filter, bucket of w minutes, ad).
    std::map<std::tuple<int64_t, int64_t, int64_t, int64_t>, int64_t> rollups;
    for (const auto& [k, c] : agg)
        for (const int64_t w : kRollupWidths)
            if (c.clicks != 0) {
                const int64_t minute = std::get<1>(k);
                rollups[{
                    std::get<0>(k), w, minute >= 0 ? minute / w : -((-minute + w - 1) / w), std::get<2>(k) }]
                    += c.clicks;
            }
    for (const auto& [k, clicks] : version >= 4 ? rollups : decltype(rollups) {}) {
        const auto& [fid, w, bucket, ad] = k;
        ok = ok
            && exec(db,
                "INSERT INTO agg_rollup VALUES(" + std::to_string(fid) + "," + std::to_string(w) + ","
                    + std::to_string(bucket) + "," + std::to_string(ad) + "," + std::to_string(clicks) + ","
                    + std::to_string(w == kRankedRollupWidth ? rankOf(clicks) : 0) + ")");
    }
    if (version >= kRollupTotalSchemaVersion)
        ok = ok
            && exec(db,
                "INSERT INTO agg_rollup_total SELECT filter_id, width, bucket, sum(clicks) FROM agg_rollup "
                "GROUP BY "
                "1, 2, 3");
    for (const SavedSpec& s : saved)
        ok = ok
            && exec(db,
                "INSERT INTO saved_filters VALUES(" + std::to_string(s.id) + ",'" + s.name + "','" + s.expr
                    + "','" + s.state + "', 1)");

    // Raw segments; segment 3 is registered with no events yet (empty file).
    const QString rawDir = dbPath + ".raw";
    QDir().mkpath(rawDir);
    auto segment = [&](int64_t id, std::size_t from, std::size_t to, const std::vector<Ev>& tail) {
        std::string bytes;
        int64_t lo = INT64_MAX, hi = INT64_MIN;
        for (std::size_t i = from; i < to; ++i) {
            const Ev& e = d.events[i];
            appendRawLine(bytes, e.status, e.t, e.ad, e.country, e.user, e.ip, e.click);
            lo = std::min(lo, e.t);
            hi = std::max(hi, e.t);
        }
        const std::size_t committed = bytes.size();
        for (const Ev& e : tail)
            appendRawLine(bytes, e.status, e.t, e.ad, e.country, e.user, e.ip, e.click);
        bytes += "A\t123"; // a torn line at the very end
        const std::string name = "seg-" + std::to_string(1000000 + id).substr(1) + ".tsv";
        ok = ok && writeFile(rawDir + "/" + QString::fromStdString(name), bytes);
        ok = ok
            && exec(db,
                "INSERT INTO segments VALUES(" + std::to_string(id) + ",'" + name + "',"
                    + std::to_string(committed) + "," + std::to_string(to - from) + "," + std::to_string(lo)
                    + "," + std::to_string(hi) + ")");
        // The checksums of the committed bytes, as the store writes them (schema version 2).
        RawBlock last;
        std::vector<RawBlock> blocks;
        appendToBlocks(last, std::string_view(bytes).substr(0, committed), blocks);
        for (const RawBlock& b : blocks)
            ok = ok
                && exec(db,
                    "INSERT INTO raw_blocks VALUES(" + std::to_string(id) + "," + std::to_string(b.index)
                        + "," + std::to_string(b.bytes) + "," + std::to_string(b.crc) + ")");
    };
    segment(1, 0, d.split, {});
    segment(2, d.split, d.events.size(), d.tail);
    ok = ok && writeFile(rawDir + "/seg-000003.tsv", "")
        && exec(db, "INSERT INTO segments VALUES(3, 'seg-000003.tsv', 0, 0, NULL, NULL)");
    ok = ok && exec(db, "COMMIT");
    sqlite3_close(db);
    return ok;
}

QByteArray csvField(const std::string& s)
{
    if (s.find_first_of(",\"\r\n") == std::string::npos) return qb(s);
    QByteArray out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

} // namespace

class TestQuery : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void openErrors();
    void plans();
    void count_data();
    void count();
    void countSweep();
    void countUnknownAd();
    void popular_data();
    void popular();
    void popularDefaultAt();
    void popularNoWatermark();
    void popularSweep();
    void rollupCover();
    void popularWithPrevious();
    void series_data();
    void series();
    void countries();
    void watermarkAndSavedFilters();
    void rawReader();
    void rawReaderDamage();
    void readerSeesWriterCommits();
    void unusualEventsAreTheNewestByEventTime();
    void cliCount();
    void cliPopular_data();
    void cliPopular();
    void cliExportMinutes();
    void cliExportTop();
    void cliErrors_data();
    void cliErrors();
    void cliExportUnwritable();
    void cliExportNeverOverwritesTheDatabase();

private:
    //! Counted committed events of `ad` (all when empty) in [from, to) that satisfy `pred`.
    int64_t truth(const std::string& ad, int64_t from, int64_t to, const Pred& pred) const;
    std::vector<AdCount> truthTop(int64_t n, int64_t endMinute, int64_t window, const Pred& pred) const;
    std::vector<SeriesRow> truthSeries(
        int64_t fromMin, int64_t toMin, const std::string& ad, const Pred& pred) const;
    Pred pred(const QByteArray& name) const;
    static Result<Filter> rowFilter(const QByteArray& name);
    std::unique_ptr<QueryService> openService(const QString& db = {});

    QTemporaryDir m_dir;
    QString m_db;
    QString m_dbV2; //!< the same data as schema version 2: no rollups
    QString m_dbV6; //!< the same as schema version 6: rollups without their bucket totals
    Data m_data;
    std::map<QByteArray, Pred> m_preds;
};

void TestQuery::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_db = m_dir.filePath("clicks.db");
    m_data = makeData();
    auto vip = [](const Ev& e) { return e.user == "u1" || e.user == "u2"; };
    const std::vector<SavedSpec> saved {
        { 1, "vip", "user_id in (u1,u2)", "ready", vip },
        { 2, "net10", "ip=10.1.0.0/16", "pending", nullptr },
        { 3, "vip_us", "@vip and country=us", "ready",
            [vip](const Ev& e) { return vip(e) && e.country == "US"; } },
    };
    QVERIFY(buildDb(m_db, m_data, saved));
    m_dbV2 = m_dir.filePath("v2/clicks.db");
    QVERIFY(QDir().mkpath(m_dir.filePath("v2")));
    QVERIFY(buildDb(m_dbV2, m_data, saved, 2));
    m_dbV6 = m_dir.filePath("v6/clicks.db");
    QVERIFY(QDir().mkpath(m_dir.filePath("v6")));
    QVERIFY(buildDb(m_dbV6, m_data, saved, kRollupTotalSchemaVersion - 1));

    m_preds["none"] = [](const Ev&) { return true; };
    m_preds["country=US"] = [](const Ev& e) { return e.country == "US"; };
    m_preds["country in (US,KR)"] = [](const Ev& e) { return e.country == "US" || e.country == "KR"; };
    m_preds["country not in (US,KR)"]
        = [](const Ev& e) { return !e.country.empty() && e.country != "US" && e.country != "KR"; };
    m_preds["country!=JP"] = [](const Ev& e) { return !e.country.empty() && e.country != "JP"; };
    m_preds["ip=10.1.0.0/16"]
        = [](const Ev& e) { return isV4In(e.ip, "10.1.") || isV4In(e.ip, "::ffff:10.1."); };
    m_preds["ip!=10.1.0.0/16"] = [](const Ev& e) {
        return !e.ip.empty() && !(isV4In(e.ip, "10.1.") || isV4In(e.ip, "::ffff:10.1."));
    };
    m_preds["ip=2001:db8::/32"] = [](const Ev& e) { return e.ip.rfind("2001:db8:", 0) == 0; };
    m_preds["user_id=\"user 1\""] = [](const Ev& e) { return e.user == "user 1"; };
    // A filter on an absent (empty) field matches nothing, negated or not (docs/semantics.md).
    m_preds["user_id!=u1"] = [](const Ev& e) { return !e.user.empty() && e.user != "u1"; };
    m_preds["user_id in (u1,u2)"] = vip;
    m_preds["@vip"] = vip;
    m_preds["@vip and country=KR"] = [vip](const Ev& e) { return vip(e) && e.country == "KR"; };
    m_preds["@vip_us"] = [vip](const Ev& e) { return vip(e) && e.country == "US"; };
    m_preds["@net10"] = m_preds["ip=10.1.0.0/16"];
    m_preds["country=US and ip=10.1.0.0/16 and user_id!=u3"] = [](const Ev& e) {
        return e.country == "US" && (isV4In(e.ip, "10.1.") || isV4In(e.ip, "::ffff:10.1.")) && !e.user.empty()
            && e.user != "u3";
    };
}

Pred TestQuery::pred(const QByteArray& name) const
{
    const auto it = m_preds.find(name);
    if (it == m_preds.end()) qFatal("no predicate for %s", name.constData());
    return it->second;
}

//! The filter a data row names, as in m_preds: "none" is no filter.
Result<Filter> TestQuery::rowFilter(const QByteArray& name)
{
    return parseFilter(name == "none" ? "" : name.toStdString());
}

std::unique_ptr<QueryService> TestQuery::openService(const QString& db)
{
    auto q = QueryService::open((db.isEmpty() ? m_db : db).toStdString());
    if (!q) qFatal("open: %s", q.message().c_str());
    return std::move(*q);
}

int64_t TestQuery::truth(const std::string& ad, int64_t from, int64_t to, const Pred& p) const
{
    int64_t n = 0;
    for (const Ev& e : m_data.events)
        n += isCounted(e.status) && (ad.empty() || e.ad == ad) && e.t >= from && e.t < to && p(e);
    return n;
}

std::vector<AdCount> TestQuery::truthTop(int64_t n, int64_t endMinute, int64_t window, const Pred& p) const
{
    std::map<std::string, int64_t> counts;
    for (const Ev& e : m_data.events)
        if (isCounted(e.status) && paneOf(e.t) >= endMinute - window && paneOf(e.t) < endMinute && p(e))
            ++counts[e.ad];
    std::vector<AdCount> all;
    for (const auto& [ad, c] : counts)
        all.push_back({ ad, c });
    std::stable_sort(
        all.begin(), all.end(), [](const AdCount& a, const AdCount& b) { return a.clicks > b.clicks; });
    if (all.size() > std::size_t(n)) all.resize(std::size_t(n));
    return all;
}

std::vector<SeriesRow> TestQuery::truthSeries(
    int64_t fromMin, int64_t toMin, const std::string& ad, const Pred& p) const
{
    std::map<std::pair<int64_t, std::string>, int64_t> counts;
    for (const Ev& e : m_data.events)
        if (isCounted(e.status) && paneOf(e.t) >= fromMin && paneOf(e.t) < toMin && (ad.empty() || e.ad == ad)
            && p(e))
            ++counts[{ paneOf(e.t), e.ad }];
    std::vector<SeriesRow> rows;
    for (const auto& [k, c] : counts)
        rows.push_back({ k.first, k.second, c });
    return rows;
}

void TestQuery::openErrors()
{
    auto missing = QueryService::open(m_dir.filePath("nope.db").toStdString());
    QVERIFY(!missing.isOk());
    QCOMPARE(qb(missing.message()), "database '" + m_dir.filePath("nope.db").toUtf8() + "' does not exist");

    const QString text = m_dir.filePath("notes.txt");
    QVERIFY(writeFile(text, std::string(5000, 'x')));
    auto notDb = QueryService::open(text.toStdString());
    QVERIFY(!notDb.isOk());
    QVERIFY2(qb(notDb.message()).contains("is not an AdClick database"), notDb.message().c_str());

    const QString other = m_dir.filePath("other.db");
    sqlite3* db = nullptr;
    QCOMPARE(sqlite3_open(other.toUtf8().constData(), &db), SQLITE_OK);
    QVERIFY(exec(db, "CREATE TABLE t(x)"));
    sqlite3_close(db);
    auto foreign = QueryService::open(other.toStdString());
    QVERIFY(!foreign.isOk());
    QVERIFY2(qb(foreign.message()).contains("is not an AdClick database"), foreign.message().c_str());

    auto dir = QueryService::open(m_dir.path().toStdString());
    QVERIFY(!dir.isOk());
    QVERIFY2(qb(dir.message()).contains("not an AdClick database"), dir.message().c_str());
}

void TestQuery::plans()
{
    auto q = openService();
    auto plan = [&q](const char* expr) {
        auto f = parseFilter(expr);
        if (!f) qFatal("%s", f.message().c_str());
        auto p = q->plan(*f);
        if (!p) qFatal("%s", p.message().c_str());
        return *p;
    };
    QueryPlan p = plan("");
    QVERIFY(p.fromAggregates);
    QCOMPARE(p.filterId, 0);
    QCOMPARE(qb(p.countrySql), QByteArray());

    p = plan("country in (us, kr)");
    QVERIFY(p.fromAggregates);
    QCOMPARE(p.filterId, 0);
    QCOMPARE(qb(p.countrySql), QByteArray("country IN ('KR','US')"));

    p = plan("@vip");
    QVERIFY(p.fromAggregates);
    QCOMPARE(p.filterId, 1);
    QCOMPARE(qb(p.filter.canonical()), QByteArray("user_id in (u1,u2)"));

    p = plan("user_id in (u2, u1)"); // same conditions as a ready saved filter
    QVERIFY(p.fromAggregates);
    QCOMPARE(p.filterId, 1);

    p = plan("@vip and country=KR"); // saved filter plus a country condition
    QVERIFY(p.fromAggregates);
    QCOMPARE(p.filterId, 1);
    QCOMPARE(qb(p.countrySql), QByteArray("country IN ('KR')"));

    p = plan("country=US and user_id in (u1,u2)"); // the most specific ready saved filter wins
    QVERIFY(p.fromAggregates);
    QCOMPARE(p.filterId, 3);
    QCOMPARE(qb(p.countrySql), QByteArray());

    p = plan("@net10"); // pending: raw events answer it
    QVERIFY(!p.fromAggregates);
    QCOMPARE(qb(p.filter.canonical()), QByteArray("ip=10.1.0.0/16"));

    p = plan("user_id=u1");
    QVERIFY(!p.fromAggregates);

    auto unknown = parseFilter("@nope");
    QVERIFY(unknown.isOk());
    auto bad = q->plan(*unknown);
    QVERIFY(!bad.isOk());
    QVERIFY(qb(bad.message()).contains("no saved filter named 'nope'"));
}

void TestQuery::count_data()
{
    QTest::addColumn<QByteArray>("filter");
    QTest::addColumn<QByteArray>("ad");
    QTest::addColumn<qint64>("from");
    QTest::addColumn<qint64>("to");

    const qint64 b = kBaseMs;
    auto rows = [&](const char* filter) {
        const QByteArray f(filter);
        QTest::newRow(f + " aligned") << f << QByteArray("ad1") << b << b + 12 * kMin;
        QTest::newRow(f + " aligned inner") << f << QByteArray("ad10") << b + 3 * kMin << b + 7 * kMin;
        QTest::newRow(f + " unaligned both") << f << QByteArray("ad2") << b + 61'234 << b + 8 * kMin + 17;
        QTest::newRow(f + " unaligned from") << f << QByteArray("ad3") << b + 1 << b + 6 * kMin;
        QTest::newRow(f + " unaligned to") << f << QByteArray("zz") << b + 2 * kMin << b + 10 * kMin - 1;
        QTest::newRow(f + " within a minute")
            << f << QByteArray("ad1") << b + 5 * kMin + 100 << b + 5 * kMin + 40'000;
        QTest::newRow(f + " one ms") << f << QByteArray("ad3") << qint64((B + 21) * kMin + 59'999)
                                     << qint64((B + 22) * kMin);
        // Issue 14: ranges 1 ms off a minute boundary at either end or both: the edge minutes'
        // single milliseconds come from raw events (ad3 has a click at B+9 min - 1 ms and at B+11 min).
        const qint64 m9 = (B + 9) * kMin, m11 = (B + 11) * kMin;
        QTest::newRow(f + " 1 ms before a minute") << f << QByteArray("ad3") << m9 - 1 << m11;
        QTest::newRow(f + " 1 ms after a minute") << f << QByteArray("ad3") << m9 << m11 + 1;
        QTest::newRow(f + " 1 ms off both ends") << f << QByteArray("ad3") << m9 - 1 << m11 + 1;
        QTest::newRow(f + " around tail") << f << QByteArray("ad2") << b - 3 * kMin << b + 30 * kMin;
        QTest::newRow(f + " utf8 ad")
            << f << QByteArray("ad\xc3\xa9") << b + 30'000 << b + 11 * kMin + 30'000;
    };
    for (const char* f : { "none", "country=US", "country in (US,KR)", "country not in (US,KR)",
             "ip=10.1.0.0/16", "ip!=10.1.0.0/16", "ip=2001:db8::/32", "user_id=\"user 1\"", "user_id!=u1",
             "@vip", "user_id in (u1,u2)", "@vip and country=KR", "@vip_us", "@net10",
             "country=US and ip=10.1.0.0/16 and user_id!=u3" })
        rows(f);
}

void TestQuery::count()
{
    QFETCH(QByteArray, filter);
    QFETCH(QByteArray, ad);
    QFETCH(qint64, from);
    QFETCH(qint64, to);
    auto q = openService();
    auto f = rowFilter(filter);
    QVERIFY2(f.isOk(), f.message().c_str());
    auto n = q->count(ad.toStdString(), from, to, *f);
    QVERIFY2(n.isOk(), n.message().c_str());
    QCOMPARE(*n, truth(ad.toStdString(), from, to, pred(filter)));
}

void TestQuery::countSweep()
{
    // Many random ranges per filter; every one must be exact.
    auto q = openService();
    std::mt19937_64 rng(7);
    int nonZero = 0;
    for (const auto& [name, p] : m_preds) {
        auto f = rowFilter(name);
        QVERIFY(f.isOk());
        for (int i = 0; i < 40; ++i) {
            const int64_t a = kBaseMs - kMin + int64_t(rng() % (24 * kMin));
            const int64_t len = 1 + int64_t(rng() % (i % 2 ? 90'000 : 10 * kMin));
            const std::string ad = i % 3 == 0 ? "ad10" : i % 3 == 1 ? "ad2" : "zz";
            auto n = q->count(ad, a, a + len, *f);
            QVERIFY2(n.isOk(), n.message().c_str());
            const int64_t want = truth(ad, a, a + len, p);
            if (*n != want)
                QFAIL(qPrintable(QStringLiteral("filter %1 ad %2 [%3, %4): %5 != %6")
                                     .arg(QString::fromUtf8(name), QString::fromStdString(ad))
                                     .arg(a)
                                     .arg(a + len)
                                     .arg(*n)
                                     .arg(want)));
            nonZero += want > 0;
        }
    }
    QVERIFY(nonZero > 100); // the sweep exercises real counts, not only zeros
}

void TestQuery::countUnknownAd()
{
    auto q = openService();
    auto n = q->count("never-seen", kBaseMs, kBaseMs + 60 * kMin, Filter());
    QVERIFY(n.isOk());
    QCOMPARE(*n, 0);
    auto ghost = q->count("ghost", kBaseMs, kBaseMs + 60 * kMin, Filter());
    QVERIFY(ghost.isOk());
    QCOMPARE(*ghost, 0);
    auto empty = q->count("ad1", kBaseMs, kBaseMs, Filter());
    QVERIFY(!empty.isOk());
}

void TestQuery::popular_data()
{
    QTest::addColumn<QByteArray>("filter");
    QTest::addColumn<qint64>("n");
    QTest::addColumn<qint64>("window");
    QTest::addColumn<qint64>("at");

    const qint64 at22 = (B + 22) * kMin;
    for (const char* f : { "none", "country=US", "country not in (US,KR)", "ip=10.1.0.0/16", "user_id!=u1",
             "@vip", "@vip and country=KR", "@net10", "country=US and ip=10.1.0.0/16 and user_id!=u3" }) {
        const QByteArray name(f);
        QTest::newRow(name + " top3 12min") << name << qint64(3) << qint64(12) << qint64(kBaseMs + 12 * kMin);
        QTest::newRow(name + " all 30min") << name << qint64(100) << qint64(30) << at22;
        QTest::newRow(name + " top1 5min unaligned")
            << name << qint64(1) << qint64(5) << qint64(kBaseMs + 9 * kMin + 59'999);
        QTest::newRow(name + " last 2min") << name << qint64(4) << qint64(2) << at22;
    }
}

void TestQuery::popular()
{
    QFETCH(QByteArray, filter);
    QFETCH(qint64, n);
    QFETCH(qint64, window);
    QFETCH(qint64, at);
    for (const QString& db : { m_db, m_dbV2 }) {
        auto q = openService(db);
        auto f = rowFilter(filter);
        QVERIFY(f.isOk());
        auto r = q->popular(n, window, at, *f);
        QVERIFY2(r.isOk(), r.message().c_str());
        QCOMPARE(r->atMs.value(), paneOf(at) * kMin);
        QCOMPARE(r->windowMinutes, window);
        const auto want = truthTop(n, paneOf(at), window, pred(filter));
        QCOMPARE(r->top.size(), want.size());
        for (std::size_t i = 0; i < want.size(); ++i) {
            QCOMPARE(qb(r->top[i].adId), qb(want[i].adId));
            QCOMPARE(r->top[i].clicks, want[i].clicks);
        }
    }
}

void TestQuery::popularSweep()
{
    // Every window end and length over the data (and beyond it), with and without rollups:
    // the rollups' bucket covers (whole 10- and 60-minute buckets, minus parts) must be exact.
    auto withRollups = openService(m_db);
    auto withoutRollups = openService(m_dbV2);
    for (const char* f : { "none", "@vip" }) {
        auto filter = rowFilter(f);
        QVERIFY(filter.isOk());
        for (int64_t end = B - 2; end <= B + 28; ++end)
            for (int64_t window : { 1, 2, 3, 5, 9, 10, 11, 14, 19, 20, 21, 25, 29, 59, 60, 61, 119, 1440 }) {
                const auto want = truthTop(4, end, window, pred(f));
                auto a = withRollups->popular(4, window, end * kMin, *filter);
                auto b = withoutRollups->popular(4, window, end * kMin, *filter);
                QVERIFY(a.isOk() && b.isOk());
                QCOMPARE(a->top, want);
                QCOMPARE(b->top, want);
            }
    }
}

void TestQuery::popularWithPrevious()
{
    // The dashboard's top-N: the top rows with their counts in the window before and both
    // windows' totals over every ad. From the rollups' bucket totals and key look-ups (the
    // current schema, filters the rollups answer), or from every ad (version 6 and 2, raw and
    // country filters): all must equal the truth.
    for (const QString& db : { m_db, m_dbV6, m_dbV2 }) {
        auto q = openService(db);
        for (const char* f : { "none", "@vip", "country=US", "ip=10.1.0.0/16" }) {
            auto filter = rowFilter(f);
            QVERIFY(filter.isOk());
            for (int64_t end = B - 1; end <= B + 26; end += 3)
                for (int64_t window : { 1, 5, 9, 10, 11, 25, 60 }) {
                    const QString where = QString("%1 %2 end %3 window %4").arg(db, f).arg(end).arg(window);
                    auto r = q->popularWithPrevious(3, window, end * kMin, *filter);
                    QVERIFY2(r.isOk(), qPrintable(where));
                    QCOMPARE(r->current.top, truthTop(3, end, window, pred(f)));
                    QCOMPARE(r->previous.size(), r->current.top.size());
                    const int64_t from = (end - window) * kMin, before = (end - 2 * window) * kMin;
                    QVERIFY2(r->total == truth("", from, end * kMin, pred(f)), qPrintable(where));
                    QVERIFY2(r->previousTotal == truth("", before, from, pred(f)), qPrintable(where));
                    for (std::size_t i = 0; i < r->previous.size(); ++i)
                        QVERIFY2(r->previous[i] == truth(r->current.top[i].adId, before, from, pred(f)),
                            qPrintable(where + " " + qb(r->current.top[i].adId)));
                }
        }
    }
}

void TestQuery::rollupCover()
{
    // The signed bucket terms cover each minute of [a, b) exactly once and nothing else,
    // negative minutes included; a 60-minute window reads at most 16 buckets (not 60).
    for (int64_t a = -130; a <= 130; ++a)
        for (int64_t b = a + 1; b <= a + 200; ++b) {
            const auto terms = coverMinutes(a, b);
            std::map<int64_t, int64_t> times;
            int64_t buckets = 0;
            for (const RollupTerm& t : terms) {
                QVERIFY(t.sign == 1 || t.sign == -1);
                QVERIFY(t.first < t.end);
                buckets += t.end - t.first;
                for (int64_t bucket = t.first; bucket < t.end; ++bucket)
                    for (int64_t m = bucket * t.width; m < (bucket + 1) * t.width; ++m)
                        times[m] += t.sign;
            }
            for (const auto& [m, n] : times)
                if (n != (m >= a && m < b ? 1 : 0))
                    QFAIL(qPrintable(
                        QString("[%1, %2): minute %3 counted %4 times").arg(a).arg(b).arg(m).arg(n)));
            for (int64_t m = a; m < b; ++m)
                QVERIFY(times.count(m));
            if (b - a == 60)
                QVERIFY2(
                    buckets <= 16, qPrintable(QString("%1 buckets for [%2, %3)").arg(buckets).arg(a).arg(b)));
        }
}

void TestQuery::popularDefaultAt()
{
    auto q = openService();
    // Default T = floor(watermark) = B+22: the hand-made minutes B+20 and B+21.
    auto r = q->popular(2, 2, std::nullopt, Filter());
    QVERIFY2(r.isOk(), r.message().c_str());
    QCOMPARE(r->atMs.value(), (B + 22) * kMin);
    // ad2 3, ad10 3 (ties: "ad10" < "ad2"), ad1 2, ad3 2 (+1 late dropped), zz 1
    QCOMPARE(r->top.size(), std::size_t(2));
    QCOMPARE(qb(r->top[0].adId), QByteArray("ad10"));
    QCOMPARE(r->top[0].clicks, 3);
    QCOMPARE(qb(r->top[1].adId), QByteArray("ad2"));
    QCOMPARE(r->top[1].clicks, 3);

    auto all = q->popular(10, 2, std::nullopt, Filter());
    QVERIFY(all.isOk());
    std::vector<AdCount> want { { "ad10", 3 }, { "ad2", 3 }, { "ad1", 2 }, { "ad3", 2 }, { "zz", 1 } };
    QCOMPARE(all->top, want); // "ghost" has rows, but no clicks: not listed

    // Window boundaries: [B+21, B+22) only, then [B+20, B+21) only.
    auto last = q->popular(10, 1, std::nullopt, Filter());
    QVERIFY(last.isOk());
    want = { { "ad3", 2 }, { "ad1", 1 }, { "ad10", 1 }, { "zz", 1 } };
    QCOMPARE(last->top, want);
    auto first = q->popular(10, 1, (B + 21) * kMin + 59'999, Filter());
    QVERIFY(first.isOk());
    QCOMPARE(first->atMs.value(), (B + 21) * kMin);
    want = { { "ad2", 3 }, { "ad10", 2 }, { "ad1", 1 } };
    QCOMPARE(first->top, want);

    // The same through the raw path (an ip filter every hand-made event passes).
    auto raw = q->popular(2, 2, std::nullopt, *parseFilter("ip!=172.16.0.0/12"));
    QVERIFY(raw.isOk());
    want = { { "ad10", 3 }, { "ad2", 3 } };
    QCOMPARE(raw->top, want);

    QVERIFY(!q->popular(0, 5, std::nullopt, Filter()).isOk());
    QVERIFY(!q->popular(5, 0, std::nullopt, Filter()).isOk());
}

void TestQuery::popularNoWatermark()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("empty.db");
    sqlite3* db = nullptr;
    QCOMPARE(sqlite3_open(path.toUtf8().constData(), &db), SQLITE_OK);
    QVERIFY(exec(db, kSchemaSql));
    QVERIFY(exec(db, "INSERT INTO meta VALUES('schema_version', 1)"));
    sqlite3_close(db);
    auto q = QueryService::open(path.toStdString());
    QVERIFY2(q.isOk(), q.message().c_str());
    auto r = (*q)->popular(3, 5, std::nullopt, Filter());
    QVERIFY(r.isOk());
    QVERIFY(!r->atMs);
    QVERIFY(r->top.empty());
    auto w = (*q)->watermark();
    QVERIFY(w.isOk());
    QVERIFY(!*w);
    auto c = (*q)->count("ad1", 0, 1000, *parseFilter("user_id=u1"));
    QVERIFY(c.isOk());
    QCOMPARE(*c, 0);
}

void TestQuery::series_data()
{
    QTest::addColumn<QByteArray>("filter");
    QTest::addColumn<QByteArray>("ad");
    QTest::addColumn<qint64>("from");
    QTest::addColumn<qint64>("to");
    for (const char* f :
        { "none", "country in (US,KR)", "ip=2001:db8::/32", "@vip", "@vip_us", "user_id!=u1" }) {
        const QByteArray name(f);
        QTest::newRow(name + " all ads")
            << name << QByteArray() << qint64(kBaseMs) << qint64(kBaseMs + 23 * kMin);
        QTest::newRow(name + " one ad unaligned")
            << name << QByteArray("ad10") << qint64(kBaseMs + 2 * kMin + 5) << qint64(kBaseMs + 9 * kMin + 1);
        QTest::newRow(name + " unknown ad")
            << name << QByteArray("nope") << qint64(kBaseMs) << qint64(kBaseMs + 23 * kMin);
    }
}

void TestQuery::series()
{
    QFETCH(QByteArray, filter);
    QFETCH(QByteArray, ad);
    QFETCH(qint64, from);
    QFETCH(qint64, to);
    auto q = openService();
    auto f = rowFilter(filter);
    QVERIFY(f.isOk());
    std::optional<std::string> adId;
    if (!ad.isEmpty()) adId = ad.toStdString();
    auto s = q->series(from, to, adId, *f);
    QVERIFY2(s.isOk(), s.message().c_str());
    QCOMPARE(s->fromMs, paneOf(from) * kMin);
    QCOMPARE(s->toMs, -paneOf(-to) * kMin);
    const auto want = truthSeries(paneOf(from), -paneOf(-to), ad.toStdString(), pred(filter));
    QCOMPARE(s->rows.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        QCOMPARE(s->rows[i].minute, want[i].minute);
        QCOMPARE(qb(s->rows[i].adId), qb(want[i].adId));
        QCOMPARE(s->rows[i].clicks, want[i].clicks);
    }
    if (ad.isEmpty() && filter == "none") QVERIFY(want.size() > 50);
}

void TestQuery::countries()
{
    auto q = openService();
    for (const QByteArray& name : { QByteArray("none"), QByteArray("user_id!=u1"), QByteArray("@vip") }) {
        auto f = rowFilter(name);
        for (const std::optional<std::string>& ad :
            { std::optional<std::string>(), std::optional<std::string>("ad2") }) {
            const int64_t from = kBaseMs + 30'001, to = kBaseMs + 9 * kMin + 7;
            auto r = q->countries(from, to, ad, *f);
            QVERIFY2(r.isOk(), r.message().c_str());
            std::map<std::string, int64_t> want;
            for (const Ev& e : m_data.events)
                if (isCounted(e.status) && e.t >= from && e.t < to && (!ad || e.ad == *ad) && pred(name)(e))
                    ++want[e.country];
            QCOMPARE(r->size(), want.size());
            for (std::size_t i = 0; i < r->size(); ++i) {
                QCOMPARE((*r)[i].clicks, want[(*r)[i].country]);
                if (i) QVERIFY((*r)[i - 1].clicks >= (*r)[i].clicks);
            }
        }
    }
}

void TestQuery::watermarkAndSavedFilters()
{
    auto q = openService();
    auto w = q->watermark();
    QVERIFY(w.isOk());
    QCOMPARE(w->value(), kWatermarkMs);
    auto saved = q->savedFilters();
    QVERIFY(saved.isOk());
    QCOMPARE(saved->size(), std::size_t(3));
    QCOMPARE(qb((*saved)[0].name), QByteArray("net10"));
    QCOMPARE(qb((*saved)[0].state), QByteArray("pending"));
    QCOMPARE(qb((*saved)[1].name), QByteArray("vip"));
    QCOMPARE(qb((*saved)[1].expr), QByteArray("user_id in (u1,u2)"));
    QCOMPARE((*saved)[1].id, 1);
}

void TestQuery::rawReader()
{
    // The committed events come back exactly once, in file order, from small blocks (lines
    // cross block borders), and the uncommitted tail and the empty segment are ignored.
    auto db = sql::Connection::openReadOnly(m_db.toStdString());
    QVERIFY2(db.isOk(), db.message().c_str());
    const std::vector<TimeRange> all { { INT64_MIN / 2, INT64_MAX / 2 } };
    auto segs = committedSegments(*db, all);
    QVERIFY(segs.isOk());
    QCOMPARE(segs->size(), std::size_t(2));
    RawReader reader((m_db + ".raw").toStdString(), 4096);
    std::size_t i = 0;
    bool same = true;
    auto st = reader.read(*segs, all, [&](const RawEvent& e) {
        const Ev& x = m_data.events[i++];
        same = same && e.status == x.status && e.timeMs == x.t && e.adId == x.ad && e.country == x.country
            && e.userId == x.user && e.ip == x.ip && e.clickId == x.click;
        return true;
    });
    QVERIFY2(st.isOk(), st.message().c_str());
    QVERIFY(same);
    QCOMPARE(i, m_data.events.size());

    // Segment selection by time: minutes [B+13, B+20) hold no events at all.
    auto none = committedSegments(*db, { { (B + 13) * kMin, (B + 20) * kMin } });
    QVERIFY(none.isOk());
    QCOMPARE(none->size(), std::size_t(1)); // segment 2 spans B+5 .. B+21, so it overlaps
    QCOMPARE(none->front().id, 2);
    auto first = committedSegments(*db, { { kBaseMs, kBaseMs + 4 * kMin } });
    QVERIFY(first.isOk());
    QCOMPARE(first->size(), std::size_t(1));
    QCOMPARE(first->front().id, 1);

    // Ranges select events; returning false stops.
    int64_t n = 0;
    st = reader.read(*segs, { { kBaseMs + kMin, kBaseMs + 2 * kMin }, { (B + 21) * kMin, (B + 22) * kMin } },
        [&](const RawEvent& e) {
            n += (e.timeMs >= kBaseMs + kMin && e.timeMs < kBaseMs + 2 * kMin)
                || (e.timeMs >= (B + 21) * kMin && e.timeMs < (B + 22) * kMin);
            return true;
        });
    QVERIFY(st.isOk());
    int64_t want = 0;
    for (const Ev& e : m_data.events)
        want += (e.t >= kBaseMs + kMin && e.t < kBaseMs + 2 * kMin)
            || (e.t >= (B + 21) * kMin && e.t < (B + 22) * kMin);
    QCOMPARE(n, want);
    int calls = 0;
    st = reader.read(*segs, all, [&](const RawEvent&) { return ++calls < 5; });
    QVERIFY(st.isOk());
    QCOMPARE(calls, 5);
}

void TestQuery::rawReaderDamage()
{
    QTemporaryDir dir;
    std::string good;
    appendRawLine(good, RawStatus::Accepted, 1000, "ad1", "US", "u1", "1.2.3.4", "");
    appendRawLine(good, RawStatus::Accepted, 2000, "ad2", "US", "u1", "1.2.3.4", "");
    QVERIFY(writeFile(dir.filePath("ok.tsv"), good));
    QVERIFY(writeFile(dir.filePath("bad.tsv"), good + "X\tgarbage\n"));
    RawReader reader(dir.path().toStdString());
    const std::vector<TimeRange> all { { 0, 10'000 } };
    auto count = [](const RawEvent&) { return true; };

    // Committed length ends inside a line.
    auto st = reader.read({ { 1, "ok.tsv", good.size() - 3, 1000, 2000, false, {} } }, all, count);
    QVERIFY(!st.isOk());
    QVERIFY2(qb(st.message()).contains("ends inside a line"), st.message().c_str());
    // File shorter than its committed length.
    st = reader.read({ { 1, "ok.tsv", good.size() + 10, 1000, 2000, false, {} } }, all, count);
    QVERIFY(!st.isOk());
    QVERIFY2(qb(st.message()).contains("shorter than its committed length"), st.message().c_str());
    // An unreadable committed line, with its byte offset.
    st = reader.read({ { 1, "bad.tsv", good.size() + 10, 1000, 2000, false, {} } }, all, count);
    QVERIFY(!st.isOk());
    QVERIFY2(
        qb(st.message()).contains("damaged at byte " + std::to_string(good.size())), st.message().c_str());
    // Missing file.
    st = reader.read({ { 1, "gone.tsv", 10, 1000, 2000, false, {} } }, all, count);
    QVERIFY(!st.isOk());
    QVERIFY2(qb(st.message()).contains("cannot read raw segment"), st.message().c_str());
    // The good prefix alone is fine.
    st = reader.read({ { 1, "bad.tsv", good.size(), 1000, 2000, false, {} } }, all, count);
    QVERIFY2(st.isOk(), st.message().c_str());
}

void TestQuery::readerSeesWriterCommits()
{
    // A copy of the database: an open QueryService holds no lock between calls, a writer can
    // commit (WAL), and the next call sees the new state — aggregates and raw events together.
    QTemporaryDir dir;
    const QString path = dir.filePath("live.db");
    Data d;
    d.events.push_back({ RawStatus::Accepted, kBaseMs + 1000, "ad1", "US", "u1", "10.1.1.1", "" });
    d.split = 1;
    QVERIFY(buildDb(path, d, {}));
    auto q = QueryService::open(path.toStdString());
    QVERIFY(q.isOk());
    const Filter user = *parseFilter("user_id=u1");
    QCOMPARE(*(*q)->count("ad1", kBaseMs, kBaseMs + kMin, Filter()), 1);
    QCOMPARE(*(*q)->count("ad1", kBaseMs, kBaseMs + kMin, user), 1);

    sqlite3* w = nullptr;
    QCOMPARE(sqlite3_open(path.toUtf8().constData(), &w), SQLITE_OK);
    QVERIFY(exec(w, "BEGIN IMMEDIATE"));
    // While the writer holds its write transaction, readers still answer.
    QCOMPARE(*(*q)->count("ad1", kBaseMs, kBaseMs + kMin, Filter()), 1);
    std::string line;
    appendRawLine(line, RawStatus::Accepted, kBaseMs + 2000, "ad1", "US", "u1", "10.1.1.1", "");
    QFile seg(path + ".raw/seg-000002.tsv"); // nothing committed in it yet: replace its torn tail
    QVERIFY(seg.open(QIODevice::WriteOnly | QIODevice::Truncate));
    seg.write(line.data(), qint64(line.size()));
    seg.close();
    // Appended but not committed: not visible.
    QCOMPARE(*(*q)->count("ad1", kBaseMs, kBaseMs + kMin, user), 1);
    QVERIFY(exec(w, "UPDATE agg SET clicks = clicks + 1 WHERE filter_id = 0"));
    QVERIFY(exec(w,
        "UPDATE segments SET bytes = bytes + " + std::to_string(line.size())
            + ", events = events + 1, "
              "min_ms = "
            + std::to_string(kBaseMs + 1000) + ", max_ms = " + std::to_string(kBaseMs + 2000)
            + " WHERE id = 2"));
    RawBlock block; // the checksum goes with the committed length, as the store writes it
    std::vector<RawBlock> blocks;
    appendToBlocks(block, line, blocks);
    QVERIFY(exec(w,
        "INSERT INTO raw_blocks VALUES(2, 0, " + std::to_string(block.bytes) + ", "
            + std::to_string(block.crc) + ")"));
    QVERIFY(exec(w, "COMMIT"));
    sqlite3_close(w);
    QCOMPARE(*(*q)->count("ad1", kBaseMs, kBaseMs + kMin, Filter()), 2);
    QCOMPARE(*(*q)->count("ad1", kBaseMs, kBaseMs + kMin, user), 2);
    QCOMPARE(*(*q)->count("ad1", kBaseMs + 1500, kBaseMs + kMin, Filter()), 1);
}

void TestQuery::unusualEventsAreTheNewestByEventTime()
{
    // The window's "unusual events" table: the newest late and duplicate clicks by event time,
    // although a late click is stored after newer ones (the writer puts stragglers in frames
    // of their own, at the end of a batch).
    QTemporaryDir dir;
    const QString path = dir.filePath("unusual.db");
    Data d;
    d.events = {
        { RawStatus::Accepted, kBaseMs + 1000, "ad1", "US", "u1", "10.1.1.1", "a" },
        { RawStatus::Duplicate, kBaseMs + 5 * kMin, "ad1", "US", "u1", "10.1.1.1", "d5" },
        { RawStatus::Duplicate, kBaseMs + 6 * kMin, "ad1", "US", "u1", "10.1.1.1", "d6" },
        { RawStatus::Duplicate, kBaseMs + 6 * kMin, "ad2", "US", "u1", "10.1.1.1", "d6b" },
        { RawStatus::LateDropped, kBaseMs + 2 * kMin, "ad1", "US", "u1", "10.1.1.1", "late2" },
        { RawStatus::Accepted, kBaseMs + 7 * kMin, "ad1", "US", "u1", "10.1.1.1", "b" },
    };
    d.split = 2;
    QVERIFY(buildDb(path, d, {}));
    auto reader = StoreReader::open(path.toStdString());
    QVERIFY(reader.isOk());
    const auto ids = [&](std::size_t limit) {
        QStringList out;
        auto events = (*reader)->unusualEvents(kBaseMs, kBaseMs + 10 * kMin, limit);
        if (!events) return QStringList { QString::fromStdString(events.message()) };
        for (const UnusualEvent& e : *events)
            out << QString::fromStdString(e.clickId);
        return out;
    };
    QCOMPARE(ids(2), QStringList({ "d6", "d6b" }));
    QCOMPARE(ids(3), QStringList({ "d5", "d6", "d6b" }));
    QCOMPARE(ids(10), QStringList({ "late2", "d5", "d6", "d6b" }));
    QCOMPARE(ids(0), QStringList());
}

void TestQuery::cliCount()
{
    const qint64 from = kBaseMs + 61'234, to = kBaseMs + 8 * kMin + 17;
    auto r = runCli({ "count", "--db", m_db, "--ad", "ad2", "--from", QString::number(from), "--to",
        QString::fromStdString(iso(to)) });
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out,
        "{\"ad_id\":\"ad2\",\"count\":" + QByteArray::number(qint64(truth("ad2", from, to, pred("none"))))
            + "}\n");
    QVERIFY(r.err.isEmpty());

    r = runCli({ "count", "--db=" + m_db, "--ad", "ad10", "--from", "2021-01-01 00:00:00", "--to",
        "2021-01-01T10:00:00+09:00", "--filter", "user_id = 'user 1' AND country in (us, kr, usa)" });
    QCOMPARE(r.exitCode, 0);
    const int64_t want = truth("ad10", kBaseMs, kBaseMs + 60 * kMin, [](const Ev& e) {
        return e.user == "user 1" && (e.country == "US" || e.country == "KR" || e.country == "USA");
    });
    QVERIFY(want > 0);
    QCOMPARE(r.out, "{\"ad_id\":\"ad10\",\"count\":" + QByteArray::number(qint64(want)) + "}\n");

    r = runCli({ "count", "--db", m_db, "--ad", "x\"y", "--from", "0", "--to", "1", "--filter", "@vip" });
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out, QByteArray("{\"ad_id\":\"x\\\"y\",\"count\":0}\n"));

    r = runCli({ "count", "--help" });
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.startsWith("usage: adclick count"));
}

void TestQuery::cliPopular_data()
{
    QTest::addColumn<QStringList>("args"); // after `popular --db DB`
    QTest::addColumn<QByteArray>("out");
    QTest::newRow("latest window") << QStringList { "--count", "3", "--window", "2" }
                                   << QByteArray(
                                          "{\"ad_ids\":[\"ad10\",\"ad2\",\"ad1\"],\"counts\":[3,3,2],"
                                          "\"at\":\"2021-01-01T00:22:00.000Z\",\"window_minutes\":2}\n");
    QTest::newRow("at rounded down, filtered")
        << QStringList { "--count", "2", "--window", "1", "--at", "2021-01-01T00:21:59.999Z", "--filter",
               "country=us" }
        << QByteArray("{\"ad_ids\":[\"ad10\",\"ad2\"],\"counts\":[2,2],"
                      "\"at\":\"2021-01-01T00:21:00.000Z\",\"window_minutes\":1}\n");
    QTest::newRow("ip and user filter")
        << QStringList { "--count", "5", "--window", "1", "--at", "2021-01-01T00:22:00Z", "--filter",
               "ip=10.1.0.0/16 and user_id!=u1" }
        << QByteArray("{\"ad_ids\":[\"ad3\",\"zz\"],\"counts\":[1,1],"
                      "\"at\":\"2021-01-01T00:22:00.000Z\",\"window_minutes\":1}\n");
    QTest::newRow("nothing at epoch")
        << QStringList { "--count", "5", "--window", "1", "--at", "0" }
        << QByteArray(
               "{\"ad_ids\":[],\"counts\":[],\"at\":\"1970-01-01T00:00:00.000Z\",\"window_minutes\":1}\n");
}

void TestQuery::cliPopular()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, out);
    const Run r = runCli(QStringList { "popular", "--db", m_db } + args);
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out, out);
}

void TestQuery::cliExportMinutes()
{
    const QString out = m_dir.filePath("minutes.csv");
    const qint64 from = kBaseMs + 20 * kMin + 30'000, to = kBaseMs + 22 * kMin;
    auto r = runCli({ "export", "--db", m_db, "--out", out, "--minutes", "--from", QString::number(from),
        "--to", QString::number(to), "--filter", "country in (KR, US)" });
    QCOMPARE(r.exitCode, 0);
    QFile f(out);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray tail = ",2021-01-01T00:20:00.000Z,2021-01-01T00:22:00.000Z,\"country in (KR,US)\"\n";
    QCOMPARE(f.readAll(),
        "minute_utc,ad_id,clicks,range_from,range_to,filter\n" + QByteArray("2021-01-01T00:20:00.000Z,ad1,1")
            + tail + "2021-01-01T00:20:00.000Z,ad10,2" + tail + "2021-01-01T00:20:00.000Z,ad2,3" + tail
            + "2021-01-01T00:21:00.000Z,ad1,1" + tail + "2021-01-01T00:21:00.000Z,ad3,2" + tail);
    f.close();
    QCOMPARE(r.out, "{\"rows\":5,\"out\":\"" + out.toUtf8() + "\"}\n");
    QVERIFY(!QFile::exists(out + ".tmp"));

    // One ad over the random part, against the brute force; the header only when nothing matches.
    r = runCli({ "export", "--db", m_db, "--out", out, "--minutes", "--from", QString::number(kBaseMs),
        "--to", QString::number(kBaseMs + 12 * kMin), "--ad", "ad\xc3\xa9", "--filter", "@vip" });
    QCOMPARE(r.exitCode, 0);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QByteArray want = "minute_utc,ad_id,clicks,range_from,range_to,filter\n";
    const auto rows = truthSeries(B, B + 12, "ad\xc3\xa9", pred("@vip"));
    QVERIFY(rows.size() > 5);
    for (const auto& row : rows)
        want += qb(iso(row.minute * kMin)) + "," + qb(row.adId) + "," + QByteArray::number(qint64(row.clicks))
            + ",2021-01-01T00:00:00.000Z,2021-01-01T00:12:00.000Z,\"user_id in (u1,u2)\"\n";
    QCOMPARE(f.readAll(), want);
    f.close();
    QCOMPARE(r.out,
        "{\"rows\":" + QByteArray::number(qsizetype(rows.size())) + ",\"out\":\"" + out.toUtf8() + "\"}\n");

    r = runCli({ "export", "--db", m_db, "--out", out, "--minutes", "--from", "0", "--to", "60000" });
    QCOMPARE(r.exitCode, 0);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray("minute_utc,ad_id,clicks,range_from,range_to,filter\n"));
    QCOMPARE(r.out, "{\"rows\":0,\"out\":\"" + out.toUtf8() + "\"}\n");
}

void TestQuery::cliExportTop()
{
    const QString out = m_dir.filePath("top.csv");
    auto r = runCli({ "export", "--db", m_db, "--out", out, "--top", "--count", "4", "--window", "2" });
    QCOMPARE(r.exitCode, 0);
    QFile f(out);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(),
        QByteArray("rank,ad_id,clicks,at,window_minutes,filter\n"
                   "1,ad10,3,2021-01-01T00:22:00.000Z,2,\n"
                   "2,ad2,3,2021-01-01T00:22:00.000Z,2,\n"
                   "3,ad1,2,2021-01-01T00:22:00.000Z,2,\n"
                   "4,ad3,2,2021-01-01T00:22:00.000Z,2,\n"));
    QCOMPARE(r.out, "{\"rows\":4,\"out\":\"" + out.toUtf8() + "\"}\n");
    f.close();

    r = runCli({ "export", "--db", m_db, "--out", out, "--top", "--count", "2", "--window", "12", "--at",
        QString::fromStdString(iso(kBaseMs + 12 * kMin)), "--filter", "user_id=\"user 1\"" });
    QCOMPARE(r.exitCode, 0);
    const auto top = truthTop(2, B + 12, 12, pred("user_id=\"user 1\""));
    QCOMPARE(top.size(), std::size_t(2));
    QByteArray want = "rank,ad_id,clicks,at,window_minutes,filter\n";
    for (std::size_t i = 0; i < top.size(); ++i)
        want += QByteArray::number(qsizetype(i + 1)) + "," + csvField(top[i].adId) + ","
            + QByteArray::number(qint64(top[i].clicks))
            + ",2021-01-01T00:12:00.000Z,12,\"user_id=\"\"user 1\"\"\"\n";
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), want);
}

void TestQuery::cliErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QByteArray>("message");

    const QString db = m_dir.filePath("clicks.db");
    const QString out = m_dir.filePath("e.csv");
    QTest::newRow("count no db") << QStringList { "count", "--ad", "a", "--from", "0", "--to", "1" } << 2
                                 << QByteArray("--db FILE is required");
    QTest::newRow("count no ad") << QStringList { "count", "--db", db, "--from", "0", "--to", "1" } << 2
                                 << QByteArray("--ad ID is required");
    QTest::newRow("count from=to") << QStringList { "count", "--db", db, "--ad", "a", "--from", "5", "--to",
        "5" } << 2 << QByteArray("--from must be before --to");
    QTest::newRow("count from>to") << QStringList { "count", "--db", db, "--ad", "a", "--from",
        "2021-01-02T00:00:00Z", "--to", "2021-01-01T00:00:00Z" }
                                   << 2 << QByteArray("--from must be before --to");
    QTest::newRow("count bad time") << QStringList { "count", "--db", db, "--ad", "a", "--from", "yesterday",
        "--to", "1" } << 2 << QByteArray("--from: cannot read 'yesterday' as a time");
    QTest::newRow("count missing to") << QStringList { "count", "--db", db, "--ad", "a", "--from", "0" } << 2
                                      << QByteArray("--to is required");
    QTest::newRow("count bad filter")
        << QStringList { "count", "--db", db, "--ad", "a", "--from", "0", "--to", "1", "--filter",
               "country=US or ip=1.2.3.4" }
        << 2
        << QByteArray("bad --filter 'country=US or ip=1.2.3.4': filter: expected 'and' "
                      "or the end of the filter, found 'or' at column 12");
    QTest::newRow("count unknown saved")
        << QStringList { "count", "--db", db, "--ad", "a", "--from", "0", "--to", "1", "--filter", "@nope" }
        << 2 << QByteArray("bad --filter: filter: there is no saved filter named 'nope'");
    QTest::newRow("count unknown option") << QStringList { "count", "--db", db, "--ad", "a", "--from", "0",
        "--to", "1", "--bogus" } << 2 << QByteArray("unknown or incomplete option '--bogus'");
    QTest::newRow("count missing db file")
        << QStringList { "count", "--db", m_dir.filePath("none.db"), "--ad", "a", "--from", "0", "--to", "1" }
        << 1 << "database '" + m_dir.filePath("none.db").toUtf8() + "' does not exist";
    QTest::newRow("count not adclick") << QStringList { "count", "--db", m_dir.filePath("notes.txt"), "--ad",
        "a", "--from", "0", "--to", "1" }
                                       << 1 << QByteArray("is not an AdClick database");
    QTest::newRow("popular n=0") << QStringList { "popular", "--db", db, "--count", "0", "--window", "5" }
                                 << 2 << QByteArray("--count must be a whole number from 1");
    QTest::newRow("popular n<0") << QStringList { "popular", "--db", db, "--count", "-3", "--window", "5" }
                                 << 2 << QByteArray("--count must be a whole number from 1");
    QTest::newRow("popular n junk") << QStringList { "popular", "--db", db, "--count", "3x", "--window", "5" }
                                    << 2 << QByteArray("--count must be a whole number from 1");
    QTest::newRow("popular window 0") << QStringList { "popular", "--db", db, "--count", "3", "--window",
        "0" } << 2 << QByteArray("--window must be a whole number from 1");
    QTest::newRow("popular no db") << QStringList { "popular", "--count", "3", "--window", "5" } << 2
                                   << QByteArray("--db FILE is required");
    QTest::newRow("popular bad at") << QStringList { "popular", "--db", db, "--count", "3", "--window", "5",
        "--at", "2021-02-30T00:00:00Z" }
                                    << 2 << QByteArray("--at: cannot read");
    QTest::newRow("export no mode") << QStringList { "export", "--db", db, "--out", out, "--from", "0",
        "--to", "1" } << 2 << QByteArray("exactly one of --minutes and --top");
    QTest::newRow("export both modes") << QStringList { "export", "--db", db, "--out", out, "--minutes",
        "--top" } << 2 << QByteArray("exactly one of --minutes and --top");
    QTest::newRow("export no out") << QStringList { "export", "--db", db, "--minutes", "--from", "0", "--to",
        "1" } << 2 << QByteArray("--out FILE.csv is required");
    QTest::newRow("export top n=0") << QStringList { "export", "--db", db, "--out", out, "--top", "--count",
        "0", "--window", "5" } << 2 << QByteArray("--count must be");
    QTest::newRow("export minutes from>=to") << QStringList { "export", "--db", db, "--out", out, "--minutes",
        "--from", "10", "--to", "1" } << 2 << QByteArray("--from must be before --to");
    QTest::newRow("export mixed") << QStringList { "export", "--db", db, "--out", out, "--minutes", "--from",
        "0", "--to", "1", "--count", "3" }
                                  << 2 << QByteArray("belong to --top");
    QTest::newRow("export missing db") << QStringList {
        "export", "--db", m_dir.filePath("none.db"), "--out", out, "--top", "--count", "1", "--window", "1"
    } << 1 << "database '" + m_dir.filePath("none.db").toUtf8() + "' does not exist";
}

void TestQuery::cliErrors()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QByteArray, message);
    const auto r = runCli(args);
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY(r.out.isEmpty());
    QVERIFY2(
        r.err.startsWith("adclick: ") && r.err.contains(message) && r.err.endsWith("\n"), r.err.constData());
    QVERIFY(!QFile::exists(m_dir.filePath("e.csv")));
}

void TestQuery::cliExportUnwritable()
{
    const QString out = m_dir.filePath("no/such/folder/x.csv");
    auto r = runCli({ "export", "--db", m_db, "--out", out, "--top", "--count", "1", "--window", "1" });
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("cannot create a temporary file in '" + m_dir.filePath("no/such/folder").toUtf8()
                 + "': No such file or directory"),
        r.err.constData());
    QVERIFY(r.out.isEmpty());

    // A folder where the file should go: the temporary file is written, the rename fails and
    // nothing partial is left behind.
    const QString dirAsFile = m_dir.filePath("taken.csv");
    QVERIFY(QDir().mkpath(dirAsFile));
    r = runCli({ "export", "--db", m_db, "--out", dirAsFile, "--top", "--count", "1", "--window", "1" });
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("' to '" + dirAsFile.toUtf8() + "': Is a directory"), r.err.constData());
    QVERIFY2(QDir(m_dir.path()).entryList({ ".taken.csv.*" }, QDir::Hidden | QDir::Files).isEmpty(),
        "a temporary file was left behind");
}

void TestQuery::cliExportNeverOverwritesTheDatabase()
{
    QFile dbFile(m_db);
    QVERIFY(dbFile.open(QIODevice::ReadOnly));
    const QByteArray before = dbFile.readAll();
    dbFile.close();
    const QString link = m_dir.filePath("db-link.csv");
    QVERIFY(QFile::link(m_db, link));
    // The database, its companions and its raw folder, named directly, through "..", or a link.
    const QString targets[] = { m_db, m_db + "-wal", m_db + ".lock", m_db + ".raw/x.csv",
        m_dir.filePath("sub/../clicks.db"), link };
    for (const QString& out : targets) {
        const auto r
            = runCli({ "export", "--db", m_db, "--out", out, "--top", "--count", "1", "--window", "1" });
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("is the database or one of its files"), r.err.constData());
    }
    QVERIFY(dbFile.open(QIODevice::ReadOnly));
    QCOMPARE(dbFile.readAll(), before);
    dbFile.close();

    // A link planted where the old predictable temporary (<out>.tmp) went is never written through.
    const QString victim = m_dir.filePath("victim.txt");
    QFile v(victim);
    QVERIFY(v.open(QIODevice::WriteOnly));
    v.write("keep");
    v.close();
    const QString out = m_dir.filePath("report.csv");
    QVERIFY(QFile::link(victim, out + ".tmp"));
    const auto r = runCli({ "export", "--db", m_db, "--out", out, "--top", "--count", "1", "--window", "1" });
    QCOMPARE(r.exitCode, 0);
    QVERIFY(v.open(QIODevice::ReadOnly));
    QCOMPARE(v.readAll(), QByteArray("keep"));
    QVERIFY(QFileInfo(out).size() > 0);
}

QTEST_GUILESS_MAIN(TestQuery)
#include "tst_query.moc"
