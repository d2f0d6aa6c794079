// Unit tests of the event-time logic (docs/semantics.md): dedup, watermark, late, horizon.
#include "core/base/hash128.h"
#include "core/pipeline/dedup_set.h"
#include "core/pipeline/engine.h"

#include <QtTest>

using namespace adclick::core;

namespace {

constexpr int64_t kT0 = 1'609'459'200'000; // 2021-01-01T00:00:00Z

ClickEvent click(int64_t t, std::string_view ad = "ad1", std::string_view user = "u1",
    std::string_view clickId = {}, std::string_view country = "US")
{
    ClickEvent e;
    e.timeMs = t;
    e.adId = ad;
    e.userId = user;
    e.ip = "10.0.0.1";
    e.country = country;
    e.clickId = clickId;
    return e;
}

int64_t clicksOf(const Batch& b, int64_t minute)
{
    int64_t n = 0;
    for (const auto& [k, d] : b.panes.items())
        if (k.minute == minute && k.filterId == 0) n += d.clicks;
    return n;
}

int64_t lateOf(const Batch& b, int64_t minute)
{
    int64_t n = 0;
    for (const auto& [k, d] : b.panes.items())
        if (k.minute == minute && k.filterId == 0) n += d.late;
    return n;
}

} // namespace

class TestEngine : public QObject {
    Q_OBJECT
private slots:
    // Dedup keys are rebuilt from raw events after a restart, so the hash of a key must never
    // change between versions: these are MurmurHash3 x64/128 values for each tail length class.
    void hash128ValuesArePinned_data()
    {
        QTest::addColumn<int>("length");
        QTest::addColumn<quint64>("lo");
        QTest::addColumn<quint64>("hi");
        const struct {
            int n;
            quint64 lo, hi;
        } rows[] = {
            { 0, 0xaafc5697fdc9f75aull, 0x82eda7ed9680b0ddull },
            { 1, 0x5d14e60edc3bf761ull, 0xb5f6f14cbf775465ull },
            { 7, 0x300fc5763ec96efbull, 0xa0414ec63b77cd22ull },
            { 8, 0x1461e026e37dbba5ull, 0x970ca11e687569ebull },
            { 9, 0xa00bc3bb3621e70eull, 0x303ac6ccdc7a7f63ull },
            { 15, 0x31b0abd875c35fb6ull, 0xd3b1ad18cfad92fdull },
            { 16, 0x1ec3f66a9d65dcaaull, 0x8029838023598c60ull },
            { 17, 0x1975d3fc042224b0ull, 0x26f6ecf41fb9c236ull },
            { 31, 0x2e06d77ad4ff1ddbull, 0xc41dae117c16c78aull },
            { 32, 0xa9dc082df462e414ull, 0x7740987f119338abull },
            { 33, 0x171b2c20bac7c8d8ull, 0xdb1a25e9f5602d4bull },
        };
        for (const auto& r : rows)
            QTest::addRow("%d bytes", r.n) << r.n << r.lo << r.hi;
    }
    void hash128ValuesArePinned()
    {
        QFETCH(int, length);
        QFETCH(quint64, lo);
        QFETCH(quint64, hi);
        const char key[] = "ad-1\x1f"
                           "1700000000000\x1fuser-1\x1f"
                           "10.0.0.1";
        static_assert(sizeof key > 33);
        const Hash128 h = hash128(key, std::size_t(length));
        QCOMPARE(quint64(h.lo), lo);
        QCOMPARE(quint64(h.hi), hi);
    }

    void dedupSetCutoffMakesOldKeysAbsent()
    {
        DedupSet s;
        const Hash128 k { 1, 2 };
        QVERIFY(!s.checkAndInsert(k, 1000, 0));
        QVERIFY(s.checkAndInsert(k, 1000, 1000)); // kept key at the cutoff: duplicate
        QVERIFY(!s.checkAndInsert(k, 5000, 1001)); // older than the cutoff: absent, re-inserted
        QVERIFY(s.checkAndInsert(k, 5000, 5000));
        QCOMPARE(s.size(), std::size_t(1));
    }

