// A cluster worker's partition checkpoint (core/cluster/checkpoint.h, docs/SCALING.md
// "Checkpoints"): an engine restored from a checkpoint taken at a unit boundary must publish
// exactly the units the engine that never stopped publishes from there on (the differential
// test), and a checkpoint is taken whole or not at all (its chunks, its reference).
#include "core/cluster/checkpoint.h"
#include "core/input/line_parser.h"
#include "core/pipeline/engine.h"

#include <QtTest>

#include <algorithm>
#include <map>
#include <optional>
#include <random>

using namespace adclick::core;

namespace {

constexpr int64_t kT0 = 1'609'459'200'000; // 2021-01-01T00:00:00Z
constexpr int kUnitLines = 97; // lines per unit: boundaries fall anywhere

//! A partition's messages: CSV with a header of its own column order (the parser must carry it
//! across a checkpoint), clicks mostly in order with late ones (some beyond the dedup horizon),
//! exact repeats (duplicates), click ids on some, and malformed lines past the reject-sample cap.
std::vector<std::string> partitionLines()
{
    std::mt19937_64 rng(20261204);
    std::vector<std::string> lines { "country,user_id,click_timestamp,ad_id,ip,click_id" };
    int64_t t = kT0;
    for (int i = 0; i < 6000; ++i) {
        t += static_cast<int64_t>(rng() % 400);
        const uint64_t r = rng() % 100;
        if (r < 8 && lines.size() > 400) {
            lines.push_back(lines[lines.size() - 1 - rng() % 400]); // a duplicate (of a reject, too)
            continue;
        }
        if (r < 28) {
            lines.push_back("not,a,click"); // a reject: more than the engine keeps samples of
            continue;
        }
        int64_t at = t;
        if (r < 34) at -= 30'000 + static_cast<int64_t>(rng() % 400'000); // late, some beyond the horizon
        const std::string id = r % 3 == 0 ? "c" + std::to_string(i) : "";
        lines.push_back(std::string(r % 2 ? "US" : "KR") + ",u" + std::to_string(rng() % 50) + ","
            + std::to_string(at) + ",ad" + std::to_string(rng() % 7) + ",10.0.0." + std::to_string(rng() % 9)
            + "," + id);
    }
    return lines;
}

//! One worker's engine for one partition, as core/cluster/worker.cpp runs it.
struct PartitionRun {
    std::unique_ptr<Engine> engine;
    LineParser parser { ParserOptions { LineFormat::Csv, {}, {} } };
    int stream = 0;
    std::map<uint32_t, std::string> ads;
    QStringList units;

    explicit PartitionRun(const EngineConfig& config)
        : engine(std::make_unique<Engine>(config))
    {
        stream = engine->addStream(kNoTime);
    }

    void count(const std::string& line, uint64_t offset)
    {
        ClickEvent e;
        const ParseOutcome out = parser.parse(line, e);
        if (out.kind == LineKind::Event)
            engine->onEvent(e, engine->identityOf(e), stream);
        else if (out.kind == LineKind::Rejected)
            engine->onReject(out.reason, "kafka:t/0", offset, line);
    }

    //! The unit the worker would publish, as text, then the batch is dropped.
    void publish()
    {
        Batch& b = engine->batch();
        for (const auto& [id, name] : b.newAds)
            ads[id] = name;
        QStringList rows;
        for (const auto& [k, d] : b.panes.items())
            rows << QStringLiteral("pane %1/%2/%3: %4 %5")
                        .arg(k.minute)
                        .arg(QString::fromStdString(ads[k.ad]))
                        .arg(k.country)
                        .arg(d.clicks)
                        .arg(d.late);
        for (const auto& [minute, m] : b.minutes)
            rows << QStringLiteral("minute %1: %2 %3 %4")
                        .arg(minute)
                        .arg(m.accepted)
                        .arg(m.duplicates)
                        .arg(m.late);
        for (const RejectSample& s : b.rejects)
            rows << QStringLiteral("reject %1 %2").arg(s.offset).arg(static_cast<int>(s.reason));
        rows.sort();
        const Counters& c = b.counters;
        rows << QStringLiteral("counters %1 %2 %3 %4 %5 %6 max %7")
                    .arg(c.lines)
                    .arg(c.accepted)
                    .arg(c.duplicates)
                    .arg(c.late)
                    .arg(c.lateApplied)
                    .arg(c.rejected)
                    .arg(engine->streamMaxEventMs(stream));
        units << rows.join('\n');
        engine->batchCommitted();
    }

