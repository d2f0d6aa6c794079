// Issue 13 part 2: the cluster (docs/SCALING.md). Workers (`adclick aggregate`) share an
// 8-partition click topic through a consumer group and publish units to an aggregate topic; a
// store (`adclick ingest kafka://…?kind=aggregates`) reads them. With 1, 2 and 3 workers, workers
// killed with SIGKILL and added while the stream is produced (partitions move), and the store
// itself killed at its commits, the store must equal a one-process ingest of the same topic and
// the generator's truth, exactly. The broker runs in a process of its own.
#include "test_support.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

using namespace testsupport;

namespace {

constexpr int kEvents = 24000;
const QStringList kGroupProps { "--kafka-prop", "session.timeout.ms=6000" };
const QStringList kCheckpoints { "--checkpoints", "state", "--checkpoint-interval", "1" };

QProcessEnvironment envWith(const QString& failpoint)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove("ADCLICK_FAILPOINT");
    if (!failpoint.isEmpty()) env.insert("ADCLICK_FAILPOINT", failpoint);
    return env;
}

//! What the cluster must reproduce: aggregates, counters, per-minute totals, the watermark.
QString clusterState(const QString& db)
{
    return aggText(db) + "--\n" + countersText(db) + "--\n"
        + queryText(db, "SELECT * FROM minute_stats ORDER BY minute") + "--\n"
        + queryText(db, "SELECT value FROM meta WHERE key IN ('watermark_ms', 'max_event_ms') ORDER BY key");
}

} // namespace

