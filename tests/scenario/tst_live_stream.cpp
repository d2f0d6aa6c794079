// The live click stream: generated clicks in wall-clock time, published to the embedded broker and
// read back by the CLI's Kafka ingest; its chunks keep the generator's classes for an ingest that
// reads them one after another; a dead or unreachable broker never hangs it.
#include "test_support.h"

#include "sim/click_generator.h"
#include "sim/kafka_broker.h"
#include "sim/live_stream.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

using namespace testsupport;
using namespace adclick::core;

namespace {

qint64 wallNowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

//! A live stream into its own embedded broker (topic "clicks").
struct StreamToBroker {
    std::unique_ptr<EmbeddedBroker> broker;
    std::unique_ptr<LiveClickStream> stream;
    qint64 startMs = 0; //!< the wall clock just before the stream started
};

//! Starts the broker with `partitions` partitions, then the stream `o` into it (o.brokers is set
//! here). Nulls when either fails, with the reason in the log.
StreamToBroker startStreamToBroker(int partitions, LiveStreamOptions& o)
{
    StreamToBroker s;
    auto broker = EmbeddedBroker::start(1, "clicks", partitions);
    if (!broker) {
        qWarning("broker: %s", broker.message().c_str());
        return s;
    }
    s.broker = std::move(*broker);
    o.brokers = s.broker->bootstraps();
    s.startMs = wallNowMs();
    auto stream = LiveClickStream::start(o);
    if (!stream) {
        qWarning("stream: %s", stream.message().c_str());
        return s;
    }
    s.stream = std::move(*stream);
    return s;
}

} // namespace