    void run(const std::vector<std::string>& lines, std::size_t from, std::size_t to)
    {
        for (std::size_t i = from; i < to; ++i) {
            count(lines[i], i);
            if ((i + 1) % kUnitLines == 0) publish();
        }
        if (engine->batch().events() > 0 || engine->batch().counters.rejected > 0) publish();
    }
};

//! Chunks as a state partition would hold them: shuffled, one delivered twice, others' between.
std::vector<std::string> asDelivered(std::vector<std::string> chunks)
{
    std::mt19937 rng(7);
    chunks.push_back(chunks.front());
    std::shuffle(chunks.begin(), chunks.end(), rng);
    chunks.insert(chunks.begin() + 1, "ACU1 a unit, not a chunk");
    return chunks;
}

//! Encodes `c`, then reads it back from the chunks as delivered; nullopt when a chunk was refused
//! or the checkpoint did not complete.
std::optional<PartitionCheckpoint> roundTrip(const PartitionCheckpoint& c, std::size_t chunkBytes)
{
    const uint64_t nonce = 42;
    const std::vector<std::string> chunks = encodeCheckpoint(c, nonce, chunkBytes);
    CheckpointRef ref;
    ref.chunks = chunks.size();
    ref.nonce = nonce;
    ref.offset = c.offset;
    ref.last = 100'000;
    // Another checkpoint of the same partition and offset (another nonce) in between changes nothing.
    const std::vector<std::string> other = encodeCheckpoint(c, nonce + 1, chunkBytes);
    CheckpointAssembler a(ref, c.topic, c.partition);
    for (const std::string& m : asDelivered(chunks))
        if (!a.add(m) || !a.add(other.back())) return std::nullopt;
    auto out = a.take();
    if (!out) return std::nullopt;
    return std::move(*out);
}

} // namespace

class TestCheckpoint : public QObject {
    Q_OBJECT

private slots:
    //! Stop at a unit boundary, checkpoint, restore into a new engine and parser, continue: the
    //! units from there on equal those of the run that never stopped, at every kind of boundary.
    void restoredEngineContinuesExactly_data()
    {
        QTest::addColumn<int>("units");
        QTest::addColumn<bool>("updateLate");
        QTest::addColumn<int>("chunkBytes");
        QTest::newRow("after the first unit") << 1 << false << 256 * 1024;
        QTest::newRow("early, many small chunks") << 5 << false << 200;
        QTest::newRow("middle") << 31 << false << 4096;
        QTest::newRow("middle, --late update") << 31 << true << 4096;
        QTest::newRow("late, past the reject-sample cap") << 58 << false << 1000;
    }
    void restoredEngineContinuesExactly()
    {
        QFETCH(int, units);
        QFETCH(bool, updateLate);
        QFETCH(int, chunkBytes);
        const std::vector<std::string> lines = partitionLines();
        EngineConfig config;
        config.late = updateLate ? LatePolicy::Update : LatePolicy::Drop;

        PartitionRun whole(config);
        whole.run(lines, 0, lines.size());

        const std::size_t b = static_cast<std::size_t>(units) * kUnitLines;
        QVERIFY(b < lines.size());
        PartitionRun before(config);
        before.run(lines, 0, b);
        const PartitionCheckpoint taken
            = captureCheckpoint(*before.engine, before.stream, before.parser, "t", 0, b);
        QVERIFY(!taken.keys.empty());
        QVERIFY(!taken.parserState.empty()); // the CSV header
        const auto read = roundTrip(taken, static_cast<std::size_t>(chunkBytes));
        QVERIFY(read);
        QCOMPARE(read->keys.size(), taken.keys.size());
        QCOMPARE(read->offset, b);
        QCOMPARE(read->parserState, taken.parserState);

        PartitionRun after(config);
        after.stream = restoreCheckpoint(*read, *after.engine, after.parser);
        after.run(lines, b, lines.size());
        QCOMPARE(before.units.size(), units);
        const QStringList expected = whole.units.mid(units);
        QCOMPARE(after.units.size(), expected.size());
        for (int i = 0; i < expected.size(); ++i)
            QCOMPARE(after.units[i], expected[i]);
        // The totals continue too (the worker reports them).
        QCOMPARE(after.engine->totals().lines, whole.engine->totals().lines);
        QVERIFY(whole.engine->totals().rejected > Engine::kMaxRejectSamples);
        QVERIFY(whole.engine->totals().late > 100);
        QVERIFY(whole.engine->totals().duplicates > 100);
    }

