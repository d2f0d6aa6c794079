// The rules of docs/semantics.md at their exact boundaries, one millisecond either side, for the
// file stream and for a Kafka partition stream: the horizon (time < W − H is beyond it), a kept key
// at the cutoff (still a duplicate), a pane ending at the watermark (final), the restart's key
// rebuild at the cutoff, and the dedup identity (every field of it matters, click_id alone if set).
// Each row would fail under a one-token slip of its rule (`<` ↔ `<=`, `>=` ↔ `>`, a dropped field).
#include "core/pipeline/dedup_set.h"
#include "core/pipeline/engine.h"
#include "raw_event_support.h"

#include <QtTest>

using namespace adclick::core;
using adclick::core::testing::rawOf;

namespace {

constexpr int64_t kT0 = 1'609'459'200'000; // 2021-01-01T00:00:00Z
constexpr int64_t kLateness = 60'000;
constexpr int64_t kHorizon = 300'000;
// The largest event time of every case: W = kMax − lateness, cutoff = W − H.
constexpr int64_t kMax = kT0 + 3'600'000; // 01:00
constexpr int64_t kW = kMax - kLateness;
constexpr int64_t kCutoff = kW - kHorizon;

ClickEvent click(int64_t t, std::string_view user, std::string_view clickId = {}, std::string_view ad = "ad1",
    std::string_view ip = "10.0.0.1")
{
    ClickEvent e;
    e.timeMs = t;
    e.adId = ad;
    e.userId = user;
    e.ip = ip;
    e.country = "US";
    e.clickId = clickId;
    return e;
}

//! One stream under test: the file stream or a Kafka partition of a fresh engine.
struct Subject {
    Engine engine;
    int stream = Engine::kFileStream;
    Subject(bool kafka, LatePolicy late)
        : engine({ kLateness, late, kHorizon })
    {
        if (kafka) stream = engine.addStream(kNoTime);
    }
    void feed(const ClickEvent& c)
    {
        QVERIFY(!engine.rejectsAsFuture(c.timeMs, stream));
        if (stream == Engine::kFileStream)
            engine.onEvent(c);
        else
            engine.onEvent(c, engine.identityOf(c), stream);
    }
};

void addStreamRows(const char* what, const std::vector<std::pair<const char*, int64_t>>& offsets)
{
    for (const bool kafka : { false, true })
        for (const auto& [name, offset] : offsets)
            QTest::addRow("%s, %s %s", kafka ? "partition" : "file", what, name) << kafka << offset;
}

} // namespace

class TestEngineBoundaries : public QObject {
    Q_OBJECT
private slots:
    // An event at W − H is still judged by dedup (and, final, applied late under --late update);
    // one millisecond older it is beyond the horizon: late, never applied, not remembered.
    void horizonIsExclusiveAtTheCutoff_data()
    {
        QTest::addColumn<bool>("kafka");
        QTest::addColumn<int64_t>("offset"); // event time − cutoff
        addStreamRows("event", { { "1 ms before W - H", -1 }, { "at W - H", 0 }, { "1 ms after W - H", 1 } });
    }
    void horizonIsExclusiveAtTheCutoff()
    {
        QFETCH(bool, kafka);
        QFETCH(int64_t, offset);
        Subject s(kafka, LatePolicy::Update);
        s.feed(click(kMax, "uM"));
        s.feed(click(kCutoff + offset, "uA"));
        s.feed(click(kCutoff + offset, "uA")); // its repeat
        const Counters c = s.engine.totals();
        const bool withinHorizon = offset >= 0;
        QCOMPARE(c.accepted, 1);
        QCOMPARE(c.lateApplied, withinHorizon ? 1 : 0);
        QCOMPARE(c.duplicates, withinHorizon ? 1 : 0); // beyond the horizon nothing is remembered
        QCOMPARE(c.late, withinHorizon ? 1 : 2);
    }