class TestCluster : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QList<QProcess*> m_brokers;
    QString m_boot, m_log, m_reference;

    QString uri(const QString& topic) const { return "kafka://" + m_boot + "/" + topic; }

    QProcess* startWorker(const QString& in, const QString& out, const QString& group, const QString& name,
        const QStringList& extra = {})
    {
        auto* p = new QProcess(this);
        p->setStandardErrorFile(m_dir.filePath(name + ".err"));
        p->setStandardOutputFile(m_dir.filePath(name + ".out"));
        p->start(QStringLiteral(ADCLICK_CLI),
            QStringList { "aggregate", uri(in), "--to", uri(out), "--group", group, "--unit-events", "500" }
                + kGroupProps + extra);
        return p->waitForStarted() ? p : nullptr;
    }

    QString workerLog(const QString& name) const
    {
        QFile f(m_dir.filePath(name + ".err"));
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    }

    static qint64 storedLines(const QString& db)
    {
        return queryText(db, "SELECT value FROM counters WHERE name = 'lines'").trimmed().toLongLong();
    }

    //! Runs the store until it holds every line of the stream (the workers publish meanwhile),
    //! with `failpoint` (killed at its commits) on every other run. False after 120 s without it.
    bool storeUntilComplete(const QString& db, const QString& aggTopic, const QString& failpoint = {})
    {
        QElapsedTimer t;
        t.start();
        for (int run = 0; t.elapsed() < 120'000; ++run) {
            const Run r = runCli({ "ingest", "--db", db, "--until-end", uri(aggTopic) + "?kind=aggregates" },
                envWith(run % 2 ? failpoint : QString()));
            if (r.exitCode != 0 && !r.crashed) {
                qWarning("store: %s", r.err.constData());
                return false;
            }
            if (!r.crashed && storedLines(db) == kEvents) return true;
            if (storedLines(db) > kEvents) {
                qWarning("store: %lld lines, more than the %d of the stream", storedLines(db), kEvents);
                return false;
            }
            QThread::msleep(300);
        }
        return false;
    }

    static void stop(QProcess* p)
    {
        p->terminate();
        QVERIFY(p->waitForFinished(60'000));
        QCOMPARE(p->exitStatus(), QProcess::NormalExit);
        QCOMPARE(p->exitCode(), 0);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_dir.setAutoRemove(qEnvironmentVariableIsEmpty("ADCLICK_KEEP_TEST_DIR"));
        if (!m_dir.autoRemove()) qWarning("test folder kept: %s", qPrintable(m_dir.path()));
        const QString portFile = m_dir.filePath("broker.port");
        auto* b = new QProcess(this);
        b->start(QStringLiteral(ADCLICK_CLI),
            { "broker", "--topic", "clicks", "--partitions", "8", "--also-topic", "live", "--also-topic",
                "agg1", "--also-topic", "agg2", "--also-topic", "agg3", "--also-topic", "big", "--also-topic",
                "agg4", "--also-topic", "long", "--also-topic", "agg5", "--also-topic", "state",
                "--also-topic", "agg6", "--also-topic", "ck", "--port-file", portFile });
        QVERIFY(b->waitForStarted());
        m_brokers.append(b);
        m_boot = waitForBootstrap(portFile);
        QVERIFY(!m_boot.isEmpty());
        // Several minutes of event time, with duplicates, late clicks and malformed lines.
        m_log = m_dir.filePath("clicks.jsonl");
        const Run g = runCli({ "gen", "--out", m_log, "--events", QString::number(kEvents), "--format",
            "jsonl", "--seed", "13", "--rate", "100" });
        QVERIFY2(g.exitCode == 0, g.err.constData());
        const Run p = runCli({ "produce", "--brokers", m_boot, "--topic", "clicks", m_log });
        QVERIFY2(p.exitCode == 0, p.err.constData());
        // The one-process ingest of the same topic: what every cluster run must equal.
        m_reference = m_dir.filePath("reference.db");
        const Run r = runCli({ "ingest", "--db", m_reference, "--until-end", uri("clicks") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(aggText(m_reference), truthAggText(m_log));
        QVERIFY(queryText(m_reference, "SELECT count(*) FROM agg WHERE late > 0").toInt() > 0);
    }

    void cleanupTestCase()
    {
        for (QProcess* p : m_brokers) {
            p->terminate();
            p->waitForFinished(10'000);
        }
    }

    //! One worker, then two in another group on another aggregate topic: each store equals the
    //! one-process ingest; queries on it answer as on the reference.
    void oneAndTwoWorkersEqualOneProcess()
    {
        QProcess* w = startWorker("clicks", "agg1", "g1", "w1");
        QVERIFY(w);
        const QString one = m_dir.filePath("one.db");
        QVERIFY(storeUntilComplete(one, "agg1"));
        stop(w);
        QCOMPARE(clusterState(one), clusterState(m_reference));

        QProcess* a = startWorker("clicks", "agg2", "g2", "w2a");
        QProcess* b = startWorker("clicks", "agg2", "g2", "w2b");
        QVERIFY(a && b);
        const QString two = m_dir.filePath("two.db");
        QVERIFY(storeUntilComplete(two, "agg2", "commit.after_commit:2"));
        stop(a);
        stop(b);
        QCOMPARE(clusterState(two), clusterState(m_reference));
        // Both workers counted (the group split the partitions), and nothing was applied twice:
        // a store run over the whole topic again changes nothing.
        QVERIFY(json(QFile::exists(m_dir.filePath("w2a.out")) ? [&] {
            QFile f(m_dir.filePath("w2a.out"));
            f.open(QIODevice::ReadOnly);
            return f.readAll();
        }() : QByteArray())["messages"].toInteger() > 0);
        const Run again = runCli({ "ingest", "--db", two, "--until-end", uri("agg2") + "?kind=aggregates" });
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(clusterState(two), clusterState(m_reference));

        // The reduce step and the queries: as on the one-process database.
        for (const QStringList& q : { QStringList { "popular", "--count", "10", "--window", "3" },
                 QStringList {
                     "popular", "--count", "5", "--window", "2", "--filter", "country in (US,KR)" } }) {
            const Run x = runCli(q + QStringList { "--db", two });
            const Run y = runCli(q + QStringList { "--db", m_reference });
            QVERIFY2(x.exitCode == 0, x.err.constData());
            QCOMPARE(x.out, y.out);
        }
        // Raw events are not there: filters that need them are refused, never answered with 0.
        const Run ip = runCli(
            { "popular", "--db", two, "--count", "3", "--window", "3", "--filter", "ip=10.0.0.0/8" });
        QVERIFY(ip.exitCode != 0);
        QVERIFY2(ip.err.contains("cluster store"), ip.err.constData());
    }

    //! The input offsets `name`'s checkpoints of `topic` reached, summed over partitions.
    qint64 checkpointed(const QString& name, const QString& topic) const
    {
        std::map<int, qint64> newest;
        const QRegularExpression note("checkpoint of kafka:" + topic + "/(\\d+) at offset (\\d+) committed");
        for (auto it = note.globalMatch(workerLog(name)); it.hasNext();) {
            const auto m = it.next();
            qint64& at = newest[m.captured(1).toInt()];
            at = std::max(at, m.captured(2).toLongLong());
        }
        qint64 sum = 0;
        for (const auto& [partition, at] : newest)
            sum += at;
        return sum;
    }

    //! Waits until `name`'s log says it was assigned partitions (false after 60 s).
    bool waitAssigned(const QString& name)
    {
        QElapsedTimer t;
        t.start();
        while (!workerLog(name).contains("assigned") && t.elapsed() < 60'000)
            QThread::msleep(100);
        return workerLog(name).contains("assigned");
    }

    //! The stream's lines [from, to) as a file of their own.
    QString slice(int from, int to, const QString& name) { return sliceOf(m_log, from, to, name); }
    QString sliceOf(const QString& log, int from, int to, const QString& name)
    {
        QFile in(log);
        if (!in.open(QIODevice::ReadOnly)) return {};
        const QList<QByteArray> lines = in.readAll().split('\n');
        QFile out(m_dir.filePath(name));
        if (!out.open(QIODevice::WriteOnly)) return {};
        for (int i = from; i < std::min<int>(to, lines.size()); ++i)
            out.write(lines[i] + '\n');
        return out.fileName();
    }

    //! Three workers and more over a stream produced while they run: one starts, two join
    //! (partitions move with their published state), the first is killed with SIGKILL while the
    //! second half of the stream arrives (its partitions are rebuilt by the others from offset 0),
    //! a fourth joins; the store is killed at its commits meanwhile.
    void killedAndAddedWorkersEqualOneProcess()
    {
        const int half = 12000;
        const QString first = slice(0, half, "live1.jsonl"), second = slice(half, 1 << 30, "live2.jsonl");
        QVERIFY(!first.isEmpty() && !second.isEmpty());
        QCOMPARE(runCli({ "produce", "--brokers", m_boot, "--topic", "live", first }).exitCode, 0);
        QProcess* k1 = startWorker("live", "agg3", "g3", "k1");
        QVERIFY(k1);
        const QString db = m_dir.filePath("killed.db");
        QElapsedTimer t;
        t.start();
        while (storedLines(db) == 0 && t.elapsed() < 60'000) {
            runCli({ "ingest", "--db", db, "--until-end", uri("agg3") + "?kind=aggregates" });
            QThread::msleep(200);
        }
        QVERIFY(storedLines(db) > 0);
        QProcess* k2 = startWorker("live", "agg3", "g3", "k2", kCheckpoints);
        QProcess* k3 = startWorker("live", "agg3", "g3", "k3", kCheckpoints);
        QVERIFY(k2 && k3);
        QVERIFY(waitAssigned("k2"));
        QVERIFY(waitAssigned("k3"));
        QProcess producer;
        producer.start(QStringLiteral(ADCLICK_CLI),
            { "produce", "--brokers", m_boot, "--topic", "live", "--rate", "2500", second });
        QVERIFY(producer.waitForStarted());
        QThread::msleep(1500);
        QCOMPARE(producer.state(), QProcess::Running); // the kill comes mid-stream
        k1->kill(); // SIGKILL: open units lost, nothing flushed, no group leave
        k1->waitForFinished();
        QProcess* k4 = startWorker("live", "agg3", "g3", "k4", kCheckpoints);
        QVERIFY(k4);
        QVERIFY(producer.waitForFinished(120'000));
        QCOMPARE(producer.exitCode(), 0);

        QVERIFY(storeUntilComplete(db, "agg3", "commit.after_commit:3"));
        for (QProcess* w : { k2, k3, k4 })
            stop(w);
        const QString reference = m_dir.filePath("live-reference.db");
        const Run r = runCli({ "ingest", "--db", reference, "--until-end", uri("live") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(clusterState(db), clusterState(reference));
        QCOMPARE(aggText(db), truthAggText(m_log));
        // Partitions did move with published state: workers rebuilt those of k1 (which wrote no
        // checkpoints) from offset 0. Those of the others are restored from a checkpoint when one
        // was committed in time: the mock refuses commits while a rebalance is under way, so that
        // is chance here (checkpointsOutliveRetention covers the restore for certain).
        const QString logs = workerLog("k2") + workerLog("k3") + workerLog("k4");
        QVERIFY2(logs.contains("rebuilding its state from offset 0"), qPrintable(logs));
        qInfo("partitions restored from a checkpoint: %lld",
            static_cast<long long>(logs.count("restored from its checkpoint")));
    }

    //! Two groups count the same topic into one aggregate topic (as zombie workers would): every
    //! range of input offsets is published twice with different unit boundaries, and the store
    //! must still count each message once (units applied already are skipped, overlapping ones
    //! not applied), ending equal to one process.
    void everyRangeCountedOnceWhatever()
    {
        QProcess* a = startWorker("clicks", "agg4", "z1", "z1");
        QProcess* b = startWorker("clicks", "agg4", "z2", "z2");
        QVERIFY(a && b);
        const QString db = m_dir.filePath("zombies.db");
        QVERIFY(storeUntilComplete(db, "agg4"));
        stop(a);
        stop(b);
        QCOMPARE(clusterState(db), clusterState(m_reference));
    }

    //! Retention: a partition whose oldest messages the broker dropped is taken over from its
    //! checkpoint after its worker was killed (SIGKILL), and the store still equals the truth.
    void checkpointsOutliveRetention()
    {
        // One ad: every click in one partition; the two halves together are more than the mock
        // keeps (~5 MiB), the first alone is not.
        const QString log = m_dir.filePath("long.jsonl");
        QCOMPARE(runCli({ "gen", "--out", log, "--events", "56000", "--format", "jsonl", "--ads", "1",
                            "--seed", "5", "--rate", "50" })
                     .exitCode,
            0);
        const QString first = sliceOf(log, 0, 28000, "long1.jsonl"),
                      second = sliceOf(log, 28000, 1 << 30, "long2.jsonl");
        const Run p1 = runCli({ "produce", "--brokers", m_boot, "--topic", "long", first });
        QCOMPARE(p1.exitCode, 0);
        const qint64 firstMessages = json(p1.out)["delivered"].toInteger(); // blank lines are not sent
        QVERIFY(firstMessages > 27000);
        QProcess* w1 = startWorker("long", "agg5", "g6", "long1", kCheckpoints);
        QVERIFY(w1);
        const QString db = m_dir.filePath("long.db");
        QElapsedTimer t;
        t.start();
        while (checkpointed("long1", "long") < firstMessages && t.elapsed() < 90'000)
            QThread::msleep(200);
        QVERIFY2(checkpointed("long1", "long") == firstMessages, qPrintable(workerLog("long1")));
        w1->kill(); // SIGKILL, after its checkpoints of the whole first half
        w1->waitForFinished();
        const Run p2 = runCli({ "produce", "--brokers", m_boot, "--topic", "long", second });
        QCOMPARE(p2.exitCode, 0);
        const qint64 messages = firstMessages + json(p2.out)["delivered"].toInteger();
        // The log's start has moved: without the checkpoint the partition cannot be counted.
        QProcess* plain = startWorker("long", "agg5", "g7", "long-plain");
        QVERIFY(plain && plain->waitForFinished(90'000));
        QCOMPARE(plain->exitCode(), 1);
        QVERIFY2(
            workerLog("long-plain").contains("no longer starts at 0"), qPrintable(workerLog("long-plain")));

        QProcess* w2 = startWorker("long", "agg5", "g6", "long2", kCheckpoints);
        QVERIFY(w2);
        t.restart();
        while (t.elapsed() < 120'000) {
            runCli({ "ingest", "--db", db, "--until-end", uri("agg5") + "?kind=aggregates" });
            if (storedLines(db) == messages) break;
            QThread::msleep(300);
        }
        stop(w2);
        QCOMPARE(storedLines(db), messages);
        QCOMPARE(aggText(db), truthAggText(log));
        QVERIFY2(workerLog("long2").contains("restored from its checkpoint"), qPrintable(workerLog("long2")));
    }

    //! A worker killed between writing a checkpoint and committing it (its chunks are in the state
    //! topic, no offset points at them): the next owner takes the previous checkpoint or reads the
    //! partition from 0, and the store still equals one process.
    void killedWhileCheckpointing()
    {
        QCOMPARE(runCli({ "produce", "--brokers", m_boot, "--topic", "ck", slice(0, 12000, "ck1.jsonl") })
                     .exitCode,
            0);
        auto* c1 = new QProcess(this);
        c1->setProcessEnvironment(envWith("worker.checkpoint_commit:3"));
        c1->setStandardErrorFile(m_dir.filePath("c1.err"));
        c1->start(QStringLiteral(ADCLICK_CLI),
            QStringList {
                "aggregate", uri("ck"), "--to", uri("agg6"), "--group", "g8", "--unit-events", "500" }
                + kGroupProps + kCheckpoints);
        QVERIFY(c1->waitForFinished(90'000));
        QCOMPARE(c1->exitStatus(), QProcess::CrashExit);
        QVERIFY2(workerLog("c1").contains("assigned"), qPrintable(workerLog("c1")));
        // The rest of the stream comes after the crash: the next owner must continue every partition.
        QCOMPARE(
            runCli({ "produce", "--brokers", m_boot, "--topic", "ck", slice(12000, 1 << 30, "ck2.jsonl") })
                .exitCode,
            0);
        QProcess* c2 = startWorker("ck", "agg6", "g8", "c2", kCheckpoints);
        QVERIFY(c2);
        const QString db = m_dir.filePath("checkpointing.db");
        QVERIFY(storeUntilComplete(db, "agg6"));
        stop(c2);
        const QString reference = m_dir.filePath("ck-reference.db");
        const Run r = runCli({ "ingest", "--db", reference, "--until-end", uri("ck") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(clusterState(db), clusterState(reference));
        QCOMPARE(aggText(db), truthAggText(m_log));
        // The first two checkpoints' commits were sent (whether they arrived before the crash is
        // chance), the third's was not: most partitions were rebuilt from offset 0.
        const QString log = workerLog("c2");
        QVERIFY2(log.count("restored from its checkpoint") <= 2, qPrintable(log));
        QVERIFY2(log.count("rebuilding its state from offset 0") >= 6, qPrintable(log));
    }

    //! What cannot be exact is refused, never counted wrong: a store with other engine settings
    //! than the workers', and a partition whose oldest messages the broker dropped (its state
    //! cannot be rebuilt by reading it again).
    void refusesWhatCannotBeExact()
    {
        QProcess* counting = startWorker("clicks", "agg1", "g1", "w5"); // units in agg1 (again)
        QVERIFY(counting);
        const QString other = m_dir.filePath("other-settings.db");
        Run s;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 60'000) {
            s = runCli({ "ingest", "--db", other, "--lateness", "120", "--until-end",
                uri("agg1") + "?kind=aggregates" });
            if (s.exitCode != 0) break;
            QThread::msleep(300);
        }
        stop(counting);
        QCOMPARE(s.exitCode, 1);
        QVERIFY2(s.err.contains("the workers count with lateness 60 s"), s.err.constData());
        QCOMPARE(storedLines(other), 0);

        // Checkpoints among the units would be read as units: refused.
        const Run same = runCli({ "aggregate", uri("clicks"), "--to", uri("agg1"), "--checkpoints", "agg1" });
        QCOMPARE(same.exitCode, 1);
        QVERIFY2(same.err.contains("--checkpoints needs a topic of its own"), same.err.constData());

        // One ad: every click in one partition, more than the mock keeps (~5 MiB).
        const QString log = m_dir.filePath("big.jsonl");
        QCOMPARE(runCli({ "gen", "--out", log, "--events", "50000", "--format", "jsonl", "--ads", "1",
                            "--no-truth" })
                     .exitCode,
            0);
        QCOMPARE(runCli({ "produce", "--brokers", m_boot, "--topic", "big", log }).exitCode, 0);
        QProcess* w = startWorker("big", "agg1", "g5", "big");
        QVERIFY(w);
        QVERIFY(w->waitForFinished(60'000));
        QCOMPARE(w->exitCode(), 1);
        QVERIFY2(workerLog("big").contains("no longer starts at 0"), qPrintable(workerLog("big")));
    }
};

QTEST_GUILESS_MAIN(TestCluster)
#include "tst_cluster.moc"
