// Unit tests of the dedup set's table (docs/semantics.md step 3): expiry exactly at the cutoff,
// deletion in place as the horizon moves (flat memory), growth sized from the rate, and an
// engine restored from its raw events agreeing with one that never stopped.
#include "core/pipeline/dedup_set.h"
#include "core/pipeline/engine.h"

#include <QtTest>

#include <algorithm>
#include <deque>
#include <random>

using namespace adclick::core;

namespace {

Hash128 key(uint64_t i)
{
    return Hash128 { i * 0x9E3779B97F4A7C15ull, i };
}

//! Keys 1..n at times 1..n are all found as duplicates with cutoff `cutoff` from `from` on.
bool allFound(DedupSet& s, uint64_t from, uint64_t to)
{
    for (uint64_t j = from; j <= to; ++j)
        if (!s.checkAndInsert(key(j), int64_t(j), int64_t(from))) return false;
    return true;
}

} // namespace

class TestDedupSet : public QObject {
    Q_OBJECT

private slots:
    void keyExactlyAtTheExpirySurvivesTheSweep()
    {
        DedupSet s;
        QVERIFY(!s.checkAndInsert(key(1), 999, INT64_MIN)); // 1 ms below the expiry set below
        QVERIFY(!s.checkAndInsert(key(2), 1000, INT64_MIN)); // exactly at it
        s.setExpiry(1000);
        // Keys that are expired as they come in: the sweep passes every slot many times.
        const std::size_t capacity = s.capacity();
        for (uint64_t i = 10; i < 10 + 8 * capacity; ++i)
            QVERIFY(!s.checkAndInsert(key(i), 500, 1000));
        QCOMPARE(s.capacity(), capacity);
        QVERIFY(s.size() < capacity / 2);
        QVERIFY(s.checkAndInsert(key(2), 1000, 1000)); // still kept: a duplicate
        // Key 1 was deleted: even a cutoff below its time cannot find it any more.
        QVERIFY(!s.checkAndInsert(key(1), 5000, INT64_MIN));
        QVERIFY(s.checkAndInsert(key(1), 5000, 1000));
    }

    void expiredKeysAreDeletedInPlace()
    {
        DedupSet s;
        for (uint64_t i = 1; i <= 600; ++i)
            QVERIFY(!s.checkAndInsert(key(i), int64_t(i), 0));
        const std::size_t capacity = s.capacity();
        s.setExpiry(601); // all of them expire
        for (uint64_t i = 1001; i <= 1600; ++i)
            QVERIFY(!s.checkAndInsert(key(i), int64_t(i), 601));
        QCOMPARE(s.capacity(), capacity); // slots reused, no growth
        QVERIFY(s.size() < 1200);
        QVERIFY(allFound(s, 1001, 1600));
    }

    // At a steady rate the table reaches its size within the first lifetimes and then neither
    // grows nor loses a key at or above the cutoff, the one exactly at it included.
    void steadyRateKeepsTheTableFlatAndEveryLiveKey()
    {
        DedupSet s;
        constexpr int64_t kLive = 20'000; // keys per lifetime (one key per ms)
        s.setKeyLifetime(kLive);
        std::size_t grows = 0, capacity = s.capacity();
        std::size_t settled = 0;
        for (uint64_t i = 1; i <= 20 * kLive; ++i) {
            const int64_t cutoff = std::max<int64_t>(1, int64_t(i) - kLive);
            s.setExpiry(cutoff);
            QVERIFY(!s.checkAndInsert(key(i), int64_t(i), cutoff));
            QVERIFY(s.size() * 4 <= s.capacity() * 3);
            if (s.capacity() != capacity) {
                ++grows;
                capacity = s.capacity();
                QVERIFY2(i < 3 * kLive, qPrintable(QString::number(i))); // only while warming up
                QVERIFY(allFound(s, uint64_t(cutoff), i));
            }
            if (i % (3 * kLive + 7) == 0) {
                QVERIFY(allFound(s, uint64_t(cutoff), i));
                QVERIFY(s.size() < std::size_t(kLive) + s.capacity() / 4 + 1);
                if (!settled) settled = s.capacity();
            }
        }
        QCOMPARE(s.capacity(), settled);
        QVERIFY2(grows <= 6, qPrintable(QString::number(grows))); // sized from the rate, not doubled
        QVERIFY2(s.capacity() < std::size_t(3 * kLive), qPrintable(QString::number(s.capacity())));
        // Below the cutoff: absent (whether swept yet or not).
        const int64_t cutoff = 19 * kLive;
        QVERIFY(!s.checkAndInsert(key(uint64_t(cutoff - 1)), 20 * kLive + 1, cutoff));
    }

