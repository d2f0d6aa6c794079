// R8–R10: Kafka under faults. The embedded broker runs in its own process with --control, so the
// test can take brokers down, add latency, move leaders and inject request errors while a
// producer writes and the ingest (another process, killed and restarted too) reads.
#include "test_support.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

using namespace testsupport;

namespace {

QStringList sumHighWatermarks(const QJsonObject& stats, qint64& sum)
{
    sum = 0;
    QStringList states;
    for (const auto& k : stats["kafka"].toArray()) {
        states << k.toObject()["broker_state"].toString();
        for (const auto& p : k.toObject()["partitions"].toArray())
            sum += p.toObject()["high_watermark"].toInteger();
    }
    return states;
}

} // namespace

class TestKafkaChaos : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString path(const QString& name) const { return m_dir.filePath(name); }

    QString generate(const QString& name, int events, int seed, const QStringList& extra = {})
    {
        const QString log = path(name);
        const Run g = runCli(QStringList { "gen", "--out", log, "--events", QString::number(events), "--seed",
                                 QString::number(seed), "--format", "jsonl", "--late-rate", "0" }
            + extra);
        return g.exitCode == 0 ? log : QString();
    }

    //! Starts the CLI with `args` in the background; its errors go to the test's output.
    static void startCli(QProcess& p, const QStringList& args)
    {
        p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p.start(QStringLiteral(ADCLICK_CLI), args);
        QVERIFY(p.waitForStarted());
    }

    static void startIngest(QProcess& p, const QString& db, const QString& uri)
    {
        startCli(p, { "ingest", "--db", db, "--commit-every", "1000", uri });
    }

    //! A producer of `log` to `topic`, `rate` messages a second, not idempotent (see
    //! chaosMidStreamEndsEqual), with `kafkaProps` as further --kafka-prop options.
    static void startProducer(QProcess& p, const QString& bootstrap, const QString& topic, int rate,
        const QString& log, const QStringList& kafkaProps = {})
    {
        QStringList args { "produce", "--brokers", bootstrap, "--topic", topic, "--rate",
            QString::number(rate), "--kafka-prop", "enable.idempotence=false" };
        for (const QString& prop : kafkaProps)
            args << "--kafka-prop" << prop;
        startCli(p, args << log);
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void controlCommandsAreCheckedAndAnswered()
    {
        ControlledBroker broker;
        QVERIFY(!broker.start(m_dir.path(), "ctl", 2, 3).isEmpty());
        QCOMPARE(broker.command("rtt 2 50"), QStringLiteral("ok"));
        QCOMPARE(broker.command("leader 1 3"), QStringLiteral("ok"));
        QCOMPARE(broker.command("errors fetch 2 NOT_LEADER_FOR_PARTITION"), QStringLiteral("ok"));
        QVERIFY(broker.command("down 4").startsWith("error: no broker '4'"));
        QVERIFY(broker.command("leader 2 1").startsWith("error: no partition '2'"));
        QVERIFY(broker.command("errors fetch 1 NO_SUCH_ERROR").startsWith("error: unknown Kafka error"));
        QVERIFY(broker.command("explode").startsWith("error: unknown broker command"));
    }

    // Issue 9 defect 14: with every one of 3 brokers down the state says so with 3, not with
    // librdkafka's count of its connections ("4/4 brokers are down"); issue 11 defects 2 and 3:
    // the lag is unknown, and the ingest stops at once.
    void allBrokersDownCountsTheBrokers()
    {
        ControlledBroker broker;
        const QString bootstrap = broker.start(m_dir.path(), "down", 2, 3);
        QVERIFY(!bootstrap.isEmpty());
        const QString db = path("down.db");
        QProcess ingest;
        startIngest(ingest, db, "kafka://" + bootstrap + "/down");
        auto health = [&] {
            const QJsonArray kafka = json(runCli({ "stats", "--db", db }).out)["kafka"].toArray();
            return kafka.isEmpty() ? QJsonObject() : kafka[0].toObject();
        };
        auto brokerState = [&] { return health()["broker_state"].toString(); };
        QElapsedTimer t;
        t.start();
        while (brokerState() != "connected" && t.elapsed() < 60'000)
            QThread::msleep(200);
        QCOMPARE(brokerState(), QStringLiteral("connected"));
        for (const char* id : { "1", "2", "3" })
            QCOMPARE(broker.command(QStringLiteral("down ") + id), QStringLiteral("ok"));
        QString state;
        t.restart();
        while (!(state = brokerState()).startsWith("down") && t.elapsed() < 60'000)
            QThread::msleep(200);
        // Issue 11 defect 3: the lag is then unknown (null), never 0.
        QJsonValue lag;
        t.restart();
        while (!(lag = health()["lag_messages"]).isNull() && t.elapsed() < 30'000)
            QThread::msleep(200);
        // Issue 11 defect 2: stopping with every broker down takes no time (it took 30–45 s).
        QElapsedTimer stop;
        stop.start();
        ingest.terminate();
        QVERIFY(ingest.waitForFinished(60'000));
        const qint64 stopMs = stop.elapsed();
        for (const char* id : { "1", "2", "3" })
            broker.command(QStringLiteral("up ") + id);
        QCOMPARE(state, QStringLiteral("down: all 3 brokers are down"));
        QVERIFY2(lag.isNull(), qPrintable(QStringLiteral("lag_messages %1").arg(lag.toInteger())));
        qInfo("stopping with every broker down took %lld ms", stopMs);
        QVERIFY2(stopMs < 5000, "a stop must not wait for brokers that are down");
    }

    // R8: brokers down and up, latency, leader moves, request errors and a SIGKILL of the
    // consumer, all while the stream is produced. The ingest never exits by itself, its lag
    // recovers, and the result equals the truth: every message counted once, every click once.
    void chaosMidStreamEndsEqual()
    {
        ControlledBroker broker;
        const QString bootstrap = broker.start(m_dir.path(), "chaos", 4, 3);
        QVERIFY(!bootstrap.isEmpty());
        // The producer is at-least-once (not idempotent): under these faults the mock's idempotent
        // producer support acknowledged batches it had not appended (~300 of 40k clicks lost in
        // 1 of 4 runs), which is the broker's bug, not what this test is about. Retries may write
        // a message twice instead, so malformed lines are off: they have no identity by which a
        // copy could be recognised.
        const QString log = generate("chaos.jsonl", 40'000, 11, { "--malformed-rate", "0" });
        QVERIFY(!log.isEmpty());
        const QString uri = "kafka://" + bootstrap + "/chaos";
        const QString db = path("chaos.db");

        QProcess producer;
        startProducer(producer, bootstrap, "chaos", 6000, log);
        QProcess ingest;
        startIngest(ingest, db, uri);

        const QStringList script = { "rtt 1 300", "errors fetch 20 NOT_LEADER_FOR_PARTITION", "leader 0 2",
            "down 3", "", "", "up 3", "rtt 1 0", "errors fetch 10 REQUEST_TIMED_OUT", "kill", "leader 1 3",
            "errors list_offsets 5 LEADER_NOT_AVAILABLE", "down 2", "", "up 2" };
        for (const QString& step : script) {
            QThread::msleep(400);
            QVERIFY2(ingest.state() == QProcess::Running, "the ingest exited during the chaos");
            if (step == "kill") {
                ingest.kill();
                ingest.waitForFinished();
                startIngest(ingest, db, uri);
            } else if (!step.isEmpty()) {
                QCOMPARE(broker.command(step), QStringLiteral("ok"));
            }
        }
        QVERIFY(producer.waitForFinished(120'000));
        QCOMPARE(producer.exitCode(), 0);

        // Lag recovers: the ingest reaches every message the brokers hold.
        QJsonObject stats;
        qint64 messages = 0;
        QElapsedTimer t;
        t.start();
        for (;;) {
            QVERIFY2(ingest.state() == QProcess::Running, "the ingest exited after the chaos");
            stats = json(runCli({ "stats", "--db", db }).out);
            const QStringList states = sumHighWatermarks(stats, messages);
            if (messages >= 40'000 && stats["lines"].toInteger() == messages
                && states == QStringList { "connected" })
                break;
            QVERIFY2(t.elapsed() < 60'000,
                qPrintable(QStringLiteral("lines %1, messages %2, brokers %3")
                               .arg(stats["lines"].toInteger())
                               .arg(messages)
                               .arg(states.join(' '))));
            QThread::msleep(250);
        }
        ingest.terminate();
        QVERIFY(ingest.waitForFinished(30'000));
        QCOMPARE(ingest.exitCode(), 0);

        stats = json(runCli({ "stats", "--db", db }).out);
        qInfo() << "chaos: messages" << messages << "transient errors"
                << stats["kafka"].toArray()[0].toObject()["transient_errors"].toInteger();
        QCOMPARE(aggText(db), truthAggText(log));
        const QJsonObject truth = truthCounters(log);
        QCOMPARE(stats["accepted"].toInteger(), truth["accepted"].toInteger());
        QCOMPARE(stats["lines"].toInteger(), messages);
        // Messages the producer wrote twice are exactly the extra duplicates.
        QCOMPARE(stats["duplicates"].toInteger() - truth["duplicates"].toInteger(),
            messages - truth["lines"].toInteger());
        QCOMPARE(stats["kafka"].toArray()[0].toObject()["lag_messages"].toInteger(), 0);
        QCOMPARE(integrity(db), QStringLiteral("ok"));
    }

    // R9: a producer whose requests time out while the broker is slow retries them, and the
    // broker keeps both copies. The ingest counts the copies as duplicates and the aggregates
    // equal the truth on distinct events.
    void retryingProducerDuplicatesAreDropped()
    {
        ControlledBroker broker;
        const QString bootstrap = broker.start(m_dir.path(), "retry", 2, 1);
        QVERIFY(!bootstrap.isEmpty());
        const QString log = generate("retry.jsonl", 20'000, 12, { "--malformed-rate", "0" });
        QVERIFY(!log.isEmpty());
        QProcess producer;
        startProducer(producer, bootstrap, "retry", 10000, log,
            { "socket.timeout.ms=500", "retry.backoff.ms=50", "message.timeout.ms=120000" });
        QThread::msleep(400); // connected and sending
        QCOMPARE(broker.command("rtt 1 1500"), QStringLiteral("ok"));
        // Responses slower than socket.timeout.ms: the producer gives up on requests the broker has
        // already appended, reconnects and sends them again.
        QThread::msleep(2000);
        QCOMPARE(broker.command("rtt 1 0"), QStringLiteral("ok"));
        QVERIFY(producer.waitForFinished(120'000));
        QCOMPARE(producer.exitCode(), 0);

        const QString db = path("retry.db");
        const Run r = runCli({ "ingest", "--db", db, "--until-end", "kafka://" + bootstrap + "/retry" });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject stats = json(runCli({ "stats", "--db", db }).out);
        qint64 messages = 0;
        sumHighWatermarks(stats, messages);
        const QJsonObject truth = truthCounters(log);
        const qint64 copies = messages - truth["lines"].toInteger();
        qInfo() << "retry: messages" << messages << "extra copies" << copies;
        QVERIFY2(copies > 0, "the producer made no duplicates: this test would prove nothing");
        QCOMPARE(stats["lines"].toInteger(), messages);
        QCOMPARE(stats["duplicates"].toInteger(), truth["duplicates"].toInteger() + copies);
        QCOMPARE(stats["accepted"].toInteger(), truth["accepted"].toInteger());
        QCOMPARE(aggText(db), truthAggText(log));
    }

    // R10: while the consumer is down, retention (the mock keeps ~5 MiB per partition) removes
    // messages it had not read. The restart stops with a data-gap alarm instead of resetting;
    // nothing already counted changes; --skip-gap continues and the alarm stays.
    void retentionGapRaisesAlarm()
    {
        ControlledBroker broker;
        const QString bootstrap = broker.start(m_dir.path(), "gap", 1, 1);
        QVERIFY(!bootstrap.isEmpty());
        const QString uri = "kafka://" + bootstrap + "/gap";
        const QString db = path("gap.db");
        QCOMPARE(
            runCli({ "produce", "--brokers", bootstrap, "--topic", "gap", "--gen-events", "5000" }).exitCode,
            0);
        QCOMPARE(runCli({ "ingest", "--db", db, "--until-end", uri }).exitCode, 0);
        const QString before = fullState(db);
        QCOMPARE(queryText(db, "SELECT gap FROM kafka_sources").trimmed(), QString());

        // ~25 MB into one partition: the log start moves past what was read.
        QCOMPARE(runCli({ "produce", "--brokers", bootstrap, "--topic", "gap", "--gen-events", "150000",
                            "--seed", "2" })
                     .exitCode,
            0);
        QElapsedTimer t;
        t.start();
        const Run stopped = runCli({ "ingest", "--db", db, "--until-end", uri });
        QCOMPARE(stopped.exitCode, 1);
        QVERIFY2(stopped.err.contains("data gap in gap/0"), stopped.err.constData());
        QVERIFY(t.elapsed() < 30'000);
        QCOMPARE(fullState(db), before); // nothing reset, nothing counted
        QJsonObject stats = json(runCli({ "stats", "--db", db }).out);
        QVERIFY(stats["kafka"].toArray()[0].toObject()["data_gap"].toString().contains("data gap"));

        const Run skipped = runCli({ "ingest", "--db", db, "--until-end", "--skip-gap", uri });
        QVERIFY2(skipped.exitCode == 0, skipped.err.constData());
        stats = json(runCli({ "stats", "--db", db }).out);
        const QJsonObject kafka = stats["kafka"].toArray()[0].toObject();
        QVERIFY2(kafka["data_gap"].toString().contains("skipped"), kafka["data_gap"].toString().toUtf8());
        const QJsonObject part = kafka["partitions"].toArray()[0].toObject();
        QCOMPARE(part["position"].toInteger(), part["high_watermark"].toInteger());
        QVERIFY(stats["lines"].toInteger() > 5000);
        QVERIFY(stats["lines"].toInteger() < 5000 + 150'000);

        // The alarm is sticky: a later clean run does not clear it.
        QCOMPARE(runCli({ "ingest", "--db", db, "--until-end", uri }).exitCode, 0);
        stats = json(runCli({ "stats", "--db", db }).out);
        QVERIFY(stats["kafka"].toArray()[0].toObject()["data_gap"].toString().contains("skipped"));
    }
};

QTEST_GUILESS_MAIN(TestKafkaChaos)
#include "tst_kafka_chaos.moc"