class TestLiveStream : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void streamIsIngestedWithWallClockTimes()
    {
        LiveStreamOptions o;
        o.rate = 2000;
        o.seed = 7;
        const StreamToBroker running = startStreamToBroker(4, o);
        QVERIFY(running.broker);
        QVERIFY(running.stream);
        const qint64 before = running.startMs;
        QElapsedTimer t;
        t.start();
        QTRY_VERIFY_WITH_TIMEOUT(running.stream->stats().produced > 0, 5'000); // it runs while we wait
        // Acknowledgements are counted while it runs, not only once it stops (issue 11 defect 12).
        QTRY_VERIFY_WITH_TIMEOUT(running.stream->stats().delivered > 0, 10'000);
        QThread::msleep(static_cast<unsigned long>(std::max<qint64>(0, 1'500 - t.elapsed())));
        running.stream->stop();
        const double seconds = double(t.elapsed()) / 1000.0;
        running.stream->stop(); // idempotent
        const LiveStreamStats s = running.stream->stats();
        qInfo("%lld clicks delivered in %.2f s", static_cast<long long>(s.delivered), seconds);
        QVERIFY2(s.failed == 0, s.lastError.c_str());
        QCOMPARE(s.delivered, s.produced);
        // Loose bounds: this is not a timing test.
        QVERIFY2(s.delivered >= qint64(0.3 * o.rate * 1.5) && s.delivered <= qint64(1.5 * o.rate * seconds),
            QByteArray::number(s.delivered).constData());

        const QString db = m_dir.filePath("live.db");
        const QString uri = QStringLiteral("kafka://%1/clicks").arg(QString::fromStdString(o.brokers));
        const Run in = runCli({ "ingest", "--db", db, "--until-end", uri });
        QVERIFY2(in.exitCode == 0, in.err.constData());
        const QJsonObject st = json(runCli({ "stats", "--db", db }).out);
        const qint64 lines = st["lines"].toInteger();
        QCOMPARE(lines, s.delivered);
        QVERIFY(st["accepted"].toInteger() > 0);
        QCOMPARE(st["accepted"].toInteger() + st["duplicates"].toInteger() + st["late"].toInteger()
                + st["rejected"].toInteger(),
            lines);
        // Event times are "now": the newest is within a minute of the run's wall clock.
        const QDateTime maxEvent = QDateTime::fromString(st["max_event_time"].toString(), Qt::ISODateWithMs);
        QVERIFY2(maxEvent.isValid(), st["max_event_time"].toString().toUtf8().constData());
        const qint64 maxMs = maxEvent.toMSecsSinceEpoch();
        QVERIFY2(maxMs >= before - 60'000 && maxMs <= wallNowMs() + 60'000,
            st["max_event_time"].toString().toUtf8().constData());
    }

    // The generator makes each chunk's late lines late relative to that chunk; an ingest that has
    // read the earlier chunks must agree, and nothing else may change class.
    void chunksKeepTheirClassesForAnIngestThatReadEarlierChunks()
    {
        LiveStreamOptions o;
        o.rate = 2000;
        o.seed = 11;
        o.lateRate = 0.05; // many late lines, so the check has something to check
        const qint64 startMs = 1'700'000'000'000;
        const QString path = m_dir.filePath("chunks.jsonl");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        qint64 onTime = 0, late = 0, rejected = 0, counted = 0;
        for (uint64_t i = 0; i < 60; ++i) { // 6 s of stream
            std::string text;
            std::vector<GenLine> lines;
            auto r = generateClicksToString(
                liveChunkOptions(o, i, startMs + qint64(i) * 100, 200), text, &lines);
            QVERIFY2(r, r.message().c_str());
            f.write(text.data(), qint64(text.size()));
            for (const GenLine& l : lines) {
                switch (l.cls) {
                case GenClass::Accepted:
                case GenClass::Duplicate:
                    ++onTime;
                    ++counted;
                    break;
                case GenClass::Late:
                case GenClass::LateBeyondHorizon:
                    ++late;
                    ++counted;
                    break;
                case GenClass::Rejected:
                    ++rejected;
                    ++counted;
                    break;
                default:
                    break;
                }
            }
        }
        f.close();
        QVERIFY(late > 100);
        const QString db = m_dir.filePath("chunks.db");
        const Run in = runCli({ "ingest", "--db", db, "--format", "jsonl", "--lateness", "60", path });
        QVERIFY2(in.exitCode == 0, in.err.constData());
        const QJsonObject st = json(runCli({ "stats", "--db", db }).out);
        QCOMPARE(st["lines"].toInteger(), counted);
        QCOMPARE(st["late"].toInteger(), late);
        QCOMPARE(st["rejected"].toInteger(), rejected);
        // Chunks are generated independently, so a click may by chance repeat one of an earlier
        // chunk (a duplicate for the ingest): on time either way.
        QCOMPARE(st["accepted"].toInteger() + st["duplicates"].toInteger(), onTime);
    }

    void deadBrokerDoesNotHangStop()
    {
        LiveStreamOptions o;
        o.rate = 5000;
        StreamToBroker running = startStreamToBroker(1, o);
        QVERIFY(running.broker);
        QVERIFY(running.stream);
        QTRY_VERIFY_WITH_TIMEOUT(running.stream->stats().produced > 0, 5'000);
        running.broker.reset(); // the broker dies under the running stream
        QThread::msleep(500);
        QElapsedTimer t;
        t.start();
        running.stream->stop();
        QVERIFY2(t.elapsed() < 15'000, QByteArray::number(t.elapsed()).constData());
        const LiveStreamStats s = running.stream->stats();
        qInfo("broker gone: stop() took %lld ms, %lld produced, %lld delivered, %lld failed (%s)",
            static_cast<long long>(t.elapsed()), static_cast<long long>(s.produced),
            static_cast<long long>(s.delivered), static_cast<long long>(s.failed), s.lastError.c_str());
        QVERIFY(s.produced > 0);
        QCOMPARE(s.delivered + s.failed, s.produced);
        running.stream.reset(); // and its destruction does not hang either
        QVERIFY2(t.elapsed() < 20'000, QByteArray::number(t.elapsed()).constData());
    }

    void unreachableBrokerIsAClearErrorWithoutHanging()
    {
        LiveStreamOptions o;
        o.brokers = "127.0.0.1:1";
        QElapsedTimer t;
        t.start();
        auto stream = LiveClickStream::start(o);
        QVERIFY(!stream);
        QVERIFY2(stream.message().find("cannot reach the Kafka brokers") != std::string::npos,
            stream.message().c_str());
        QVERIFY2(t.elapsed() < 15'000, QByteArray::number(t.elapsed()).constData());
    }

    void badOptionsAreClearErrors()
    {
        LiveStreamOptions o;
        o.brokers = "127.0.0.1:1"; // never contacted: the options are checked first
        o.rate = 0;
        auto zero = LiveClickStream::start(o);
        QVERIFY(!zero);
        QVERIFY2(zero.message().find("rate") != std::string::npos, zero.message().c_str());
        o.rate = 100;
        o.disorderMs = 120'000; // more than the lateness: on-time clicks would be late
        auto disorder = LiveClickStream::start(o);
        QVERIFY(!disorder);
        QVERIFY2(disorder.message().find("disorder") != std::string::npos, disorder.message().c_str());
        o.disorderMs = 0;
        o.brokers.clear();
        QVERIFY(!LiveClickStream::start(o));
    }
};

QTEST_GUILESS_MAIN(TestLiveStream)
#include "tst_live_stream.moc"
