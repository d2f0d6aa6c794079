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

//! The committed raw event lines of a database, sorted: which events it holds with which verdict,
//! whatever order they were written in.
QString sortedRawLines(const QString& db)
{
    QStringList lines = rawEventLines(db);
    lines.sort();
    return lines.join('\n');
}

//! Everything a Kafka ingest decides, independent of the order partitions were fetched in:
//! aggregates, counters, per-minute totals, watermark, positions with each partition's largest
//! event time, reject samples and raw events (both as sets).
QString partitionedState(const QString& db)
{
    QStringList rejects = queryText(db, "SELECT source, offset, reason FROM rejects").split('\n');
    rejects.sort();
    return aggText(db) + "--\n" + countersText(db) + "--\n"
        + queryText(db, "SELECT * FROM minute_stats ORDER BY minute") + "--\n"
        + queryText(db, "SELECT key, value FROM meta ORDER BY key") + "--\n"
        + queryText(db, "SELECT uri, offset, max_ms FROM sources ORDER BY uri") + "--\n" + rejects.join('\n')
        + "--\n" + sortedRawLines(db);
}

//! Sorted text lines, so the rows of several databases can be compared with one.
QStringList sortedLines(const QString& text)
{
    QStringList lines = text.split('\n', Qt::SkipEmptyParts);
    lines.sort();
    return lines;
}

} // namespace