    // A kept key whose time is the cutoff still makes a repeat a duplicate; one millisecond older
    // it has expired and the repeat (same click_id, every other field changed) is new.
    void keptKeyAtTheCutoffIsStillADuplicate_data()
    {
        QTest::addColumn<bool>("kafka");
        QTest::addColumn<int64_t>("offset"); // kept key's time − cutoff
        addStreamRows("key", { { "1 ms before W - H", -1 }, { "at W - H", 0 }, { "1 ms after W - H", 1 } });
    }
    void keptKeyAtTheCutoffIsStillADuplicate()
    {
        QFETCH(bool, kafka);
        QFETCH(int64_t, offset);
        Subject s(kafka, LatePolicy::Drop);
        s.feed(click(kCutoff + offset, "uK", "click-K", "adK", "10.0.0.9"));
        s.feed(click(kMax, "uM"));
        // In an open pane (after W), so only the dedup verdict decides: accepted or duplicate.
        s.feed(click(kMax - 1000, "uX", "click-K", "adX", "10.0.0.8"));
        const Counters c = s.engine.totals();
        const bool kept = offset >= 0;
        QCOMPARE(c.duplicates, kept ? 1 : 0);
        QCOMPARE(c.accepted, kept ? 2 : 3);
        QCOMPARE(c.late, 0);
    }

    // A pane whose end equals the watermark is final: a click in it is late (applied under
    // --late update); while the watermark is one millisecond short of the end it is on time.
    void paneEndingAtTheWatermarkIsFinal_data()
    {
        QTest::addColumn<bool>("kafka");
        QTest::addColumn<int64_t>("offset"); // W − the pane's end
        addStreamRows("W",
            { { "1 ms before the pane end", -1 }, { "at the pane end", 0 },
                { "1 ms after the pane end", 1 } });
    }
    void paneEndingAtTheWatermarkIsFinal()
    {
        QFETCH(bool, kafka);
        QFETCH(int64_t, offset);
        const int64_t paneEnd = kT0 + 600'000; // pane 00:09 ends at 00:10
        Subject s(kafka, LatePolicy::Update);
        s.feed(click(paneEnd + offset + kLateness, "uM"));
        s.feed(click(paneEnd - 1, "uA")); // the last millisecond of pane 00:09
        const Counters c = s.engine.totals();
        const bool final = offset >= 0;
        QCOMPARE(c.late, final ? 1 : 0);
        QCOMPARE(c.lateApplied, final ? 1 : 0);
        QCOMPARE(c.accepted, final ? 1 : 2);
    }

    // Without a click_id the identity is (ad, time, user, ip): two clicks differing in any one of
    // them are two clicks; the country is not part of it. With a click_id only that counts.
    void identityTakesEveryField()
    {
        for (const bool kafka : { false, true }) {
            Subject s(kafka, LatePolicy::Drop);
            const int64_t t = kT0 + 1000;
            s.feed(click(t, "u1", {}, "ad1", "10.0.0.1"));
            s.feed(click(t, "u1", {}, "ad1", "10.0.0.2")); // only the ip differs
            s.feed(click(t, "u2", {}, "ad1", "10.0.0.1")); // only the user
            s.feed(click(t + 1, "u1", {}, "ad1", "10.0.0.1")); // only the time, by 1 ms
            s.feed(click(t, "u1", {}, "ad2", "10.0.0.1")); // only the ad
            QCOMPARE(s.engine.totals().accepted, 5);
            QCOMPARE(s.engine.totals().duplicates, 0);
            ClickEvent other = click(t, "u1", {}, "ad1", "10.0.0.1");
            other.country = "DE";
            s.feed(other); // only the country: the same click
            s.feed(click(t + 5, "u7", "id-1", "ad7", "10.0.0.7"));
            s.feed(click(t + 9, "u8", "id-1", "ad8", "10.0.0.8")); // same click_id, all else differs
            s.feed(click(t + 9, "u8", "id-2", "ad8", "10.0.0.8")); // only the click_id differs
            QCOMPARE(s.engine.totals().accepted, 7);
            QCOMPARE(s.engine.totals().duplicates, 2);
        }
    }

