// R7 (and the start of R9/R10): exactly-once from Kafka into the store. A client we did not write
// (kcat) produces the generated stream into the embedded broker, which runs in its own process.
#include "test_support.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

using namespace testsupport;

namespace {

QProcessEnvironment envWith(const QString& failpoint)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove("ADCLICK_FAILPOINT");
    if (!failpoint.isEmpty()) env.insert("ADCLICK_FAILPOINT", failpoint);
    return env;
}

} // namespace

class TestKafkaIngest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QList<QProcess*> m_brokers;
    int m_dbs = 0;

    QString startBroker(const QString& topic, int partitions)
    {
        const QString portFile = m_dir.filePath(topic + ".port");
        auto* p = new QProcess(this);
        p->start(QStringLiteral(ADCLICK_CLI),
            { "broker", "--topic", topic, "--partitions", QString::number(partitions), "--port-file",
                portFile });
        if (!p->waitForStarted()) return {};
        m_brokers.append(p);
        return waitForBootstrap(portFile);
    }

    QString freshDb() { return m_dir.filePath(QStringLiteral("k%1.db").arg(++m_dbs)); }

    static Run ingest(const QString& db, const QString& uri, const QString& failpoint = {})
    {
        return runCli(
            { "ingest", "--db", db, "--commit-every", "2000", "--until-end", uri }, envWith(failpoint));
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void cleanupTestCase()
    {
        for (QProcess* p : m_brokers) {
            p->terminate();
            p->waitForFinished(10'000);
        }
    }

    void kcatStreamEqualsTruthAndSurvivesKills()
    {
        const QString bootstrap = startBroker("single", 1);
        QVERIFY(!bootstrap.isEmpty());
        const QString log = m_dir.filePath("single.jsonl");
        QCOMPARE(
            runCli({ "gen", "--out", log, "--events", "30000", "--format", "jsonl", "--seed", "5" }).exitCode,
            0);
        QCOMPARE(QProcess::execute("kcat", { "-P", "-b", bootstrap, "-t", "single", "-l", log }), 0);
        const QString uri = "kafka://" + bootstrap + "/single";

        const QString reference = freshDb();
        const Run r = ingest(reference, uri);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(aggText(reference), truthAggText(log));
        QCOMPARE(countersAsTruth(json(runCli({ "stats", "--db", reference }).out)),
            countersAsTruth(truthCounters(log)));

        for (const char* fp :
            { "commit.after_commit:2", "commit.mid_txn:3", "commit.raw_write:2:partial", "commit.begin:4" }) {
            const QString db = freshDb();
            int kills = 0;
            for (int i = 0; i < 30; ++i) {
                const Run k = ingest(db, uri, fp);
                if (!k.crashed) break;
                ++kills;
            }
            QCOMPARE(ingest(db, uri).exitCode, 0);
            QVERIFY2(kills > 0, fp);
            QCOMPARE(integrity(db), QStringLiteral("ok"));
            QCOMPARE(fullState(db), fullState(reference));
        }

        // Run again: nothing new, nothing counted twice.
        const Run again = ingest(reference, uri);
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(json(again.out)["run"].toObject()["lines"].toInteger(), 0);
    }

    void partitionsKeyedByAdEqualTruth()
    {
        // Several partitions: each is ordered, their interleaving is not. With no late clicks in
        // the stream (disorder within the lateness), every click's verdict is the same whatever
        // the interleaving, so the result must equal the truth exactly; duplicates share their
        // original's ad and so its partition.
        const QString bootstrap = startBroker("multi", 4);
        QVERIFY(!bootstrap.isEmpty());
        // JSON lines in, so malformed lines (sent on as they are) are judged by the same format.
        const QString log = m_dir.filePath("multi.jsonl");
        const Run g = runCli({ "gen", "--out", log, "--events", "30000", "--seed", "8", "--late-rate", "0",
            "--format", "jsonl" });
        QCOMPARE(g.exitCode, 0);
        const Run p = runCli({ "produce", "--brokers", bootstrap, "--topic", "multi", log });
        QVERIFY2(p.exitCode == 0, p.err.constData());
        const QString db = freshDb();
        int kills = 0;
        for (int i = 0; i < 10; ++i)
            kills += ingest(db, "kafka://" + bootstrap + "/multi", "commit.after_commit:3").crashed ? 1 : 0;
        QVERIFY(kills > 0);
        QCOMPARE(ingest(db, "kafka://" + bootstrap + "/multi").exitCode, 0);
        QCOMPARE(aggText(db), truthAggText(log));
        QCOMPARE(
            countersAsTruth(json(runCli({ "stats", "--db", db }).out)), countersAsTruth(truthCounters(log)));
        QCOMPARE(queryText(db, "SELECT count(*) FROM sources WHERE uri LIKE 'kafka:multi/%'").trimmed(),
            QStringLiteral("4"));
    }

    void badAddressesAndUnreachableBrokersAreClearErrors()
    {
        const Run bad = runCli({ "ingest", "--db", freshDb(), "kafka://nohost" });
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.contains("kafka://host:port"), bad.err.constData());
        QElapsedTimer t;
        t.start();
        const Run down = runCli({ "ingest", "--db", freshDb(), "--until-end", "kafka://127.0.0.1:1/clicks" });
        QCOMPARE(down.exitCode, 1);
        QVERIFY2(down.err.contains("cannot reach the Kafka brokers"), down.err.constData());
        QVERIFY(t.elapsed() < 30'000);
        const Run prop = runCli(
            { "ingest", "--db", freshDb(), "--kafka-prop", "fetch.wait.max.ms=x", "kafka://127.0.0.1:1/c" });
        QCOMPARE(prop.exitCode, 1);
        QVERIFY2(prop.err.contains("bad Kafka property"), prop.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestKafkaIngest)
#include "tst_kafka_ingest.moc"
