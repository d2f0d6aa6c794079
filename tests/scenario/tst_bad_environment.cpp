// R11–R14: bad environments and evil files end in clear messages (or counted rejects), never a
// crash or hang, and the database stays consistent and complete after the cause is removed.
#include "test_support.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace testsupport;

class TestBadEnvironment : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_log;

    QString path(const QString& name) const { return m_dir.filePath(name); }

    static void writeFile(const QString& file, const QByteArray& content)
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(content);
    }

    static void appendFile(const QString& file, const QByteArray& content)
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::Append));
        f.write(content);
    }

    static qint64 statsValue(const QString& db, const char* key)
    {
        return json(runCli({ "stats", "--db", db }).out)[key].toInteger();
    }

    static bool waitFor(const std::function<bool()>& cond, int ms = 15'000)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < ms) {
            if (cond()) return true;
            QThread::msleep(50);
        }
        return cond();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_log = path("clicks.log");
        const Run g
            = runCli({ "gen", "--out", m_log, "--events", "40000", "--format", "csv", "--seed", "8" });
        QVERIFY2(g.exitCode == 0, g.err.constData());
    }

    // A duration that does not fit (or would overflow the engine's time arithmetic) is a usage
    // error that changes nothing, never a silently wrapped value (-1 s from 2^63 - 1 s).
    void outOfRangeDurationsAreRefused_data()
    {
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("value");
        QTest::addColumn<int>("exitCode");
        QTest::newRow("int64 max seconds") << "--lateness"
                                           << "9223372036854775807" << 2;
        QTest::newRow("overflowing hours") << "--dedup-horizon"
                                           << "9223372036854775h" << 2;
        QTest::newRow("just over ten years") << "--lateness"
                                             << "87601h" << 2;
        QTest::newRow("ten years") << "--lateness"
                                   << "87600h" << 0;
    }
    void outOfRangeDurationsAreRefused()
    {
        QFETCH(QString, option);
        QFETCH(QString, value);
        QFETCH(int, exitCode);
        const QString db = path("duration-" + value + ".db");
        const Run r = runCli({ "ingest", "--db", db, option, value, m_log });
        QCOMPARE(r.exitCode, exitCode);
        if (exitCode == 2) {
            QVERIFY2(r.err.contains(option.toUtf8() + " needs a duration"), r.err.constData());
            QVERIFY(!QFile::exists(db));
        } else {
            QCOMPARE(statsValue(db, "lines"), qint64(40000));
        }
    }

    // Another application's SQLite file is refused byte for byte unchanged, also when one of its
    // tables has the name of one of ours (that used to leave half a schema behind).
    void foreignDatabaseIsRefusedAndUnchanged()
    {
        const QString db = path("other-app.db");
        sqlite3* conn = nullptr;
        QCOMPARE(sqlite3_open(db.toUtf8().constData(), &conn), SQLITE_OK);
        QCOMPARE(sqlite3_exec(conn,
                     "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE ads(x);"
                     "INSERT INTO users(name) VALUES('alice');",
                     nullptr, nullptr, nullptr),
            SQLITE_OK);
        sqlite3_close(conn);
        QFile f(db);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray before = f.readAll();
        f.close();

        const Run r = runCli({ "ingest", "--db", db, m_log });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("is an SQLite database of another application (it has 'users')"),
            r.err.constData());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before);
        QVERIFY(!QFile::exists(db + "-wal"));

        // An empty SQLite file is a new database.
        const QString empty = path("empty-sqlite.db");
        QCOMPARE(sqlite3_open(empty.toUtf8().constData(), &conn), SQLITE_OK);
        sqlite3_close(conn);
        QCOMPARE(runCli({ "ingest", "--db", empty, m_log }).exitCode, 0);
        QCOMPARE(statsValue(empty, "lines"), qint64(40000));
    }

    void missingSourceIsAClearError()
    {
        const Run r = runCli({ "ingest", "--db", path("missing.db"), path("no-such.log") });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no-such.log"), r.err.constData());
    }

    void unwritableDatabaseIsAClearError()
    {
        const Run r = runCli({ "ingest", "--db", "/proc/adclick/x.db", m_log });
        QVERIFY(r.exitCode != 0 && !r.crashed);
        QVERIFY2(r.err.contains("x.db"), r.err.constData());
    }

    void notADatabaseIsAClearError()
    {
        writeFile(path("garbage.db"), QByteArray(8192, 'x'));
        const Run r = runCli({ "ingest", "--db", path("garbage.db"), m_log });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("garbage.db"), r.err.constData());
        const Run s = runCli({ "stats", "--db", path("garbage.db") });
        QCOMPARE(s.exitCode, 1);
    }

    // Defect 10 of issue 9: a database in a read-only place (file 0444 in a folder 0555) answers
    // every query exactly as before. Root ignores permissions, so then the queries run as
    // `nobody` (setpriv), and the test first proves that this user really cannot write there.
    void readOnlyDatabaseAnswersLikeBefore()
    {
        const QString dir = path("ro");
        const QString db = dir + "/clicks.db";
        QVERIFY(QDir().mkpath(dir));
        QCOMPARE(runCli({ "ingest", "--db", db, m_log }).exitCode, 0);
        const QString outDir = path("ro-out");
        QVERIFY(QDir().mkpath(outDir));
        const QString at = "2021-01-01T00:10:00Z";
        const QList<QStringList> queries { { "stats", "--db", db },
            { "popular", "--db", db, "--count", "5", "--window", "30", "--at", at },
            { "count", "--db", db, "--ad", "ad000910", "--from", "2020-12-31T23:59:00Z", "--to", at },
            { "count", "--db", db, "--ad", "ad000910", "--from", "2020-12-31T23:59:50.5Z", "--to", at,
                "--filter", "country=US" },
            { "export", "--db", db, "--out", outDir + "/top.csv", "--top", "--count", "5", "--window", "30",
                "--at", at } };
        const QStringList asUser = ::geteuid() == 0
            ? QStringList { "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--" }
            : QStringList {};
        auto run = [&](const QStringList& args, bool readOnlyUser) {
            QProcess p;
            const QStringList all
                = (readOnlyUser ? asUser : QStringList {}) + QStringList { ADCLICK_CLI } + args;
            p.start(all.first(), all.mid(1));
            Run r;
            if (p.waitForStarted(10'000) && p.waitForFinished(60'000)
                && p.exitStatus() == QProcess::NormalExit)
                r.exitCode = p.exitCode();
            r.out = p.readAllStandardOutput();
            r.err = p.readAllStandardError();
            if (args.first() == "export") {
                QString error;
                r.out = readInput(outDir + "/top.csv", error);
            }
            return r;
        };
        QList<QByteArray> before;
        for (const QStringList& q : queries) {
            const Run r = run(q, false); // the owner, with write access
            QVERIFY2(r.exitCode == 0, (q.first() + ": " + r.err).toUtf8().constData());
            before << r.out;
        }
        QVERIFY(!QFile::exists(db + "-wal") || QFileInfo(db + "-wal").size() == 0);
        QVERIFY(::chmod(QFile::encodeName(db).constData(), 0444) == 0);
        QVERIFY(::chmod(QFile::encodeName(dir).constData(), 0555) == 0);
        QVERIFY(::chmod(QFile::encodeName(m_dir.path()).constData(), 0755) == 0);
        QVERIFY(::chmod(QFile::encodeName(outDir).constData(), 0777) == 0);
        QFile::remove(db + "-shm");
        // The place really is read-only for the user who queries.
        QProcess probe;
        const QStringList touch = asUser + QStringList { "touch", dir + "/probe" };
        probe.start(touch.first(), touch.mid(1));
        QVERIFY(probe.waitForFinished(10'000));
        QVERIFY2(
            probe.exitCode() != 0, "the query user can write the read-only folder: the test proves nothing");
        for (int i = 0; i < queries.size(); ++i) {
            QFile::remove(outDir + "/top.csv");
            const Run r = run(queries[i], true);
            QVERIFY2(r.exitCode == 0, (queries[i].first() + ": " + r.err).toUtf8().constData());
            QCOMPARE(r.out, before[i]);
        }
        QVERIFY(::chmod(QFile::encodeName(dir).constData(), 0755) == 0);
        QVERIFY(::chmod(QFile::encodeName(m_dir.path()).constData(), 0700) == 0);
    }

    void secondInstanceIsRefusedAtOnce()
    {
        // R13: the first ingest follows a live log; a second one must be refused within a second.
        const QString db = path("single.db");
        const QString live = path("live.log");
        QFile::copy(m_log, live);
        QProcess first;
        first.start(QStringLiteral(ADCLICK_CLI), { "ingest", "--db", db, "--follow", live });
        QVERIFY(first.waitForStarted());
        QVERIFY(waitFor([&] { return statsValue(db, "lines") > 0; }));
        QElapsedTimer t;
        t.start();
        const Run second = runCli({ "ingest", "--db", db, m_log });
        QVERIFY(t.elapsed() < 1000);
        QCOMPARE(second.exitCode, 1);
        QVERIFY2(second.err.contains("in use by another adclick ingest"), second.err.constData());
        // It names the holder's pid on the same line.
        const QByteArray holder = "(pid " + QByteArray::number(first.processId()) + ")";
        QVERIFY2(second.err.contains(holder), second.err.constData());
        // The first one is unaffected and still takes new lines.
        const qint64 before = statsValue(db, "lines");
        appendFile(live, "ad_id,click_timestamp,user_id,ip,country\n");
        first.terminate();
        QVERIFY(first.waitForFinished(10'000));
        QCOMPARE(first.exitStatus(), QProcess::NormalExit);
        QCOMPARE(first.exitCode(), 0);
        QVERIFY(statsValue(db, "lines") >= before);
        QCOMPARE(integrity(db), QStringLiteral("ok"));
    }

    void lockedDatabaseIsRetriedAndNothingIsLost()
    {
        // R12: another connection holds the write lock.
        const QString reference = path("lock-ref.db");
        QCOMPARE(runCli({ "ingest", "--db", reference, m_log }).exitCode, 0);
        const QString db = path("locked.db");
        writeFile(path("empty.log"), {});
        QCOMPARE(runCli({ "ingest", "--db", db, path("empty.log") }).exitCode, 0); // creates the database

        // Long lock: ingest gives up with a clear message after --lock-wait, storing nothing.
        sqlite3* conn = nullptr;
        QCOMPARE(sqlite3_open(db.toUtf8().constData(), &conn), SQLITE_OK);
        QCOMPARE(sqlite3_exec(conn, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
        const Run locked
            = runCli({ "ingest", "--db", db, "--commit-every", "5000", "--lock-wait", "2", m_log });
        QCOMPARE(locked.exitCode, 1);
        QVERIFY2(locked.err.contains("locked"), locked.err.constData());

        // Short lock: released while the ingest waits → transparent.
        QProcess p;
        p.start(QStringLiteral(ADCLICK_CLI), { "ingest", "--db", db, "--commit-every", "5000", m_log });
        QVERIFY(p.waitForStarted());
        QThread::msleep(1500);
        QCOMPARE(sqlite3_exec(conn, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(conn);
        QVERIFY(p.waitForFinished(60'000));
        QCOMPARE(p.exitCode(), 0);
        QCOMPARE(integrity(db), QStringLiteral("ok"));
        QCOMPARE(aggText(db), aggText(reference));
        QCOMPARE(countersText(db), countersText(reference));
    }

    void diskFullPausesCleanlyAndResumes()
    {
        // R11: a file size limit stands in for a full disk (SIGXFSZ ignored, so writes fail with EFBIG).
        const QString reference = path("full-ref.db");
        QCOMPARE(runCli({ "ingest", "--db", reference, m_log }).exitCode, 0);
        const QString db = path("full.db");
        QProcess p;
        p.start("bash",
            { "-c",
                QStringLiteral(
                    "trap '' XFSZ; ulimit -f 600; exec '%1' ingest --db '%2' --commit-every 3000 '%3'")
                    .arg(ADCLICK_CLI, db, m_log) });
        QVERIFY(p.waitForFinished(60'000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 1);
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(err.contains("full") || err.contains("size limit") || err.contains("disk"), err.constData());
        QCOMPARE(integrity(db), QStringLiteral("ok"));
        // With space again, the same command finishes and ends equal.
        QCOMPARE(runCli({ "ingest", "--db", db, "--commit-every", "3000", m_log }).exitCode, 0);
        QCOMPARE(aggText(db), aggText(reference));
        QCOMPARE(countersText(db), countersText(reference));
    }

    void evilFiles_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<qint64>("accepted");
        QTest::addColumn<qint64>("rejected");
        const QByteArray good = "ad1, 2021-01-01 00:00:01, u1, 1.2.3.4, US\n";
        const QByteArray good2 = "ad2, 2021-01-01 00:00:02, u2, 1.2.3.5, KR\n";
        QTest::newRow("empty") << QByteArray() << qint64(0) << qint64(0);
        QTest::newRow("no trailing newline") << (good + good2.chopped(1)) << qint64(2) << qint64(0);
        QTest::newRow("NUL bytes") << (good + QByteArray("ad3, 2021-01-01 00:00:03, u\0x, 1.2.3.6, US\n", 43)
            + good2) << qint64(2) << qint64(1);
        QTest::newRow("invalid UTF-8")
            << (good + "ad\xff, 2021-01-01 00:00:03, u3, 1.2.3.6, US\n" + good2) << qint64(2) << qint64(1);
        QTest::newRow("10 MB line") << (good + QByteArray(10 << 20, 'x') + "\n" + good2) << qint64(2)
                                    << qint64(1);
        QTest::newRow("CRLF") << (good.chopped(1) + "\r\n" + good2.chopped(1) + "\r\n") << qint64(2)
                              << qint64(0);
        QTest::newRow("only blanks") << QByteArray("\n\n  \n\r\n") << qint64(0) << qint64(0);
    }
    void evilFiles()
    {
        QFETCH(QByteArray, content);
        QFETCH(qint64, accepted);
        QFETCH(qint64, rejected);
        const QString file
            = path(QStringLiteral("evil-%1.log").arg(QTest::currentDataTag()).replace(' ', '_'));
        writeFile(file, content);
        const QString db = file + ".db";
        const Run r = runCli({ "ingest", "--db", db, "--format", "book", file });
        QVERIFY2(r.exitCode == 0 && !r.crashed, r.err.constData());
        const QJsonObject s = json(r.out);
        QCOMPARE(s["accepted"].toInteger(), accepted);
        QCOMPARE(s["rejected"].toInteger(), rejected);
        QCOMPARE(s["lines"].toInteger(), accepted + rejected);
        QCOMPARE(integrity(db), QStringLiteral("ok"));
    }

    void resumedCsvStillKnowsItsHeader()
    {
        // The header is not the first line: blank and binary lines come before it. A resumed run
        // must still read the file as CSV with that header.
        const QString file = path("late-header.csv");
        writeFile(file,
            QByteArray("\n\x01\x02 junk\nuser_id,ad_id,ip,country,click_timestamp\n"
                       "u1,ad1,1.2.3.4,US,2021-01-01 00:00:01\n"));
        const QString db = path("late-header.db");
        QCOMPARE(runCli({ "ingest", "--db", db, file }).exitCode, 0);
        appendFile(file, "u2,ad2,1.2.3.5,KR,2021-01-01 00:00:02\nu3,ad2,1.2.3.6,KR,2021-01-01 00:00:03\n");
        const Run r = runCli({ "ingest", "--db", db, file });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject s = json(r.out);
        QCOMPARE(s["accepted"].toInteger(), 3);
        QCOMPARE(s["rejected"].toInteger(), 1);
        QCOMPARE(s["run"].toObject()["lines"].toInteger(), 2);
    }

    void followedFileHoldsPartialLinesAndSurvivesTruncation()
    {
        const QString live = path("follow.log");
        const QString db = path("follow.db");
        writeFile(
            live, "ad1, 2021-01-01 00:00:01, u1, 1.2.3.4, US\nad2, 2021-01-01 00:00:02, u2, 1.2.3.5, K");
        QProcess p;
        p.start(QStringLiteral(ADCLICK_CLI), { "ingest", "--db", db, "--follow", "--format", "book", live });
        QVERIFY(p.waitForStarted());
        QVERIFY(waitFor([&] { return statsValue(db, "lines") == 1; }));
        QThread::msleep(1500);
        QCOMPARE(statsValue(db, "lines"), 1); // the partial line is held, not rejected
        appendFile(live, "R\n");
        QVERIFY(waitFor([&] { return statsValue(db, "accepted") == 2; }));
        // Truncated and rewritten under the reader: read again from the start.
        writeFile(live, "ad3, 2021-01-01 00:00:03, u3, 1.2.3.6, JP\n");
        QVERIFY(waitFor([&] { return statsValue(db, "accepted") == 3; }));
        // Rotated: renamed away and a new file in its place.
        QVERIFY(QFile::rename(live, live + ".1"));
        writeFile(live, "ad4, 2021-01-01 00:00:04, u4, 1.2.3.7, DE\n");
        QVERIFY(waitFor([&] { return statsValue(db, "accepted") == 4; }));
        p.terminate();
        QVERIFY(p.waitForFinished(10'000));
        QCOMPARE(p.exitCode(), 0);
        QCOMPARE(statsValue(db, "rejected"), 0);
        QCOMPARE(statsValue(db, "duplicates"), 0);
    }

    void idleSourceLetsTheWatermarkAdvance()
    {
        // Events "now"; after --idle 1 s without input the watermark follows wall time, so the
        // pane closes and a later event for it is late.
        const QString live = path("idle.log");
        const QString db = path("idle.db");
        // An event a second before the current minute began: its pane has ended in wall time.
        const qint64 now = QDateTime::currentMSecsSinceEpoch() / 60'000 * 60'000 - 1000;
        writeFile(live, QStringLiteral("ad1, %1, u1, 1.2.3.4, US\n").arg(now).toUtf8());
        QProcess p;
        p.start(QStringLiteral(ADCLICK_CLI),
            { "ingest", "--db", db, "--follow", "--idle", "1", "--lateness", "2", live });
        QVERIFY(p.waitForStarted());
        QVERIFY(waitFor([&] { return statsValue(db, "accepted") == 1; }));
        // Wall time has to pass the pane end + lateness + idle before the pane is final.
        const qint64 paneEnd = (now / 60'000 + 1) * 60'000;
        QVERIFY(waitFor([&] {
            const QString w = json(runCli({ "stats", "--db", db }).out)["watermark"].toString();
            return !w.isEmpty() && QDateTime::fromString(w, Qt::ISODateWithMs).toMSecsSinceEpoch() >= paneEnd;
        }));
        appendFile(live, QStringLiteral("ad1, %1, u2, 1.2.3.4, US\n").arg(now).toUtf8());
        QVERIFY(waitFor([&] { return statsValue(db, "late") == 1; }));
        p.terminate();
        QVERIFY(p.waitForFinished(10'000));
    }
};

QTEST_GUILESS_MAIN(TestBadEnvironment)
#include "tst_bad_environment.moc"
