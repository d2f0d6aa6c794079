// `ingest --threads 2` parses archived files on a worker thread while the main thread counts: the
// result must be that of one thread exactly. Each input is ingested with --threads 1 and
// --threads 2 (small batches, so many commits fall inside and across read chunks) and everything
// stored and printed is compared byte for byte: aggregates, counters, minute stats, rejects with
// their offsets and samples, source positions and parser states, raw events, exports, stats.
#include "test_support.h"

#include <QDir>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

#include <zlib.h>

using namespace testsupport;

namespace {

const QStringList kBatches = { "--commit-every", "7000", "--stage-raw-bytes", "100000" };

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
}

//! A JSON value without what depends on the clock (durations, rates), at any depth.
QJsonValue withoutTimes(const QJsonValue& v)
{
    if (v.isArray()) {
        QJsonArray out;
        for (const QJsonValue& e : v.toArray())
            out.append(withoutTimes(e));
        return out;
    }
    if (!v.isObject()) return v;
    QJsonObject o = v.toObject();
    for (const QString& key : o.keys()) {
        if (key.contains("second") || key.contains("per_s") || key.contains("rate"))
            o.remove(key);
        else
            o[key] = withoutTimes(o[key]);
    }
    return o;
}

//! An ingest's summary without what depends on the clock.
QString runSummary(const QByteArray& out)
{
    return QString::fromUtf8(QJsonDocument(withoutTimes(json(out)).toObject()).toJson());
}

} // namespace