    //! Without the checkpoint's keys and watermark the same continuation differs: the test above
    //! can fail.
    void anEmptyStateDiffers()
    {
        const std::vector<std::string> lines = partitionLines();
        PartitionRun whole(EngineConfig {});
        whole.run(lines, 0, lines.size());
        PartitionRun before(EngineConfig {});
        before.run(lines, 0, 31 * kUnitLines);
        PartitionCheckpoint taken
            = captureCheckpoint(*before.engine, before.stream, before.parser, "t", 0, 31 * kUnitLines);
        taken.keys.clear();
        PartitionRun after(EngineConfig {});
        after.stream = restoreCheckpoint(taken, *after.engine, after.parser);
        after.run(lines, 31 * kUnitLines, lines.size());
        QVERIFY(after.units != whole.units.mid(31));
    }

    //! A checkpoint with a chunk missing or damaged is never taken in part.
    void incompleteOrDamagedIsRefused()
    {
        const std::vector<std::string> lines = partitionLines();
        PartitionRun run(EngineConfig {});
        run.run(lines, 0, 20 * kUnitLines);
        const PartitionCheckpoint c
            = captureCheckpoint(*run.engine, run.stream, run.parser, "t", 3, 20 * kUnitLines);
        std::vector<std::string> chunks = encodeCheckpoint(c, 9, 512);
        QVERIFY(chunks.size() > 3);
        CheckpointRef ref;
        ref.chunks = chunks.size();
        ref.nonce = 9;
        ref.offset = c.offset;
        ref.last = 1000;

        CheckpointAssembler missing(ref, "t", 3);
        for (std::size_t i = 0; i + 1 < chunks.size(); ++i)
            QVERIFY(missing.add(chunks[i]));
        QVERIFY(!missing.complete());
        QVERIFY(!missing.take());

        std::string damaged = chunks[2];
        damaged[damaged.size() - 5] ^= 0x40;
        CheckpointAssembler bad(ref, "t", 3);
        const Status st = bad.add(damaged);
        QVERIFY(!st);
        QVERIFY2(st.message().find("damaged") != std::string::npos, st.message().c_str());

        // Another partition's, another topic's or another offset's chunks are not this one's.
        CheckpointAssembler other(ref, "t", 4);
        for (const std::string& m : chunks)
            QVERIFY(other.add(m));
        QVERIFY(!other.complete());
        ref.offset += 1;
        CheckpointAssembler later(ref, "t", 3);
        for (const std::string& m : chunks)
            QVERIFY(later.add(m));
        QVERIFY(!later.complete());
        // A reference claiming more chunks than its offset range holds cannot complete.
        ref.offset -= 1;
        ref.last = static_cast<int64_t>(chunks.size()) - 2;
        CheckpointAssembler narrow(ref, "t", 3);
        for (const std::string& m : chunks)
            (void)narrow.add(m); // the chunk beyond the range is refused as damaged
        QVERIFY(!narrow.take());
    }

    void referenceRoundTripAndGarbage()
    {
        CheckpointRef r;
        r.stateTopic = "ad_state";
        r.statePartition = 3;
        r.first = 120;
        r.last = 131;
        r.chunks = 12;
        r.nonce = 18'446'744'073'709'551'615ull;
        r.offset = 4'000'000'000;
        r.aggregateFrom = 77;
        const std::string text = formatCheckpointRef(r);
        const auto back = parseCheckpointRef(text);
        QVERIFY(back);
        QCOMPARE(formatCheckpointRef(*back), text);
        QCOMPARE(back->nonce, r.nonce);
        QCOMPARE(back->offset, r.offset);
        for (const char* bad : { "", "committed by kcat", "adclick-checkpoint/1",
                 "adclick-checkpoint/1 topic=s partition=0 first=1 last=0 chunks=1 nonce=1 offset=1 "
                 "aggregate_from=0",
                 "adclick-checkpoint/1 topic=s partition=0 first=0 last=0 chunks=0 nonce=1 offset=1 "
                 "aggregate_from=0",
                 "adclick-checkpoint/1 topic=s partition=x first=0 last=0 chunks=1 nonce=1 offset=1 "
                 "aggregate_from=0",
                 "adclick-checkpoint/1 topic=s partition=0 first=0 last=0 chunks=1 nonce=1 offset=1" })
            QVERIFY2(!parseCheckpointRef(bad), bad);
    }
};

QTEST_GUILESS_MAIN(TestCheckpoint)
#include "tst_checkpoint.moc"