    void dedupSetGrowthKeepsLiveKeysAndDropsExpired()
    {
        DedupSet s;
        for (uint64_t i = 1; i <= 100'000; ++i)
            QVERIFY(!s.checkAndInsert(Hash128 { i * 0x9E3779B97F4A7C15ull, i }, int64_t(i), 0));
        for (uint64_t i = 1; i <= 100'000; i += 997)
            QVERIFY(s.checkAndInsert(Hash128 { i * 0x9E3779B97F4A7C15ull, i }, int64_t(i), 0));
        // Cutoff above everything: a rehash during these inserts drops all old keys.
        for (uint64_t i = 200'001; i <= 300'000; ++i)
            QVERIFY(!s.checkAndInsert(Hash128 { i * 0x9E3779B97F4A7C15ull, i }, int64_t(i), 200'000));
        QVERIFY(s.size() <= 200'000);
        QVERIFY(!s.checkAndInsert(Hash128 { 1 * 0x9E3779B97F4A7C15ull, 1 }, 300'001, 200'000));
    }

    void identityUsesClickIdWhenPresent()
    {
        std::string scratch;
        const auto a = clickIdentity("ad1", 1, "u1", "1.1.1.1", "c-1", scratch);
        const auto b = clickIdentity("ad2", 2, "u2", "2.2.2.2", "c-1", scratch);
        const auto c = clickIdentity("ad1", 1, "u1", "1.1.1.1", {}, scratch);
        const auto d = clickIdentity("ad1", 2, "u1", "1.1.1.1", {}, scratch);
        QCOMPARE(a, b);
        QVERIFY(!(c == d));
        QVERIFY(!(a == c));
    }

    void onTimeEventsAreAccepted()
    {
        Engine e({ 60'000, LatePolicy::Drop, 300'000 });
        e.onEvent(click(kT0 + 1000, "ad1"));
        e.onEvent(click(kT0 + 2000, "ad2"));
        e.onEvent(click(kT0 + 61'000, "ad1"));
        const Counters c = e.totals();
        QCOMPARE(c.lines, 3);
        QCOMPARE(c.accepted, 3);
        QCOMPARE(clicksOf(e.batch(), paneOf(kT0)), 2);
        QCOMPARE(clicksOf(e.batch(), paneOf(kT0) + 1), 1);
        QCOMPARE(e.watermarkMs(), kT0 + 61'000 - 60'000);
    }

    void duplicatesAreCountedNotAggregated()
    {
        Engine e({ 60'000, LatePolicy::Drop, 300'000 });
        e.onEvent(click(kT0 + 1000, "ad1", "u1"));
        e.onEvent(click(kT0 + 1000, "ad1", "u1")); // same tuple
        e.onEvent(click(kT0 + 1000, "ad1", "u2")); // other user: distinct
        e.onEvent(click(kT0 + 5000, "ad9", "u9", "X")); // click_id X
        e.onEvent(click(kT0 + 7000, "ad8", "u8", "X")); // same click_id, other fields: duplicate
        const Counters c = e.totals();
        QCOMPARE(c.accepted, 3);
        QCOMPARE(c.duplicates, 2);
        QCOMPARE(clicksOf(e.batch(), paneOf(kT0)), 3);
    }

    void panesCloseWhenTheWatermarkPassesTheirEnd_data()
    {
        QTest::addColumn<int64_t>("lateness");
        QTest::addColumn<int64_t>("maxOffset"); // largest event time seen, relative to kT0
        QTest::addColumn<bool>("late"); // is an event at kT0+30s late afterwards?
        // Pane [0, 60 s) is final once W = max - lateness >= 60 s.
        QTest::newRow("W just before the end") << int64_t(60'000) << int64_t(119'999) << false;
        QTest::newRow("W exactly at the end") << int64_t(60'000) << int64_t(120'000) << true;
        QTest::newRow("no lateness") << int64_t(0) << int64_t(60'000) << true;
        QTest::newRow("no lateness, before") << int64_t(0) << int64_t(59'999) << false;
        QTest::newRow("long lateness") << int64_t(300'000) << int64_t(359'999) << false;
    }
    void panesCloseWhenTheWatermarkPassesTheirEnd()
    {
        QFETCH(int64_t, lateness);
        QFETCH(int64_t, maxOffset);
        QFETCH(bool, late);
        Engine e({ lateness, LatePolicy::Drop, 600'000 });
        e.onEvent(click(kT0 + maxOffset, "adM", "uM"));
        e.onEvent(click(kT0 + 30'000, "adL", "uL"));
        QCOMPARE(e.totals().late, late ? 1 : 0);
        QCOMPARE(e.totals().accepted, late ? 1 : 2);
        QCOMPARE(lateOf(e.batch(), paneOf(kT0)), late ? 1 : 0);
        const int64_t maxInPane0 = maxOffset < 60'000 ? 1 : 0;
        QCOMPARE(clicksOf(e.batch(), paneOf(kT0)), maxInPane0 + (late ? 0 : 1));
    }

    void lateUpdateCorrectsThePane()
    {
        Engine e({ 0, LatePolicy::Update, 300'000 });
        e.onEvent(click(kT0 + 120'000, "ad1", "u1"));
        e.onEvent(click(kT0 + 10'000, "ad2", "u2")); // pane 0 is final (W = 120 s)
        e.onEvent(click(kT0 + 10'000, "ad2", "u2")); // ... and its repeat is a duplicate
        const Counters c = e.totals();
        QCOMPARE(c.accepted, 1);
        QCOMPARE(c.late, 1);
        QCOMPARE(c.lateApplied, 1);
        QCOMPARE(c.duplicates, 1);
        QCOMPARE(clicksOf(e.batch(), paneOf(kT0)), 1);
        QCOMPARE(lateOf(e.batch(), paneOf(kT0)), 1);
    }

    void beyondTheHorizonIsLateEvenWithUpdate()
    {
        Engine e({ 0, LatePolicy::Update, 60'000 });
        e.onEvent(click(kT0 + 600'000, "ad1", "u1"));
        e.onEvent(click(kT0 + 1000, "ad2", "u2")); // W − H = 540 s: beyond the horizon
        e.onEvent(click(kT0 + 1000, "ad2", "u2")); // not remembered, so late again, not a duplicate
        const Counters c = e.totals();
        QCOMPARE(c.late, 2);
        QCOMPARE(c.lateApplied, 0);
        QCOMPARE(c.duplicates, 0);
        QCOMPARE(clicksOf(e.batch(), paneOf(kT0)), 0);
    }

    void lateEventsKeepTheirKeyWithinTheHorizon()
    {
        Engine e({ 0, LatePolicy::Drop, 300'000 });
        e.onEvent(click(kT0 + 120'000, "ad1", "u1"));
        e.onEvent(click(kT0 + 10'000, "ad2", "u2")); // late
        e.onEvent(click(kT0 + 10'000, "ad2", "u2")); // within the horizon: a duplicate of a late click
        QCOMPARE(e.totals().late, 1);
        QCOMPARE(e.totals().duplicates, 1);
    }

    void idleAdvanceClosesPanes()
    {
        Engine e({ 60'000, LatePolicy::Drop, 300'000 });
        e.onEvent(click(kT0 + 1000, "ad1", "u1"));
        e.advanceWatermark(kT0 + 60'000);
        e.onEvent(click(kT0 + 2000, "ad1", "u2"));
        QCOMPARE(e.totals().late, 1);
        e.advanceWatermark(kT0); // never moves back
        QCOMPARE(e.watermarkMs(), kT0 + 60'000);
    }

    void rejectsAreCountedByReasonAndSampled()
    {
        Engine e({});
        for (int i = 0; i < Engine::kMaxRejectSamples + 5; ++i)
            e.onReject(RejectReason::BadIp, "f.log", uint64_t(i) * 10, "bad line");
        e.onReject(RejectReason::BadJson, "f.log", 0, "{");
        const Counters c = e.totals();
        QCOMPARE(c.lines, Engine::kMaxRejectSamples + 6);
        QCOMPARE(c.rejected, Engine::kMaxRejectSamples + 6);
        QCOMPARE(c.rejectedBy[size_t(RejectReason::BadIp)], Engine::kMaxRejectSamples + 5);
        QCOMPARE(c.rejectedBy[size_t(RejectReason::BadJson)], 1);
        QCOMPARE(int(e.batch().rejects.size()), Engine::kMaxRejectSamples);
    }

    void restoreKeyRebuildsDedupAfterRestart()
    {
        Engine e({ 60'000, LatePolicy::Drop, 300'000 });
        Counters none;
        e.restore(kT0 + 100'000, kT0 + 40'000, none, {}, 0);
        RawEvent raw;
        raw.status = RawStatus::Accepted;
        raw.timeMs = kT0 + 90'000;
        raw.adId = "ad1";
        raw.userId = "u1";
        raw.ip = "10.0.0.1";
        raw.country = "US";
        e.restoreKey(raw);
        e.onEvent(click(kT0 + 90'000, "ad1", "u1"));
        QCOMPARE(e.totals().duplicates, 1);
        QCOMPARE(e.totals().accepted, 0);
    }

    void countryPacking()
    {
        QCOMPARE(unpackCountry(packCountry("US")), std::string("US"));
        QCOMPARE(unpackCountry(packCountry("USA")), std::string("USA"));
        QVERIFY(packCountry("US") != packCountry("USA"));
    }
};

QTEST_GUILESS_MAIN(TestEngine)
#include "tst_engine.moc"