class TestIngestThreads : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString path(const QString& name) const { return m_dir.filePath(name); }

    QByteArray generate(const QString& name, const QStringList& extra)
    {
        const QString out = path(name);
        const Run g = runCli(QStringList { "gen", "--out", out } + extra);
        if (g.exitCode != 0) qWarning("gen failed: %s", g.err.constData());
        return readAll(out);
    }

    //! Everything a database holds and shows, as text.
    static QString everything(const QString& db)
    {
        QString s = fullState(db) + "--\n"
            + queryText(db, "SELECT source, offset, reason, hex(line) FROM rejects ORDER BY id") + "--\n"
            + queryText(db,
                "SELECT s.uri, s.offset, hex(p.state) FROM sources s LEFT JOIN source_parsers p "
                "ON p.source = s.id ORDER BY s.id")
            + "--\n" + queryText(db, "SELECT file, bytes FROM segments ORDER BY id")
            + "--\n"
            // The CRC blocks of the raw segments.
            + queryText(db, "SELECT * FROM raw_blocks") + "--\n";
        const Run stats = runCli({ "stats", "--db", db });
        s += QString::fromUtf8(stats.out) + "--\n";
        const QString csv = db + ".minutes.csv";
        const Run exported = runCli({ "export", "--db", db, "--out", csv, "--minutes", "--from",
            "2020-12-31T00:00:00Z", "--to", "2021-01-02T00:00:00Z" });
        s += QString::number(exported.exitCode) + "\n" + QString::fromUtf8(readAll(csv));
        return s;
    }

    //! Ingests `sources` with 1 and with 2 threads into fresh databases and compares them.
    void compareThreads(const QString& tag, const QStringList& sources, const QStringList& extra = {})
    {
        QString state[2];
        QString summary[2];
        for (int threads : { 1, 2 }) {
            const QString db = path(QStringLiteral("%1-%2.db").arg(tag).arg(threads));
            const Run r = runCli(QStringList { "ingest", "--db", db, "--threads", QString::number(threads) }
                + kBatches + extra + sources);
            QVERIFY2(r.exitCode == 0 && !r.crashed, r.err.constData());
            state[threads - 1] = everything(db);
            summary[threads - 1] = runSummary(r.out);
        }
        QVERIFY(state[0].count('\n') > 20);
        QCOMPARE(summary[1], summary[0]);
        QCOMPARE(state[1], state[0]);
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // Two generated CSV logs one after the other (the second's header, in another column order,
    // stands mid-file), then junk: a line without columns, a header lacking ad_id
    // (bad_csv_header, rows after it read in the default order), a record with a quoted line
    // break, control bytes, bad UTF-8, a line over the limit, and a last line without '\n'.
    // ~10 MB: several read chunks, with commits inside and across them.
    void csvWithHeaderChanges()
    {
        QByteArray log = generate("a.csv", { "--events", "90000", "--format", "csv", "--seed", "31" });
        log += generate("b.csv",
            { "--events", "60000", "--format", "csv", "--seed", "32", "--start", "2021-01-01T00:03:00Z" });
        log += "no columns here\nuser_id,ip,country\n";
        log += "ad7,2021-01-01T00:05:10Z,u1,10.0.0.1,US\n";
        log += "ad7,2021-01-01T00:05:11Z,u2,10.0.0.2,US,\"two\nlines\"\n";
        log += "ad7,2021-01-01T00:05:12Z,u\x01,10.0.0.3,US\n";
        log += "ad7,2021-01-01T00:05:13Z,u\xff,10.0.0.4,US\n";
        log += "ad7,2021-01-01T00:05:14Z," + QByteArray(70000, 'x') + ",10.0.0.5,US\n";
        log += "ad,click_timestamp,user_id,ip,country\n";
        log += "ad8,2021-01-01T00:05:15Z,u3,10.0.0.6,DE";
        QVERIFY(writeFile(path("mixed.csv"), log));
        compareThreads("csv", { path("mixed.csv") });
        QVERIFY(writeFile(path("mixed.csv.gz"), log, true));
        compareThreads("gz", { path("mixed.csv.gz") });
    }

    void bookAndJsonLines()
    {
        generate("book.log", { "--events", "80000", "--format", "book", "--seed", "33" });
        compareThreads("book", { path("book.log") });
        generate("lines.jsonl", { "--events", "80000", "--format", "jsonl", "--seed", "34" });
        compareThreads("jsonl", { path("lines.jsonl") }, { "--format", "jsonl" });
        compareThreads("auto-both", { path("book.log"), path("lines.jsonl") });
    }

    // A folder of rotated files (app.log.2.gz oldest, then app.log.1, then app.log).
    void rotatedFolder()
    {
        const QByteArray log
            = generate("rot.log", { "--events", "60000", "--format", "book", "--seed", "35" });
        const qsizetype third = log.indexOf('\n', log.size() / 3) + 1;
        const qsizetype twoThirds = log.indexOf('\n', 2 * log.size() / 3) + 1;
        QVERIFY(QDir().mkpath(path("logs")));
        QVERIFY(writeFile(path("logs/app.log.2.gz"), log.left(third), true));
        QVERIFY(writeFile(path("logs/app.log.1"), log.mid(third, twoThirds - third)));
        QVERIFY(writeFile(path("logs/app.log"), log.mid(twoThirds)));
        compareThreads("folder", { path("logs") });
    }

    // Duplicates, late clicks and rejects under other engine settings (late clicks applied, a
    // short horizon): with 2 threads the batches are committed on the committer thread while the
    // next one is counted (committer.h); the result is still that of one thread, byte for byte.
    void lateUpdateShortHorizon()
    {
        generate("late.csv",
            { "--events", "120000", "--format", "csv", "--seed", "37", "--dup-rate", "0.05", "--late-rate",
                "0.02", "--malformed-rate", "0.01", "--lateness", "30", "--dedup-horizon", "120" });
        compareThreads("late", { path("late.csv") },
            { "--lateness", "30s", "--late", "update", "--dedup-horizon", "2m" });
    }

    // With 2 threads the store's writes run on the committer thread: a commit that fails there
    // (a full disk: a file size limit, SIGXFSZ ignored so that writes fail with EFBIG) ends the
    // run with the store's error and a consistent prefix of the input, and the same command run
    // again with space ends exactly where one uninterrupted thread ends: nothing lost, nothing
    // counted twice.
    void diskFullOnTheCommitterThread()
    {
        generate("full.csv", { "--events", "150000", "--format", "csv", "--seed", "36" });
        const QString reference = path("full-ref.db");
        const QStringList file { path("full.csv") };
        QCOMPARE(runCli(QStringList { "ingest", "--db", reference } + kBatches + file).exitCode, 0);
        const QString db = path("full-2.db");
        const QStringList ingest = QStringList { "ingest", "--db", db, "--threads", "2" } + kBatches + file;
        QProcess p;
        p.start("bash",
            QStringList { "-c", "trap '' XFSZ; ulimit -f 1000; exec \"$0\" \"$@\"", ADCLICK_CLI } + ingest);
        QVERIFY(p.waitForFinished(60'000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 1);
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(err.contains("full") || err.contains("too large") || err.contains("disk"), err.constData());
        QCOMPARE(integrity(db), QStringLiteral("ok"));
        // It failed part-way: the batches committed before the failure are kept.
        const qint64 kept = json(runCli({ "stats", "--db", db }).out)["lines"].toInteger();
        QVERIFY2(kept > 0 && kept < 150000, QByteArray::number(kept).constData());
        const Run resumed = runCli(ingest);
        QVERIFY2(resumed.exitCode == 0 && !resumed.crashed, resumed.err.constData());
        QCOMPARE(fullState(db), fullState(reference));
    }

    // A commit that fails on the committer thread (an injected error inside its transaction, the
    // process going on) ends the run with that error at the next hand-off: no batch after it is
    // committed (its positions would skip the failed batch's clicks), and the same command run
    // again ends exactly where one uninterrupted thread ends.
    void commitErrorOnTheCommitterThread()
    {
        generate("fail.csv", { "--events", "100000", "--format", "csv", "--seed", "38" });
        const QStringList file { path("fail.csv") };
        const QString reference = path("fail-ref.db");
        QCOMPARE(runCli(QStringList { "ingest", "--db", reference } + kBatches + file).exitCode, 0);
        const QString db = path("fail-2.db");
        const QStringList ingest = QStringList { "ingest", "--db", db, "--threads", "2" } + kBatches + file;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("ADCLICK_FAILPOINT", "commit.fail_txn:3:error");
        const Run failed = runCli(ingest, env);
        QCOMPARE(failed.exitCode, 1);
        QVERIFY2(failed.err.contains("injected failure"), failed.err.constData());
        QCOMPARE(integrity(db), QStringLiteral("ok"));
        const qint64 kept = json(runCli({ "stats", "--db", db }).out)["lines"].toInteger();
        QVERIFY2(kept >= 7000 && kept < 100000, QByteArray::number(kept).constData());
        const Run resumed = runCli(ingest);
        QVERIFY2(resumed.exitCode == 0 && !resumed.crashed, resumed.err.constData());
        QCOMPARE(fullState(db), fullState(reference));
    }

    // A run with 2 threads stopped half-way (the source's first header lacks ad_id: the run
    // stops) leaves the same database as one thread.
    void headerErrorStopsAlike()
    {
        QVERIFY(writeFile(path("badhead.csv"), "user_id,ip,country\nu1,10.0.0.1,US\n"));
        for (int threads : { 1, 2 }) {
            const QString db = path(QStringLiteral("badhead-%1.db").arg(threads));
            const Run r = runCli(
                { "ingest", "--db", db, "--threads", QString::number(threads), path("badhead.csv") });
            QVERIFY(r.exitCode != 0);
            QVERIFY2(r.err.contains("ad_id"), r.err.constData());
        }
    }

    void threadsMustBeAPositiveNumber()
    {
        for (const char* bad : { "0", "-1", "x" }) {
            const Run r
                = runCli({ "ingest", "--db", path("usage.db"), "--threads", bad, path("badhead.csv") });
            QCOMPARE(r.exitCode, 2);
        }
    }
};

QTEST_MAIN(TestIngestThreads)
#include "tst_ingest_threads.moc"
