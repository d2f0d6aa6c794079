// The incremental top-N must equal a rescan of the panes in the window, at every step.
#include "core/pipeline/sliding_top_n.h"

#include <QtTest>

#include <algorithm>
#include <map>
#include <random>

using namespace adclick::core;

namespace {

using Panes = std::map<int64_t, std::map<std::string, int64_t>>;

std::vector<SlidingTopN::Entry> rescan(const Panes& panes, int64_t end, int window, std::size_t n)
{
    std::map<std::string, int64_t> sums;
    for (const auto& [minute, ads] : panes)
        if (minute >= end - window && minute < end)
            for (const auto& [ad, c] : ads)
                sums[ad] += c;
    std::vector<SlidingTopN::Entry> all;
    for (const auto& [ad, c] : sums)
        if (c > 0) all.push_back({ ad, c });
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
        return a.clicks != b.clicks ? a.clicks > b.clicks : a.adId < b.adId;
    });
    if (all.size() > n) all.resize(n);
    return all;
}

} // namespace

class TestSlidingTopN : public QObject {
    Q_OBJECT
private slots:
    void tiesGoToTheSmallerAdId()
    {
        SlidingTopN t(5);
        t.advanceTo(10);
        t.add(9, "ad2", 3);
        t.add(9, "ad1", 3);
        t.add(8, "ad3", 4);
        const auto top = t.top(3);
        QCOMPARE(top.size(), std::size_t(3));
        QCOMPARE(top[0], (SlidingTopN::Entry { "ad3", 4 }));
        QCOMPARE(top[1], (SlidingTopN::Entry { "ad1", 3 }));
        QCOMPARE(top[2], (SlidingTopN::Entry { "ad2", 3 }));
    }

    void openPanesWaitAndOldPanesLeave()
    {
        SlidingTopN t(2);
        t.advanceTo(10); // window [8, 10)
        t.add(10, "open", 100); // not final yet
        t.add(8, "a", 1);
        t.add(9, "b", 2);
        QCOMPARE(t.top(5).size(), std::size_t(2));
        t.advanceTo(11); // [9, 11): "a" leaves, "open" enters
        const auto top = t.top(5);
        QCOMPARE(top.size(), std::size_t(2));
        QCOMPARE(top[0], (SlidingTopN::Entry { "open", 100 }));
        QCOMPARE(top[1], (SlidingTopN::Entry { "b", 2 }));
        t.add(5, "ancient", 1000); // before the window: ignored
        QCOMPARE(t.top(1)[0].adId, std::string("open"));
    }

    void randomStreamEqualsRescan_data()
    {
        QTest::addColumn<int>("window");
        QTest::addColumn<int>("seed");
        for (int w : { 1, 3, 10 })
            for (int seed : { 1, 2, 3 })
                QTest::addRow("window %d seed %d", w, seed) << w << seed;
    }
    void randomStreamEqualsRescan()
    {
        QFETCH(int, window);
        QFETCH(int, seed);
        std::mt19937 rng(static_cast<unsigned>(seed));
        SlidingTopN t(window);
        Panes panes;
        int64_t end = 100;
        t.advanceTo(end);
        for (int step = 0; step < 3000; ++step) {
            const int action = int(rng() % 10);
            if (action == 0) {
                end += 1 + int64_t(rng() % 3);
                t.advanceTo(end);
            } else {
                const int64_t minute = end - window - 1 + int64_t(rng() % (window + 4));
                const std::string ad = "ad" + std::to_string(rng() % 30);
                const int64_t clicks = action == 1 ? -1 : 1 + int64_t(rng() % 3); // late corrections too
                if (clicks < 0 && panes[minute][ad] <= 0) continue; // never below zero, as in the engine
                t.add(minute, ad, clicks);
                if (minute >= end - window) panes[minute][ad] += clicks;
            }
            QCOMPARE(t.top(7), rescan(panes, end, window, 7));
        }
    }
};

QTEST_GUILESS_MAIN(TestSlidingTopN)
#include "tst_sliding_top_n.moc"
