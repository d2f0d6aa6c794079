// The partitions of a Kafka source without a broker: positions continued from the store, the
// offsets handed to the consumer, and the watermark minimum with its idle and end rules.
#include "core/ingest/kafka_partitions.h"

#include <QtTest>

#include <optional>
#include <vector>

using namespace adclick::core;

namespace {

constexpr int64_t kIdleMs = 30'000;

SourcePosition stored(int64_t id, const std::string& uri, uint64_t offset, int64_t maxEventMs)
{
    SourcePosition p;
    p.id = id;
    p.uri = uri;
    p.offset = offset;
    p.maxEventMs = maxEventMs;
    return p;
}

//! `count` partitions of topic "t", none read before.
KafkaPartitions freshPartitions(int count)
{
    KafkaPartitions parts("t", ParserOptions { LineFormat::Jsonl, {}, {} }, kIdleMs);
    int64_t nextId = 1;
    std::vector<SourceReport> reports;
    parts.add(count, {}, nextId, reports);
    return parts;
}

} // namespace

class TestKafkaPartitions : public QObject {
    Q_OBJECT
private slots:
    void addContinuesStoredPartitionsAndNumbersNewOnes()
    {
        KafkaPartitions parts("clicks", ParserOptions { LineFormat::Jsonl, {}, {} }, kIdleMs);
        const std::vector<SourcePosition> known
            = { stored(4, "kafka:clicks/1", 120, 5000), stored(9, "kafka:other/0", 7, 1) };
        int64_t nextId = 10;
        std::vector<SourceReport> reports(1); // a file source came first
        parts.add(3, known, nextId, reports);

        QCOMPARE(parts.size(), std::size_t(3));
        QCOMPARE(nextId, int64_t(12));
        const auto& all = parts.all();
        QCOMPARE(all[0].pos.id, int64_t(10));
        QCOMPARE(all[0].pos.uri, std::string("kafka:clicks/0"));
        QCOMPARE(all[0].pos.offset, uint64_t(0));
        QCOMPARE(all[1].pos.id, int64_t(4));
        QCOMPARE(all[1].pos.offset, uint64_t(120));
        QCOMPARE(all[1].pos.maxEventMs, int64_t(5000));
        QCOMPARE(all[2].pos.id, int64_t(11));
        QCOMPARE(all[2].parser.format(), LineFormat::Jsonl);
        QCOMPARE(reports.size(), std::size_t(4));
        QCOMPARE(all[1].report, std::size_t(2));
        QCOMPARE(reports[2].path, std::string("kafka:clicks/1"));
        QCOMPARE(reports[2].resumedFrom, uint64_t(120));
        QCOMPARE(reports[2].offset, uint64_t(120));

        QCOMPARE(all[1].parser.state(), std::string()); // stored by an older version: a fresh parser

        // A partition continues under the CSV header its messages had before (issue 9, defect 1).
        KafkaPartitions csv("clicks", ParserOptions { LineFormat::Auto, {}, {} }, kIdleMs);
        std::vector<SourcePosition> withHeader = known;
        withHeader[0].parserState = "user_id,ad_id,timestamp,ip,country";
        int64_t csvId = 10;
        std::vector<SourceReport> csvReports;
        csv.add(2, withHeader, csvId, csvReports);
        QCOMPARE(csv.all()[1].parser.state(), *withHeader[0].parserState);
        ClickEvent e;
        LineParser& p1 = csv.find(1)->parser;
        QCOMPARE(p1.parse("bob,ad7,1609459201000,::1,us", e).kind, LineKind::Event);
        QCOMPARE(std::string(e.adId), std::string("ad7"));
        QCOMPARE(csv.all()[0].parser.state(), std::string());

        // The topic grew: only the new partitions are added.
        parts.add(4, known, nextId, reports);
        QCOMPARE(parts.size(), std::size_t(4));
        QCOMPARE(parts.all()[3].pos.uri, std::string("kafka:clicks/3"));
        QCOMPARE(nextId, int64_t(13));
        parts.add(2, known, nextId, reports);
        QCOMPARE(parts.size(), std::size_t(4));
    }

    void findKnowsOnlyTheCountedPartitions()
    {
        KafkaPartitions parts("t", ParserOptions { LineFormat::Csv, {}, {} }, kIdleMs);
        int64_t nextId = 1;
        std::vector<SourceReport> reports;
        parts.add(2, {}, nextId, reports);
        QVERIFY(parts.find(0) == &parts.all()[0]);
        QVERIFY(parts.find(1) == &parts.all()[1]);
        QVERIFY(parts.find(2) == nullptr);
        QVERIFY(parts.find(-1) == nullptr);
    }