class TestKafkaIngest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QList<QProcess*> m_brokers;
    int m_dbs = 0;

    QString startBroker(const QString& topic, int partitions)
    {
        return startBrokerProcess(this, m_dir.path(), topic, partitions, m_brokers);
    }

    QString freshDb() { return m_dir.filePath(QStringLiteral("k%1.db").arg(++m_dbs)); }

    //! A broker whose `topic` (of `partitions`) holds 30,000 generated clicks as JSON lines (so
    //! malformed lines, sent on as they are, are judged by the same format), none late; the
    //! same lines are in `log`. Its bootstrap address, or empty (with a warning) on failure.
    QString brokerWithStream(const QString& topic, int partitions, const char* seed, QString& log)
    {
        const QString bootstrap = startBroker(topic, partitions);
        if (bootstrap.isEmpty()) return {};
        log = m_dir.filePath(topic + ".jsonl");
        const Run g = runCli({ "gen", "--out", log, "--events", "30000", "--seed", seed, "--late-rate", "0",
            "--format", "jsonl" });
        if (g.exitCode != 0) {
            qWarning("gen failed: %s", g.err.constData());
            return {};
        }
        const Run p = runCli({ "produce", "--brokers", bootstrap, "--topic", topic, log });
        if (p.exitCode != 0) {
            qWarning("produce failed: %s", p.err.constData());
            return {};
        }
        return bootstrap;
    }

    static Run ingest(const QString& db, const QString& uri, const QString& failpoint = {}, int threads = 1)
    {
        return runCli({ "ingest", "--db", db, "--commit-every", "2000", "--threads", QString::number(threads),
                          "--until-end", uri },
            envWith(failpoint));
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

    // Issue 14: boundary data (gen --boundary: clicks exactly at the partition's W − H and W,
    // 1 ms either side, at a pane's end, repeats of clicks kept since W − H ± 1 ms) through one
    // partition, read with kills: the per-partition watermark and horizon must decide exactly as
    // the generator's truth (one partition is one stream).
    void boundaryDataEqualsTruth()
    {
        const QString bootstrap = startBroker("boundary", 1);
        QVERIFY(!bootstrap.isEmpty());
        const QString log = m_dir.filePath("boundary.jsonl");
        const Run g = runCli({ "gen", "--out", log, "--events", "14000", "--format", "jsonl", "--seed", "9",
            "--rate", "20", "--boundary" });
        QVERIFY2(g.exitCode == 0, g.err.constData());
        QCOMPARE(QProcess::execute("kcat", { "-P", "-b", bootstrap, "-t", "boundary", "-l", log }), 0);
        const QString uri = "kafka://" + bootstrap + "/boundary";
        const QString db = freshDb();
        int kills = 0;
        for (int i = 0; i < 10 && ingest(db, uri, "commit.after_commit:2").crashed; ++i)
            ++kills;
        QVERIFY(kills > 0);
        const Run r = ingest(db, uri);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(aggText(db), truthAggText(log));
        QCOMPARE(
            countersAsTruth(json(runCli({ "stats", "--db", db }).out)), countersAsTruth(truthCounters(log)));
    }

    void partitionsKeyedByAdEqualTruth()
    {
        // Several partitions: each is ordered, their interleaving is not. With no late clicks in
        // the stream (disorder within the lateness), every click's verdict is the same whatever
        // the interleaving, so the result must equal the truth exactly; duplicates share their
        // original's ad and so its partition.
        QString log;
        const QString bootstrap = brokerWithStream("multi", 4, "8", log);
        QVERIFY(!bootstrap.isEmpty());
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

    void twoThreadsEqualOneThread()
    {
        // With --threads 2 the commits run on a thread of their own while the next batch is
        // counted: the store must be that of one thread, also when the process is killed right
        // after commits (on the committer thread) and started again.
        QString log;
        const QString bootstrap = brokerWithStream("threads", 3, "11", log);
        QVERIFY(!bootstrap.isEmpty());
        const QString uri = "kafka://" + bootstrap + "/threads";
        const QString one = freshDb(), two = freshDb();
        const Run single = ingest(one, uri);
        QVERIFY2(single.exitCode == 0, single.err.constData());
        int kills = 0;
        for (int i = 0; i < 10; ++i)
            kills += ingest(two, uri, "commit.after_commit:3", 2).crashed ? 1 : 0;
        QVERIFY(kills > 0);
        const Run last = ingest(two, uri, {}, 2);
        QVERIFY2(last.exitCode == 0, last.err.constData());
        QCOMPARE(aggText(one), truthAggText(log));
        QCOMPARE(partitionedState(two), partitionedState(one));
    }

    void partitionVerdictsAreRepeatable()
    {
        // Issue 9, defect 3: a click's verdict (late, duplicate) must follow from its partition's
        // own sequence, not from how far the other partitions happened to be fetched. Late clicks
        // and duplicates near the boundaries, read under fine and coarse fetches, broker latency
        // and kills: every database must be equal, and equal to reading each partition alone as
        // an archive (one stream, the rules of docs/semantics.md).
        constexpr int kPartitions = 4;
        ControlledBroker broker;
        const QString bootstrap = broker.start(m_dir.path(), "repeat", kPartitions);
        QVERIFY(!bootstrap.isEmpty());
        const QString log = m_dir.filePath("repeat.jsonl");
        const Run g = runCli({ "gen", "--out", log, "--events", "24000", "--seed", "21", "--format", "jsonl",
            "--late-rate", "0.03", "--dup-rate", "0.05", "--rate", "40" });
        QCOMPARE(g.exitCode, 0);
        const Run p = runCli({ "produce", "--brokers", bootstrap, "--topic", "repeat", log });
        QVERIFY2(p.exitCode == 0, p.err.constData());
        const QString uri = "kafka://" + bootstrap + "/repeat";
        // --idle 3600: no partition stops holding the watermark back because a run was slow.
        auto read = [&](const QString& db, const QStringList& props, const QString& failpoint = {}) {
            QStringList args { "ingest", "--db", db, "--commit-every", "1500", "--idle", "3600",
                "--until-end" };
            for (const QString& prop : props)
                args << "--kafka-prop" << prop;
            return runCli(args << uri, envWith(failpoint));
        };
        // Fine: ~15 messages a partition per fetch, so the partitions interleave closely.
        const QStringList fine { "fetch.max.bytes=8192", "message.max.bytes=8192",
            "max.partition.fetch.bytes=2048" };
        const QStringList coarse { "max.partition.fetch.bytes=4194304", "fetch.min.bytes=1000000",
            "fetch.wait.max.ms=200" };

        QStringList dbs;
        for (const QStringList& props : { QStringList {}, fine, coarse }) {
            dbs << freshDb();
            const Run r = read(dbs.last(), props);
            QVERIFY2(r.exitCode == 0, r.err.constData());
        }
        for (int b = 1; b <= 3; ++b)
            QCOMPARE(broker.command(QStringLiteral("rtt %1 40").arg(b)), QStringLiteral("ok"));
        dbs << freshDb();
        const Run slow = read(dbs.last(), {});
        for (int b = 1; b <= 3; ++b)
            QCOMPARE(broker.command(QStringLiteral("rtt %1 0").arg(b)), QStringLiteral("ok"));
        QVERIFY2(slow.exitCode == 0, slow.err.constData());
        // Killed after every third commit and resumed, with fine fetches.
        dbs << freshDb();
        int kills = 0;
        for (int i = 0; i < 40 && read(dbs.last(), fine, "commit.after_commit:3").crashed; ++i)
            ++kills;
        QVERIFY(kills > 0);
        QCOMPARE(read(dbs.last(), fine).exitCode, 0);

        const QString reference = partitionedState(dbs.first());
        QVERIFY(json(runCli({ "stats", "--db", dbs.first() }).out)["late"].toInteger() > 0);
        for (const QString& db : dbs)
            QCOMPARE(partitionedState(db), reference);

        // The oracle: each partition read alone from a file is one stream.
        QStringList aggRows;
        QMap<QString, qint64> counters;
        for (int part = 0; part < kPartitions; ++part) {
            const QString file = m_dir.filePath(QStringLiteral("repeat-%1.jsonl").arg(part));
            QProcess kcat;
            kcat.setStandardOutputFile(file);
            kcat.start("kcat",
                { "-C", "-b", bootstrap, "-t", "repeat", "-p", QString::number(part), "-e", "-q", "-f",
                    "%s\n" });
            QVERIFY(kcat.waitForFinished(60'000));
            QCOMPARE(kcat.exitCode(), 0);
            const QString db = freshDb();
            const Run r = runCli({ "ingest", "--db", db, "--format", "jsonl", file });
            QVERIFY2(r.exitCode == 0, r.err.constData());
            aggRows += sortedLines(aggText(db));
            for (const QString& row : sortedLines(countersText(db))) {
                const auto kv = row.split(',');
                counters[kv[0]] += kv[1].toLongLong();
            }
        }
        aggRows.sort();
        QCOMPARE(aggRows, sortedLines(aggText(dbs.first())));
        QString summed;
        for (auto it = counters.begin(); it != counters.end(); ++it)
            summed += it.key() + ',' + QString::number(it.value()) + '\n';
        QCOMPARE(summed, countersText(dbs.first()));
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