    // Growth with nothing expired keeps every key; growth while some keys are expired drops
    // exactly those (the size right after it is the live keys).
    void growthKeepsLiveKeysAndDropsExpired()
    {
        DedupSet s;
        std::size_t capacity = s.capacity();
        int grows = 0;
        for (uint64_t i = 1; i <= 40'000; ++i) {
            QVERIFY(!s.checkAndInsert(key(i), int64_t(i), 0));
            if (s.capacity() == capacity) continue;
            capacity = s.capacity();
            ++grows;
            QCOMPARE(s.size(), std::size_t(i));
            QVERIFY(allFound(s, 1, i));
        }
        QVERIFY(grows >= 4);
        // Now expire the first quarter and add keys until the table grows once more.
        s.setExpiry(10'001);
        uint64_t i = 40'000;
        while (s.capacity() == capacity) {
            ++i;
            QVERIFY(!s.checkAndInsert(key(i), int64_t(i), 10'001));
        }
        QVERIFY(s.size() <= i - 10'000); // no expired key was copied, some were swept before
        QVERIFY(allFound(s, 10'001, i));
        QVERIFY(!s.checkAndInsert(key(10'000), int64_t(i + 1), 10'001));
    }

    // A restore keeps the largest time of a key, whichever order its clicks come back in.
    void restoreKeepsTheLargestTime()
    {
        for (const bool ascending : { true, false }) {
            DedupSet s;
            s.restore(key(1), ascending ? 100 : 500);
            s.restore(key(1), ascending ? 500 : 100);
            s.restore(key(2), 300);
            QCOMPARE(s.size(), std::size_t(2));
            QVERIFY(s.checkAndInsert(key(1), 600, 500)); // held at 500: a duplicate at cutoff 500
            QVERIFY(!s.checkAndInsert(key(2), 600, 301)); // 300 is below the cutoff: new again
        }
    }

    void restoredEngineAgreesWithOneThatNeverStopped();
};

namespace {

struct Replay {
    std::vector<ClickEvent> events;
    std::deque<std::string> text; // storage of the events' strings
};

//! Clicks at 50 per second of event time with up to 5 s of disorder, exact repeats of earlier
//! clicks, and clicks with a click_id repeated (with a new time) exactly when the dedup cutoff
//! W − H is 1 ms before, at, or 1 ms after the first one's time (a pacer click sets W exactly).
Replay makeReplay(int64_t t0, int n, int64_t horizonMs, int64_t latenessMs)
{
    Replay r;
    std::mt19937_64 rng(7);
    struct Planted {
        int64_t repeatAtMax; //!< the largest event time that makes W − H = its time + offset
        std::string_view clickId;
    };
    std::deque<Planted> planted;
    int64_t maxT = t0;
    auto push = [&](const ClickEvent& e) {
        r.events.push_back(e);
        maxT = std::max(maxT, e.timeMs);
    };
    auto str = [&](std::string s) -> std::string_view { return r.text.emplace_back(std::move(s)); };
    for (int i = 0; r.events.size() < std::size_t(n); ++i) {
        const int64_t next = t0 + i * 20;
        if (!planted.empty() && planted.front().repeatAtMax <= next) {
            const Planted p = planted.front();
            planted.pop_front();
            if (p.repeatAtMax > maxT) {
                ClickEvent pacer { p.repeatAtMax, "ad3", str("pacer" + std::to_string(i)), "10.0.0.2", "DE",
                    {} };
                push(pacer);
                ClickEvent repeat { p.repeatAtMax, "ad1", "u-repeat", "10.0.0.3", "US", p.clickId };
                push(repeat);
            }
        }
        ClickEvent e;
        if (i > 100 && rng() % 8 == 0) {
            e = r.events[std::size_t(rng() % uint64_t(r.events.size()))]; // an exact repeat
        } else {
            e.timeMs = next - int64_t(rng() % 5000);
            e.adId = (rng() % 2) ? "ad1" : "ad2";
            e.userId = str("u" + std::to_string(rng() % 5000));
            e.ip = "10.0.0.1";
            e.country = "US";
            if (rng() % 16 == 0) {
                e.clickId = str("c" + std::to_string(i));
                const int64_t offset = int64_t(rng() % 3) - 1;
                planted.push_back({ e.timeMs + offset + horizonMs + latenessMs, e.clickId });
                std::sort(planted.begin(), planted.end(),
                    [](const Planted& a, const Planted& b) { return a.repeatAtMax < b.repeatAtMax; });
            }
        }
        push(e);
    }
    r.events.resize(std::size_t(n));
    return r;
}

struct Observed {
    RawStatus status;
    ClickEvent event;
};

//! Feeds `events` to `e`, returning each event with what it became.
std::vector<Observed> run(Engine& e, const std::vector<ClickEvent>& events)
{
    std::vector<Observed> out;
    for (const ClickEvent& c : events) {
        const Counters before = e.totals();
        e.onEvent(c);
        const Counters after = e.totals();
        RawStatus st = RawStatus::Accepted;
        if (after.duplicates > before.duplicates)
            st = RawStatus::Duplicate;
        else if (after.late > before.late)
            st = RawStatus::LateDropped;
        out.push_back({ st, c });
    }
    return out;
}

} // namespace

void TestDedupSet::restoredEngineAgreesWithOneThatNeverStopped()
{
    constexpr int64_t kT0 = 1'609'459'200'000, kH = 60'000, kL = 5'000;
    const Replay r = makeReplay(kT0, 200'000, kH, kL);
    const EngineConfig config { kL, LatePolicy::Drop, kH };
    for (const std::size_t stop : { std::size_t(50'000), std::size_t(123'457) }) {
        const std::vector<ClickEvent> first(r.events.begin(), r.events.begin() + std::ptrdiff_t(stop));
        const std::vector<ClickEvent> second(r.events.begin() + std::ptrdiff_t(stop), r.events.end());
        Engine a(config);
        const std::vector<Observed> stored = run(a, first);
        const auto ads = a.batch().newAds;
        a.batchCommitted();
        const std::vector<Observed> aRest = run(a, second);

        Engine b(config);
        // The state a store gives back: the largest event time and watermark of the first part.
        int64_t maxT = kNoTime;
        for (const Observed& o : stored)
            maxT = std::max(maxT, o.event.timeMs);
        b.restore(maxT, maxT - kL, {}, ads, 0);
        const int64_t since = b.restoreSinceMs({});
        for (const Observed& o : stored) {
            RawEvent raw;
            raw.status = o.status;
            raw.timeMs = o.event.timeMs;
            raw.adId = o.event.adId;
            raw.userId = o.event.userId;
            raw.ip = o.event.ip;
            raw.country = o.event.country;
            raw.clickId = o.event.clickId;
            b.restoreKey(raw, since);
        }
        const std::vector<Observed> bRest = run(b, second);
        QCOMPARE(bRest.size(), aRest.size());
        int duplicates = 0, edgeRepeats = 0, edgeDuplicates = 0;
        for (std::size_t i = 0; i < aRest.size(); ++i) {
            QVERIFY2(aRest[i].status == bRest[i].status, qPrintable(QString::number(stop + i)));
            const bool duplicate = aRest[i].status == RawStatus::Duplicate;
            duplicates += duplicate;
            if (aRest[i].event.userId == "u-repeat") {
                ++edgeRepeats;
                edgeDuplicates += duplicate;
            }
        }
        // The replay does exercise the set, and both sides of the cutoff (2 of 3 edge repeats
        // are duplicates: their first click is at or above the cutoff).
        QVERIFY(duplicates > 1000);
        QVERIFY2(
            edgeRepeats > 300 && edgeDuplicates > edgeRepeats / 2 && edgeDuplicates < edgeRepeats * 4 / 5,
            qPrintable(QStringLiteral("%1 of %2").arg(edgeDuplicates).arg(edgeRepeats)));
        QVERIFY(a.dedupKeys() < 40'000); // and the set deleted expired keys as it went
    }
}

QTEST_APPLESS_MAIN(TestDedupSet)
#include "tst_dedup_set.moc"