    void offsetsForTheConsumer()
    {
        KafkaPartitions parts("t", ParserOptions { LineFormat::Jsonl, {}, {} }, kIdleMs);
        // A partition with a stored position (an offset or an event time) starts there; one never
        // read (partition 2) is left out: it starts at the beginning of its log. The group only
        // hears of partitions with an offset.
        const std::vector<SourcePosition> known
            = { stored(1, "kafka:t/0", 50, 10), stored(2, "kafka:t/1", 0, 20) };
        int64_t nextId = 3;
        std::vector<SourceReport> reports;
        parts.add(3, known, nextId, reports);
        QCOMPARE(parts.startOffsets(), (std::map<int32_t, int64_t> { { 0, 50 }, { 1, 0 } }));
        QCOMPARE(parts.nextOffsets(), (std::map<int32_t, int64_t> { { 0, 50 } }));
    }

    void atEndIsCountedOncePerPartition()
    {
        KafkaPartitions parts("t", ParserOptions { LineFormat::Jsonl, {}, {} }, kIdleMs);
        int64_t nextId = 1;
        std::vector<SourceReport> reports;
        parts.add(2, {}, nextId, reports);
        QVERIFY(!parts.allAtEnd());
        parts.setAtEnd(*parts.find(0), true);
        parts.setAtEnd(*parts.find(0), true);
        QVERIFY(!parts.allAtEnd());
        parts.setAtEnd(*parts.find(1), true);
        QVERIFY(parts.allAtEnd());
        parts.setAtEnd(*parts.find(0), false);
        QVERIFY(!parts.allAtEnd());
        parts.add(3, {}, nextId, reports); // a new partition is not at its end
        parts.setAtEnd(*parts.find(0), true);
        QVERIFY(!parts.allAtEnd());
    }

    void theMinimumWaitsForEveryPartition()
    {
        KafkaPartitions parts = freshPartitions(2);
        int64_t now = 1'000'000;
        QCOMPARE(parts.updateLow(now), std::optional<int64_t>()); // no data anywhere
        parts.noteEventTime(*parts.find(0), 5000);
        QCOMPARE(parts.updateLow(now += KafkaPartitions::kIdleCheckMs), std::optional<int64_t>());
        parts.noteEventTime(*parts.find(1), 7000);
        QCOMPARE(parts.updateLow(now += KafkaPartitions::kIdleCheckMs), std::optional<int64_t>(5000));
        // An older event does not move a partition back.
        parts.noteEventTime(*parts.find(0), 4000);
        QCOMPARE(parts.all()[0].pos.maxEventMs, int64_t(5000));
    }

    void theMinimumIsComputedAgainOnlyWhenItCanChange()
    {
        KafkaPartitions parts = freshPartitions(2);
        const int64_t now = 1'000'000;
        parts.noteEventTime(*parts.find(0), 5000);
        parts.noteEventTime(*parts.find(1), 7000);
        QCOMPARE(parts.updateLow(now), std::optional<int64_t>(5000));
        QCOMPARE(parts.updateLow(now + 1), std::optional<int64_t>()); // nothing changed
        parts.noteEventTime(*parts.find(1), 9000); // not the one holding the minimum
        QCOMPARE(parts.updateLow(now + 2), std::optional<int64_t>());
        parts.noteEventTime(*parts.find(0), 8000); // the one holding it
        QCOMPARE(parts.updateLow(now + 3), std::optional<int64_t>(8000));
        // The periodic idle check computes it again in any case.
        QCOMPARE(parts.updateLow(now + 3 + KafkaPartitions::kIdleCheckMs), std::optional<int64_t>(8000));
    }

    void anIdlePartitionAtItsEndStopsHoldingTheMinimum()
    {
        KafkaPartitions parts = freshPartitions(2);
        int64_t now = 1'000'000;
        KafkaPartitions::Partition& quiet = *parts.find(0);
        parts.noteEventTime(quiet, 5000);
        quiet.lastMessageMs = now;
        parts.noteEventTime(*parts.find(1), 9000);
        parts.setAtEnd(quiet, true);
        QCOMPARE(parts.updateLow(now), std::optional<int64_t>(5000)); // at its end, not yet idle
        now += kIdleMs;
        QCOMPARE(parts.updateLow(now), std::optional<int64_t>(9000));
        // Every partition idle: nothing is computed, the watermark stays where it is.
        parts.setAtEnd(*parts.find(1), true);
        now += kIdleMs;
        QCOMPARE(parts.updateLow(now), std::optional<int64_t>());
        // A message again: the partition holds the minimum again.
        parts.setAtEnd(quiet, false);
        QCOMPARE(parts.updateLow(now + 1), std::optional<int64_t>(5000));
    }
};

QTEST_GUILESS_MAIN(TestKafkaPartitions)
#include "tst_kafka_partitions.moc"
