// The embedded broker and the producer, checked with a Kafka client we did not write (kcat).
#include "test_support.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

using namespace testsupport;

class TestKafkaBroker : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QProcess m_broker;
    QString m_bootstrap;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString portFile = m_dir.filePath("port");
        m_broker.start(
            QStringLiteral(ADCLICK_CLI), { "broker", "--partitions", "4", "--port-file", portFile });
        QVERIFY(m_broker.waitForStarted());
        m_bootstrap = waitForBootstrap(portFile);
        QVERIFY(m_bootstrap.startsWith("127.0.0.1:"));
    }

    void cleanupTestCase()
    {
        m_broker.terminate();
        QVERIFY(m_broker.waitForFinished(10'000));
        QCOMPARE(m_broker.exitCode(), 0);
    }

    void producedClicksReachKcatKeyedByAd()
    {
        const QString log = m_dir.filePath("clicks.csv");
        QCOMPARE(
            runCli({ "gen", "--out", log, "--events", "20000", "--format", "csv", "--seed", "3" }).exitCode,
            0);
        const Run p = runCli({ "produce", "--brokers", m_bootstrap, "--topic", "clicks", log });
        QVERIFY2(p.exitCode == 0, p.err.constData());
        const QJsonObject r = json(p.out);
        QCOMPARE(r["messages"].toInteger(), 20000);
        QCOMPARE(r["delivered"].toInteger(), 20000);

        QProcess kcat;
        kcat.start("kcat",
            { "-C", "-b", m_bootstrap, "-t", "clicks", "-e", "-q", "-o", "beginning", "-f", "%k\\t%s\\n" });
        QVERIFY(kcat.waitForFinished(60'000));
        QCOMPARE(kcat.exitCode(), 0);
        const QList<QByteArray> lines = kcat.readAllStandardOutput().split('\n');
        qint64 keyed = 0, unkeyed = 0;
        for (const QByteArray& line : lines) {
            if (line.isEmpty()) continue;
            const qsizetype tab = line.indexOf('\t');
            const QByteArray key = line.left(tab);
            if (key.isEmpty()) {
                ++unkeyed;
                continue;
            }
            ++keyed;
            const QJsonObject click = QJsonDocument::fromJson(line.mid(tab + 1)).object();
            QCOMPARE(click["ad_id"].toString().toUtf8(), key); // keyed by ad_id
        }
        const QJsonObject truth = truthCounters(log);
        QCOMPARE(keyed + unkeyed, 20000);
        QCOMPARE(unkeyed, truth["rejected"].toInteger()); // malformed lines travel unkeyed, as they are
    }

    void unreachableBrokersAndBadPropertiesAreClearErrors()
    {
        const QString log = m_dir.filePath("small.csv");
        QCOMPARE(runCli({ "gen", "--out", log, "--events", "10" }).exitCode, 0);
        QElapsedTimer t;
        t.start();
        const Run down = runCli({ "produce", "--brokers", "127.0.0.1:1", "--topic", "clicks", log });
        QCOMPARE(down.exitCode, 1);
        QVERIFY2(down.err.contains("cannot reach the Kafka brokers"), down.err.constData());
        QVERIFY(t.elapsed() < 30'000);
        const Run bad = runCli({ "produce", "--brokers", m_bootstrap, "--topic", "clicks", "--kafka-prop",
            "linger.ms=soon", log });
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.contains("bad Kafka property linger.ms=soon"), bad.err.constData());
        QCOMPARE(runCli({ "produce", "--brokers", m_bootstrap, "--topic", "clicks", "--kafka-prop",
                            "nonsense", log })
                     .exitCode,
            2);
    }

    void brokerHelpSaysWhatItIs()
    {
        const Run h = runCli({ "broker", "--help" });
        QCOMPARE(h.exitCode, 0);
        QVERIFY(h.out.contains("IN-MEMORY STAND-IN"));
        QVERIFY(h.out.contains("real Kafka cluster"));
    }
};

QTEST_GUILESS_MAIN(TestKafkaBroker)
#include "tst_kafka_broker.moc"