    // After a restart the keys are rebuilt from raw events at or after the cutoff of each stream:
    // a key exactly at the cutoff must come back (its repeat is a duplicate); one millisecond
    // older it has expired anyway, so its repeat is new.
    void restartRebuildsTheKeyAtTheCutoff_data()
    {
        QTest::addColumn<bool>("kafka");
        QTest::addColumn<int64_t>("offset"); // stored key's time − cutoff
        addStreamRows("key", { { "1 ms before W - H", -1 }, { "at W - H", 0 }, { "1 ms after W - H", 1 } });
    }
    void restartRebuildsTheKeyAtTheCutoff()
    {
        QFETCH(bool, kafka);
        QFETCH(int64_t, offset);
        Engine e({ kLateness, LatePolicy::Drop, kHorizon });
        // The stored state: largest event time kMax of the file stream; or of a partition that
        // trails another one by an hour (the database's watermark follows the faster one, as
        // after an idle advance), so the partition's own cutoff alone must bound the rebuild.
        const int64_t ahead = kafka ? 3'600'000 : 0;
        e.restore(kMax + ahead, kW + ahead, Counters {}, {}, 0);
        const int64_t since = kafka ? e.restoreSinceMs({ kMax + ahead, kMax }) : e.restoreSinceMs({});
        QCOMPARE(since, kCutoff);
        // What forEachRawSince(since) hands back: everything at or after `since`, plus (harmless)
        // an older event, which restoreKey must ignore on its own.
        const ClickEvent stored = click(kCutoff + offset, "uK", "click-K", "adK", "10.0.0.9");
        e.restoreKey(rawOf(stored), since);
        if (kafka) e.addStream(kMax + ahead);
        const int stream = kafka ? e.addStream(kMax) : Engine::kFileStream;
        const ClickEvent repeat = click(kMax - 1000, "uX", "click-K", "adX", "10.0.0.8"); // open pane
        if (kafka)
            e.onEvent(repeat, e.identityOf(repeat), stream);
        else
            e.onEvent(repeat);
        const bool kept = offset >= 0;
        QCOMPARE(e.totals().duplicates, kept ? 1 : 0);
        QCOMPARE(e.totals().accepted, kept ? 0 : 1);
    }

    // Late clicks within the horizon keep their key like accepted ones (applied under --late
    // update or dropped), so after a restart their repeats are still duplicates; a stored
    // duplicate brings back nothing of its own.
    void restartRebuildsTheKeysOfLateClicks_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("kept");
        QTest::newRow("accepted") << int(RawStatus::Accepted) << true;
        QTest::newRow("late, applied") << int(RawStatus::LateApplied) << true;
        QTest::newRow("late, dropped") << int(RawStatus::LateDropped) << true;
        QTest::newRow("duplicate") << int(RawStatus::Duplicate) << false;
    }
    void restartRebuildsTheKeysOfLateClicks()
    {
        QFETCH(int, status);
        QFETCH(bool, kept);
        Engine e({ kLateness, LatePolicy::Update, kHorizon });
        e.restore(kMax, kW, Counters {}, {}, 0);
        RawEvent raw = rawOf(click(kCutoff + 1000, "uK", "click-K"));
        raw.status = static_cast<RawStatus>(status);
        e.restoreKey(raw, e.restoreSinceMs({}));
        e.onEvent(click(kCutoff + 1000, "uK", "click-K")); // its repeat, in a final pane
        QCOMPARE(e.totals().duplicates, kept ? 1 : 0);
        QCOMPARE(e.totals().lateApplied, kept ? 0 : 1);
    }
};

QTEST_GUILESS_MAIN(TestEngineBoundaries)
#include "tst_engine_boundaries.moc"
