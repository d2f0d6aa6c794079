// Unit tests of the event-time logic (docs/semantics.md): dedup, watermark, late, horizon.
#include "core/base/hash128.h"
#include "core/pipeline/dedup_set.h"
#include "core/pipeline/engine.h"
#include "core/pipeline/raw_frame.h"
#include "raw_event_support.h"

#include <QtTest>

#include <algorithm>
#include <deque>
#include <map>
#include <random>
#include <tuple>

using namespace adclick::core;
using adclick::core::testing::rawOf;

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

//! What the ingest does with a parsed event: the future check, then the engine.
void feed(Engine& e, const ClickEvent& c, int stream = Engine::kFileStream)
{
    if (e.rejectsAsFuture(c.timeMs, stream))
        e.onReject(RejectReason::Future, "src", 0, "line");
    else if (stream == Engine::kFileStream)
        e.onEvent(c);
    else
        e.onEvent(c, e.identityOf(c), stream);
}

//! A raw event read back, owning its text (a decoder's views die with it).
struct StoredEvent {
    RawStatus status = RawStatus::Accepted;
    int64_t timeMs = 0;
    std::string adId, country, userId, ip, clickId;
    RawEvent view() const { return RawEvent { status, timeMs, adId, country, userId, ip, clickId }; }
};

//! The raw events of a batch's frames, in stored order: what a restart reads back.
std::vector<StoredEvent> storedEvents(std::string_view frames)
{
    std::vector<StoredEvent> out;
    RawFrameDecoder decoder;
    while (!frames.empty()) {
        RawFrameHeader h;
        if (frames.size() < kRawFrameHeaderBytes || !parseRawFrameHeader(frames.data(), h)) break;
        const std::string_view frame = frames.substr(0, h.frameBytes());
        bool stopped = false;
        if (!decoder.loadAds(h, frame) || !decoder.loadColumns(h, frame)
            || !decoder.forEach({}, stopped, [&](const RawEvent& e) {
                   out.push_back({ e.status, e.timeMs, std::string(e.adId), std::string(e.country),
                       std::string(e.userId), std::string(e.ip), std::string(e.clickId) });
                   return true;
               }))
            break;
        frames.remove_prefix(h.frameBytes());
    }
    return out;
}

//! The panes of a batch as sorted text, to compare two runs.
QString panesText(const Batch& b)
{
    std::map<uint32_t, QString> names; // interned ids depend on the order ads were first seen
    for (const auto& [id, name] : b.newAds)
        names[id] = QString::fromStdString(name);
    QStringList rows;
    for (const auto& [k, d] : b.panes.items())
        rows << QStringLiteral("%1/%2/%3: %4 %5")
                    .arg(k.minute)
                    .arg(names[k.ad])
                    .arg(k.country)
                    .arg(d.clicks)
                    .arg(d.late);
    rows.sort();
    return rows.join('\n');
}

//! Two partitions' events with late clicks and duplicates near the boundaries (lateness 60 s,
//! horizon 60 s): partition 1 trails partition 0.
struct TwoPartitions {
    std::vector<ClickEvent> p[2];
    TwoPartitions()
    {
        const int64_t m = kT0 + 600'000; // 00:10
        // Partition 0 runs ahead to 00:13.
        for (int64_t t : { m, m + 60'000, m + 120'000, m + 180'000 })
            p[0].push_back(click(t, "ad0", "u0"));
        // Partition 1: up to 00:12, then a click of pane 00:10 (final for it: W_1 = 00:11), one of
        // pane 00:11 (open for it), a repeat of 00:10:30 (its key is kept: cutoff 00:10) and one
        // 00:09:59 (beyond its horizon). With the minimum of the two, other verdicts would follow.
        for (int64_t t : { m + 30'000, m + 120'000, m + 50'000, m + 70'000, m + 30'000, m - 1'000 })
            p[1].push_back(click(t, "ad1", "u1"));
    }
};

int64_t lateOf(const Batch& b, int64_t minute)
{
    int64_t n = 0;
    for (const auto& [k, d] : b.panes.items())
        if (k.minute == minute && k.filterId == 0) n += d.late;
    return n;
}

//! Two partitions whose clicks share click ids: partition 0 runs three times faster, so it
//! re-keeps ids whose time partition 1 kept is below its own cutoff but not below partition 1's
//! (an identity then has two kept clicks at or after the restore's `since`). Disorder stays
//! within lateness + horizon, so every non-duplicate was kept in the dedup set.
struct SharedIds {
    std::vector<std::pair<int, ClickEvent>> events; //!< (partition, click)
    std::deque<std::string> text;
    explicit SharedIds(int n)
    {
        std::mt19937_64 rng(11);
        for (int i = 0; i < n; ++i) {
            const int p = int(rng() % 2);
            const int64_t t = kT0 + (p == 0 ? 3 : 1) * int64_t(i) * 50 - int64_t(rng() % 20'000);
            const std::string_view id = text.emplace_back("c" + std::to_string(rng() % 3000));
            events.push_back({ p, click(t, "ad1", "u1", id) });
        }
    }
};

//! What each fed event became, as its raw status.
RawStatus fedStatus(const Counters& before, const Counters& after)
{
    if (after.duplicates > before.duplicates) return RawStatus::Duplicate;
    return after.late > before.late ? RawStatus::LateDropped : RawStatus::Accepted;
}

//! The keys each of two streams can still meet, sorted (identity, time).
std::vector<std::tuple<int, uint64_t, uint64_t, int64_t>> keysOf(const Engine& e, int s0, int s1)
{
    std::vector<std::tuple<int, uint64_t, uint64_t, int64_t>> keys;
    for (const int s : { s0, s1 })
        e.forEachStreamKey(s, [&](const Hash128& k, int64_t t) { keys.emplace_back(s, k.lo, k.hi, t); });
    std::sort(keys.begin(), keys.end());
    return keys;
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

    // The batch's pane cells against an ordered map: minutes far apart, negative and alternating
    // (8 apart share a slot of the recent-tables cache), saved filters' cells beside the
    // unfiltered ones, ads whose names hash alike (one shared hash: every cell of a minute
    // probes past the others), tables grown many times, 100,000s of minutes of one or two cells,
    // and the map emptied and refilled.
    void paneDeltaMapMatchesAnOrderedMap()
    {
        using Key = std::tuple<uint32_t, int64_t, uint32_t, uint32_t>; // filter, minute, ad, country
        std::mt19937_64 rng(7);
        const int64_t minutes[]
            = { -3, -1, 0, 1, 9, 17, 26'824'333, 26'824'341, 26'824'349, int64_t(1) << 40 };
        PaneDeltaMap m;
        for (int round = 0; round < 4; ++round) {
            std::map<Key, PaneDelta> truth;
            const bool sameHash = round == 1, sparse = round == 3;
            for (int i = 0; i < 200'000; ++i) {
                // Mostly one busy minute at a time, as events in time order; a few stragglers. Or
                // (sparse) a quiet log over years: most minutes one cell, kept in the table itself.
                const int64_t minute = sparse ? int64_t(rng() % 300'000) - 150'000
                    : rng() % 10 == 0         ? minutes[rng() % std::size(minutes)]
                                              : minutes[6 + (i / 50'000) % 3];
                const PaneKey k { uint32_t(rng() % 4 == 0 ? 1 + rng() % 3 : 0), uint32_t(1 + rng() % 3000),
                    minute, packCountry(rng() % 2 ? "US" : "DE") + uint32_t(rng() % 5) };
                const uint64_t adHash = sameHash ? 42 : hash64(&k.ad, sizeof k.ad);
                if (i % 7 == 0) m.prefetch(adHash, minute, k.country, k.filterId);
                PaneDelta& d = m.at(k, adHash);
                const int64_t late = rng() % 3 == 0;
                d.clicks += 1;
                d.late += late;
                PaneDelta& t = truth[{ k.filterId, k.minute, k.ad, k.country }];
                t.clicks += 1;
                t.late += late;
            }
            QCOMPARE(m.size(), truth.size());
            const auto sorted = m.sortedItems();
            QCOMPARE(sorted.size(), truth.size());
            auto it = truth.begin();
            for (const auto& [k, d] : sorted) {
                QCOMPARE(Key(k.filterId, k.minute, k.ad, k.country), it->first);
                QCOMPARE(d.clicks, it->second.clicks);
                QCOMPARE(d.late, it->second.late);
                ++it;
            }
            auto unsorted = m.items();
            std::sort(unsorted.begin(), unsorted.end(), [](const auto& a, const auto& b) {
                return Key(a.first.filterId, a.first.minute, a.first.ad, a.first.country)
                    < Key(b.first.filterId, b.first.minute, b.first.ad, b.first.country);
            });
            QVERIFY(std::equal(unsorted.begin(), unsorted.end(), sorted.begin(), sorted.end(),
                [](const auto& a, const auto& b) {
                    return a.first == b.first && a.second.clicks == b.second.clicks;
                }));
            m.clear();
            QVERIFY(m.empty());
            QVERIFY(m.items().empty());
        }
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

    // Issue 14 (every live key survives growth and purges, the one exactly at the cutoff
    // included): tst_dedup_set covers it for the table that deletes expired keys in place.

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
        e.restoreKey(raw, e.dedupCutoffMs());
        e.onEvent(click(kT0 + 90'000, "ad1", "u1"));
        QCOMPARE(e.totals().duplicates, 1);
        QCOMPARE(e.totals().accepted, 0);
    }

    void partitionVerdictsDoNotDependOnInterleaving()
    {
        const TwoPartitions in;
        QString first;
        // Interleavings given as the partition of each next event: 0 first, 1 first, alternating.
        const std::vector<std::vector<int>> orders
            = { { 0, 0, 0, 0, 1, 1, 1, 1, 1, 1 }, { 1, 1, 1, 1, 1, 1, 0, 0, 0, 0 },
                  { 0, 1, 0, 1, 0, 1, 0, 1, 1, 1 }, { 1, 0, 1, 1, 0, 1, 0, 1, 0, 1 } };
        for (const auto& order : orders) {
            Engine e({ 60'000, LatePolicy::Drop, 60'000 });
            const int s0 = e.addStream(kNoTime), s1 = e.addStream(kNoTime);
            std::size_t next[2] = { 0, 0 };
            for (int p : order)
                feed(e, in.p[p][next[p]++], p == 0 ? s0 : s1);
            const Counters c = e.totals();
            QCOMPARE(c.lines, 10);
            QCOMPARE(c.accepted, 4 + 3); // partition 0: all; 1: 00:10:30, 00:12, 00:11:10
            QCOMPARE(c.late, 2); // 00:10:50 (pane final for partition 1) and 00:09:59 (beyond H)
            QCOMPARE(c.duplicates, 1);
            QCOMPARE(e.streamMaxEventMs(s1), kT0 + 720'000);
            const QString text = panesText(e.batch());
            if (first.isEmpty()) first = text;
            QCOMPARE(text, first);
        }
    }

    void slowPartitionKeepsItsKeysWhileAnotherGrowsTheTable()
    {
        // Partition 0 runs an hour ahead with thousands of keys (the table grows and drops old
        // keys several times); partition 1's own key must survive: its repeat is a duplicate.
        Engine e({ 60'000, LatePolicy::Drop, 300'000 });
        const int s0 = e.addStream(kNoTime), s1 = e.addStream(kNoTime);
        feed(e, click(kT0, "ad1", "u1"), s1);
        for (int i = 0; i < 20'000; ++i)
            feed(e, click(kT0 + 3'600'000 + i * 100, "ad0", "u" + std::to_string(i)), s0);
        feed(e, click(kT0, "ad1", "u1"), s1);
        QCOMPARE(e.totals().duplicates, 1);
        QCOMPARE(e.totals().accepted, 20'001);
        // Once partition 1 moves on, keys no partition needs any more are dropped again.
        feed(e, click(kT0 + 7'200'000, "ad1", "u1"), s1);
        for (int i = 20'000; i < 40'000; ++i)
            feed(e, click(kT0 + 3'600'000 + i * 100, "ad0", "u" + std::to_string(i)), s0);
        QVERIFY2(e.dedupKeys() < 20'000, std::to_string(e.dedupKeys()).c_str());
    }

    // A click too old for its own partition's dedup horizon is late and never keyed, so a copy of
    // it on a partition that trails far behind is judged on its own (whatever the interleaving).
    // A restart must rebuild the same keys: the stored too-old click must not come back as a key.
    void restartDoesNotKeyAClickThatWasTooOldForItsPartition()
    {
        const EngineConfig config { 60'000, LatePolicy::Drop, 300'000 };
        const ClickEvent tooOld = click(kT0 + 100'000, "adX", "uX", "cid-X");
        const ClickEvent copy = click(kT0 + 100'000, "adX", "uY", "cid-X"); // same click id
        Engine running(config);
        const int s0 = running.addStream(kNoTime), s1 = running.addStream(kNoTime);
        feed(running, click(kT0, "ad1", "u1"), s1);
        feed(running, click(kT0 + 3'600'000, "ad1", "u2"), s0);
        feed(running, tooOld, s0); // behind partition 0's W − H by ~an hour
        QCOMPARE(running.totals().late, 1);
        const std::vector<StoredEvent> stored = storedEvents(running.batch().raw.frames());
        QCOMPARE(int(stored.size()), 3);
        feed(running, copy, s1); // partition 1's pane 00:01 is open, its key unseen
        QCOMPARE(running.totals().accepted, 3);

        Engine restarted(config);
        restarted.restore(kT0 + 3'600'000, kT0 + 3'540'000, Counters {}, {}, 0);
        const int64_t since = restarted.restoreSinceMs({ kT0 + 3'600'000, kT0 });
        for (const StoredEvent& e : stored)
            restarted.restoreKey(e.view(), since);
        restarted.addStream(kT0 + 3'600'000);
        const int r1 = restarted.addStream(kT0);
        feed(restarted, copy, r1);
        QCOMPARE(restarted.totals().duplicates, 0);
        QCOMPARE(restarted.totals().accepted, 1);
    }

    // A restart restores the dedup keys from the raw events in whatever order they are stored
    // (the writer may store late clicks apart): the restored set equals the running engine's.
    void restoreDoesNotDependOnTheRawOrder()
    {
        const SharedIds in(40'000);
        const EngineConfig config { 60'000, LatePolicy::Drop, 300'000 };
        Engine a(config);
        const int a0 = a.addStream(kNoTime), a1 = a.addStream(kNoTime);
        std::vector<RawEvent> stored;
        int rekept = 0; // kept clicks of an identity kept before, at or after the cutoff of its stream
        for (const auto& [p, c] : in.events) {
            const Counters before = a.totals();
            feed(a, c, p == 0 ? a0 : a1);
            stored.push_back(rawOf(c, fedStatus(before, a.totals())));
        }
        std::map<std::string_view, int> kept;
        for (const RawEvent& r : stored)
            if (r.status != RawStatus::Duplicate && ++kept[r.clickId] == 2) ++rekept;
        QVERIFY(rekept > 100);
        const auto expected = keysOf(a, a0, a1);
        QVERIFY(expected.size() > 1000);

        std::mt19937_64 rng(5);
        for (int order = 0; order < 3; ++order) {
            std::vector<RawEvent> raw = stored;
            if (order == 1) std::reverse(raw.begin(), raw.end());
            if (order == 2) std::shuffle(raw.begin(), raw.end(), rng);
            Engine b(config);
            b.restore(a.maxEventMs(), a.watermarkMs(), Counters {}, {}, 0);
            const int64_t since = b.restoreSinceMs({ a.streamMaxEventMs(a0), a.streamMaxEventMs(a1) });
            for (const RawEvent& r : raw)
                b.restoreKey(r, since);
            const int b0 = b.addStream(a.streamMaxEventMs(a0)), b1 = b.addStream(a.streamMaxEventMs(a1));
            QVERIFY2(keysOf(b, b0, b1) == expected, qPrintable(QString::number(order)));
        }
    }

    void restartRestoresTheKeysOfTheSlowestPartition()
    {
        Engine e({ 60'000, LatePolicy::Drop, 300'000 });
        Counters none;
        // The database's watermark is far ahead (partition 0 idle), partition 1 at 00:10.
        e.restore(kT0 + 7'200'000, kT0 + 7'140'000, none, {}, 0);
        const int64_t since = e.restoreSinceMs({ kT0 + 7'200'000, kT0 + 600'000, kNoTime });
        QCOMPARE(since, kT0 + 600'000 - 60'000 - 300'000);
        RawEvent raw;
        raw.status = RawStatus::Accepted;
        raw.timeMs = kT0 + 500'000;
        raw.adId = "ad1";
        raw.userId = "u1";
        raw.ip = "10.0.0.1";
        raw.country = "US";
        e.restoreKey(raw, since);
        e.addStream(kT0 + 7'200'000);
        const int s1 = e.addStream(kT0 + 600'000);
        feed(e, click(kT0 + 500'000, "ad1", "u1"), s1); // its key came back from the raw events
        QCOMPARE(e.totals().duplicates, 1);
        // Judged by partition 1's own W (00:09), not by the database's (01:59).
        feed(e, click(kT0 + 510'000, "ad1", "u2"), s1); // pane 00:08: final for partition 1
        QCOMPARE(e.totals().late, 1);
        feed(e, click(kT0 + 550'000, "ad1", "u3"), s1); // pane 00:09: still open for it
        QCOMPARE(e.totals().accepted, 1);
    }

    void clicksBeyondTheWallClockBoundAreRejectedAndNeverMoveTheWatermark()
    {
        Engine e({ 60'000, LatePolicy::Drop, 300'000 });
        e.setFutureBound(kT0 + 3'600'000);
        feed(e, click(kT0, "ad1", "u1"));
        feed(e, click(253'402'214'400'000 - 1000, "ad1", "u2")); // 9999-12-31T23:59:59Z
        feed(e, click(kT0 + 3'600'001, "ad1", "u3"));
        feed(e, click(kT0 + 10'000, "ad1", "u4"));
        const Counters c = e.totals();
        QCOMPARE(c.accepted, 2);
        QCOMPARE(c.rejected, 2);
        QCOMPARE(c.rejectedBy[size_t(RejectReason::Future)], 2);
        QCOMPARE(e.maxEventMs(), kT0 + 10'000);
        QCOMPARE(e.watermarkMs(), kT0 + 10'000 - 60'000);
        // Kafka partitions are bounded by the wall clock alike.
        const int s = e.addStream(kNoTime);
        feed(e, click(kT0 + 7'200'000, "ad1", "u5"), s);
        QCOMPARE(e.totals().rejectedBy[size_t(RejectReason::Future)], 3);
        QCOMPARE(e.streamMaxEventMs(s), kNoTime);
    }

    void archiveJumpsNeedConfirmation()
    {
        constexpr int64_t kDay = 86'400'000;
        Engine e({ 60'000, LatePolicy::Drop, 300'000 });
        e.setJumpCheck(true, kDay);
        feed(e, click(kT0, "ad1", "u1"));
        // A lone outlier years ahead: rejected, the watermark stays; the next click clears it.
        feed(e, click(kT0 + 8 * 365 * kDay, "ad1", "u2"));
        QCOMPARE(e.jumpCandidateMs(), kT0 + 8 * 365 * kDay);
        QCOMPARE(e.batch().jumpCandidateMs, kT0 + 8 * 365 * kDay);
        feed(e, click(kT0 + 1000, "ad1", "u3"));
        QCOMPARE(e.jumpCandidateMs(), kNoTime);
        QCOMPARE(e.maxEventMs(), kT0 + 1000);
        // A quiet night (less than the bound) is no jump.
        feed(e, click(kT0 + 10 * 3'600'000, "ad1", "u4"));
        QCOMPARE(e.maxEventMs(), kT0 + 10 * 3'600'000);
        // A real gap of two days: its first click is rejected, the second confirms it.
        const int64_t later = kT0 + 10 * 3'600'000 + 2 * kDay;
        feed(e, click(later, "ad1", "u5"));
        QCOMPARE(e.maxEventMs(), kT0 + 10 * 3'600'000);
        feed(e, click(later + 5000, "ad1", "u6"));
        QCOMPARE(e.maxEventMs(), later + 5000);
        QCOMPARE(e.jumpCandidateMs(), kNoTime);
        // Two outliers far from each other confirm nothing.
        feed(e, click(later + 100 * kDay, "ad1", "u7"));
        feed(e, click(later + 200 * kDay, "ad1", "u8"));
        QCOMPARE(e.maxEventMs(), later + 5000);
        // A restarted engine continues the pending jump: the next click confirms it.
        Engine r({ 60'000, LatePolicy::Drop, 300'000 });
        r.restore(e.maxEventMs(), e.watermarkMs(), e.totals(), {}, 0);
        r.restoreJumpCandidate(e.jumpCandidateMs());
        r.setJumpCheck(true, kDay);
        feed(r, click(later + 200 * kDay + 1, "ad1", "u9"));
        QCOMPARE(r.maxEventMs(), later + 200 * kDay + 1);
        const Counters c = e.totals();
        QCOMPARE(c.rejectedBy[size_t(RejectReason::Future)], 4);
        QCOMPARE(c.accepted, 4);
        // Off for live sources: the same jump is taken at once.
        Engine live({ 60'000, LatePolicy::Drop, 300'000 });
        live.setJumpCheck(false, kDay);
        feed(live, click(kT0, "ad1", "u1"));
        feed(live, click(kT0 + 2 * kDay, "ad1", "u2"));
        QCOMPARE(live.maxEventMs(), kT0 + 2 * kDay);
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
