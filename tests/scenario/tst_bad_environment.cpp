// R11–R14: bad environments and evil files end in clear messages (or counted rejects), never a
// crash or hang, and the database stays consistent and complete after the cause is removed.
#include "proc_locks.h"
#include "test_support.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>

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

    //! `count` book-format clicks, one second apart from click `first` on, each its own user.
    static QByteArray bookLines(int first, int count)
    {
        QByteArray out;
        for (int i = first; i < first + count; ++i)
            out += QStringLiteral("ad%1, %2, u%3, 10.0.0.1, US\n")
                       .arg(i % 7)
                       .arg(1'609'459'200'000LL + i * 1000LL)
                       .arg(i)
                       .toUtf8();
        return out;
    }

    //! The last line of a text file (without its line break).
    static QByteArray lastLineOf(const QString& file)
    {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly)) return {};
        const QByteArray text = f.readAll().trimmed();
        return text.mid(text.lastIndexOf('\n') + 1);
    }

    //! The stored offset of the database's only file source.
    static qint64 sourceOffset(const QString& db)
    {
        return queryText(db, "SELECT offset FROM sources").trimmed().toLongLong();
    }

    static void interrupt(QProcess& p) { ::kill(static_cast<pid_t>(p.processId()), SIGINT); }

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

    // Every numeric option of every command is range-checked: garbage, a sign, an exponent, a
    // trailing unit or an overflowing value is a usage error naming the option (exit 2), before
    // anything is opened or started; never atoi's silent 0, 12 or LLONG_MAX.
    void badNumbersAreUsageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("option");
        const QString noBroker = QStringLiteral("127.0.0.1:1");
        const QStringList produce { "produce", "--brokers", noBroker, "--topic", "t" };
        QTest::newRow("ingest --commit-every 12abc")
            << QStringList { "ingest", "--commit-every", "12abc" } << "--commit-every";
        QTest::newRow("ingest --commit-every 2^66")
            << QStringList { "ingest", "--commit-every", "99999999999999999999" } << "--commit-every";
        QTest::newRow("ingest --commit-every 0")
            << QStringList { "ingest", "--commit-every", "0" } << "--commit-every";
        QTest::newRow("ingest --live-top 1e3")
            << QStringList { "ingest", "--live-top", "1e3" } << "--live-top";
        QTest::newRow("ingest --stage-raw-bytes -5")
            << QStringList { "ingest", "--stage-raw-bytes", "-5" } << "--stage-raw-bytes";
        QTest::newRow("ingest --segment-bytes 0")
            << QStringList { "ingest", "--segment-bytes", "0" } << "--segment-bytes";
        QTest::newRow("ingest --segment-bytes 64MiB")
            << QStringList { "ingest", "--segment-bytes", "64MiB" } << "--segment-bytes";
        QTest::newRow("stats --samples -5") << QStringList { "stats", "--samples", "-5" } << "--samples";
        QTest::newRow("stats --samples x") << QStringList { "stats", "--samples", "x" } << "--samples";
        QTest::newRow("broker --brokers 3x") << QStringList { "broker", "--brokers", "3x" } << "--brokers";
        QTest::newRow("broker --partitions 2^66")
            << QStringList { "broker", "--partitions", "99999999999999999999" } << "--partitions";
        QTest::newRow("produce --rate 1e3")
            << produce + QStringList { "--rate", "1e3", "/dev/null" } << "--rate";
        QTest::newRow("produce --rate -5")
            << produce + QStringList { "--rate", "-5", "/dev/null" } << "--rate";
        QTest::newRow("produce --gen-events -5")
            << produce + QStringList { "--gen-events", "-5" } << "--gen-events";
        QTest::newRow("produce --seed 12abc")
            << produce + QStringList { "--seed", "12abc", "--gen-events", "5" } << "--seed";
        QTest::newRow("popular --count 2^66")
            << QStringList { "popular", "--count", "99999999999999999999", "--window", "5" } << "--count";
        QTest::newRow("gen --rate 1e3") << QStringList { "gen", "--rate", "1e3", "--out" } << "--rate";
    }
    void badNumbersAreUsageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, option);
        static int row = 0;
        const QString db = path(QStringLiteral("numbers-%1.db").arg(++row));
        QStringList all = args;
        if (all[0] == "ingest") all << "--db" << db << m_log;
        if (all[0] == "stats" || all[0] == "popular") all << "--db" << db;
        if (all[0] == "gen") all << path("numbers.log");
        // A short timeout: a command that took the bad number would start a broker, or try to
        // reach one, instead of ending.
        const Run r = runCli(all, QProcessEnvironment::systemEnvironment(), 20'000);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(option.toUtf8()), r.err.constData());
        QVERIFY(!QFile::exists(db));
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

    // A .gz or .zst file never grows: following one would wait forever, looking alive.
    void followingACompressedFileIsAClearError()
    {
        const QString gz = path("rotated.log.gz");
        QVERIFY(testsupport::writeFile(gz, "ad1, 2021-01-01 00:00:01, u1, 1.2.3.4, US\n", true));
        const Run r = runCli({ "ingest", "--db", path("follow-gz.db"), "--follow", gz });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("'" + gz.toUtf8() + "' is compressed, and a compressed log does not grow"),
            r.err.constData());
        // Read without --follow, it is an archive like any other.
        QCOMPARE(runCli({ "ingest", "--db", path("follow-gz.db"), gz }).exitCode, 0);
    }

    void unwritableDatabaseIsAClearError()
    {
        const Run r = runCli({ "ingest", "--db", "/proc/adclick/x.db", m_log });
        QVERIFY(r.exitCode != 0 && !r.crashed);
        QVERIFY2(r.err.contains("x.db"), r.err.constData());
    }

    // Issue 11 defect 8: a refused file is left alone, and nothing is created beside it (no lock
    // file, no raw folder), whichever command tried; files that were there before stay.
    void notADatabaseIsAClearError()
    {
        writeFile(path("garbage.db"), QByteArray(8192, 'x'));
        const Run r = runCli({ "ingest", "--db", path("garbage.db"), m_log });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(
            r.err.contains("garbage.db") && r.err.contains("not an AdClick database"), r.err.constData());
        const Run s = runCli({ "stats", "--db", path("garbage.db") });
        QCOMPARE(s.exitCode, 1);
        const Run f = runCli(
            { "filter", "save", "--db", path("garbage.db"), "--name", "us", "--expr", "country=US" });
        QCOMPARE(f.exitCode, 1);
        for (const char* suffix : { ".lock", ".raw", "-wal", "-shm", "-journal" })
            QVERIFY2(!QFileInfo::exists(path("garbage.db") + suffix), suffix);
        QCOMPARE(QFileInfo(path("garbage.db")).size(), qint64(8192));

        writeFile(path("binary.db"), QByteArray::fromHex("00ff13370000ffee").repeated(4096));
        QCOMPARE(runCli({ "ingest", "--db", path("binary.db"), m_log }).exitCode, 1);
        QCOMPARE(QDir(m_dir.path()).entryList({ "binary.db*" }), QStringList { "binary.db" });

        // A lock file and a raw folder that were there before stay.
        writeFile(path("garbage.db.lock"), {});
        QVERIFY(QDir(m_dir.path()).mkdir("garbage.db.raw"));
        QCOMPARE(runCli({ "ingest", "--db", path("garbage.db"), m_log }).exitCode, 1);
        QVERIFY(QFileInfo::exists(path("garbage.db.lock")) && QFileInfo(path("garbage.db.raw")).isDir());
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
        // The first one is unaffected and still takes new lines: once it has read the whole log,
        // a repeat of the log's last click is one more line (a duplicate).
        const qint64 total = truthCounters(m_log)["lines"].toInteger();
        QVERIFY(total > 0);
        QVERIFY(waitFor([&] { return statsValue(db, "lines") == total; }));
        const qint64 duplicates = statsValue(db, "duplicates");
        appendFile(live, lastLineOf(m_log) + "\n");
        QVERIFY(waitFor([&] { return statsValue(db, "lines") == total + 1; }));
        first.terminate();
        QVERIFY(first.waitForFinished(10'000));
        QCOMPARE(first.exitStatus(), QProcess::NormalExit);
        QCOMPARE(first.exitCode(), 0);
        QCOMPARE(statsValue(db, "lines"), total + 1);
        QCOMPARE(statsValue(db, "duplicates"), duplicates + 1);
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
        // It waits (unlocked, it takes a fraction of a second): still running with nothing
        // committed while the lock is held.
        QThread::msleep(1500);
        QCOMPARE(p.state(), QProcess::Running);
        QCOMPARE(statsValue(db, "lines"), 0);
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
        // What the follower said and what the store holds, for a wait that fails.
        p.setStandardErrorFile(path("stderr-of-follow.txt")); // not named like a rotated copy
        const auto explain = [&] {
            QFile err(path("stderr-of-follow.txt"));
            (void)err.open(QIODevice::ReadOnly);
            return QString::fromUtf8(
                "follower's stderr:\n" + err.readAll() + "\nstats: " + runCli({ "stats", "--db", db }).out);
        };
        p.start(QStringLiteral(ADCLICK_CLI), { "ingest", "--db", db, "--follow", "--format", "book", live });
        QVERIFY(p.waitForStarted());
        const qint64 firstLine = QByteArray("ad1, 2021-01-01 00:00:01, u1, 1.2.3.4, US\n").size();
        QVERIFY2(waitFor([&] { return statsValue(db, "lines") == 1; }), qPrintable(explain()));
        QThread::msleep(1500);
        // The partial line is held: not counted, not rejected, and the stored position stops
        // before it (taken or dropped, the position would be at the end of the file).
        QCOMPARE(statsValue(db, "lines"), 1);
        QCOMPARE(sourceOffset(db), firstLine);
        appendFile(live, "R\n");
        QVERIFY2(waitFor([&] { return statsValue(db, "accepted") == 2; }), qPrintable(explain()));
        // Completed, it is one click of country KR (not "K" and a line "R").
        QCOMPARE(statsValue(db, "lines"), 2);
        QCOMPARE(sourceOffset(db), QFileInfo(live).size());
        QCOMPARE(queryText(db, "SELECT count(*) FROM agg WHERE filter_id = 0 AND country = 'KR'").trimmed(),
            QStringLiteral("1"));
        // Truncated and rewritten under the reader: read again from the start.
        // The database is named like the log (follow.db beside follow.log): looking for the
        // truncated file's copy must not open it, which would drop SQLite's locks in the follower
        // (then another process may rebuild the WAL index under it: commits no reader saw).
        QVERIFY(holdsPosixLock(p.processId(), db + "-shm"));
        writeFile(live, "ad3, 2021-01-01 00:00:03, u3, 1.2.3.6, JP\n");
        QVERIFY2(waitFor([&] { return statsValue(db, "accepted") == 3; }), qPrintable(explain()));
        QVERIFY(holdsPosixLock(p.processId(), db + "-shm"));
        // Rotated: renamed away and a new file in its place.
        QVERIFY(QFile::rename(live, live + ".1"));
        writeFile(live, "ad4, 2021-01-01 00:00:04, u4, 1.2.3.7, DE\n");
        QVERIFY2(waitFor([&] { return statsValue(db, "accepted") == 4; }), qPrintable(explain()));
        p.terminate();
        QVERIFY(p.waitForFinished(10'000));
        QCOMPARE(p.exitCode(), 0);
        QCOMPARE(statsValue(db, "rejected"), 0);
        QCOMPARE(statsValue(db, "duplicates"), 0);
    }

    void copytruncateLosesNothing()
    {
        // Issue 9, defect 4: logrotate's copytruncate copies the file, truncates it, and the
        // writer goes on with more lines than the reader's old offset: size alone sees "grown".
        const QString live = path("ct.log");
        const QString db = path("ct.db");
        writeFile(live, bookLines(0, 500));
        QProcess p;
        p.start(QStringLiteral(ADCLICK_CLI), { "ingest", "--db", db, "--follow", "--format", "book", live });
        QVERIFY(p.waitForStarted());
        QVERIFY(waitFor([&] { return statsValue(db, "lines") == 500; }));
        appendFile(live, bookLines(500, 300)); // not yet read when the rotation comes
        QVERIFY(QFile::copy(live, live + ".1"));
        writeFile(live, bookLines(800, 1200)); // truncate, then longer than the old offset
        QVERIFY(waitFor([&] { return statsValue(db, "lines") >= 2000; }));
        interrupt(p);
        QVERIFY(p.waitForFinished(10'000));
        QCOMPARE(p.exitCode(), 0);
        const QJsonObject s = json(runCli({ "stats", "--db", db }).out);
        QCOMPARE(s["accepted"].toInteger(), 2000);
        QCOMPARE(s["lines"].toInteger(), 2000);
        QCOMPARE(s["lost_bytes"].toInteger(), 0);
    }

    void truncationWithoutCopyReportsLostBytes()
    {
        // Truncated with no copy beside it: what was seen but not yet taken (a held partial
        // line) is gone, and the summary and stats say how much.
        const QString live = path("trunc.log");
        const QString db = path("trunc.db");
        const QByteArray partial = "ad9, 1609459300000, u9";
        writeFile(live, bookLines(0, 10) + partial);
        QProcess p;
        p.start(QStringLiteral(ADCLICK_CLI), { "ingest", "--db", db, "--follow", "--format", "book", live });
        QVERIFY(p.waitForStarted());
        QVERIFY(waitFor([&] { return statsValue(db, "lines") == 10; }));
        QThread::msleep(500);
        writeFile(live, bookLines(20, 30)); // truncated and rewritten, longer than before
        QVERIFY(waitFor([&] { return statsValue(db, "lines") == 40; }));
        QCOMPARE(statsValue(db, "lost_bytes"), partial.size());
        interrupt(p);
        QVERIFY(p.waitForFinished(10'000));
        QCOMPARE(p.exitCode(), 0);
        QCOMPARE(json(p.readAllStandardOutput())["lost_bytes"].toInteger(), partial.size());
        QVERIFY(p.readAllStandardError().contains("lost"));
        QCOMPARE(statsValue(db, "accepted"), 40);
    }

    void interruptEndsAWaitForAFifoWriter()
    {
        // Issue 9, defect 9: a FIFO with no writer blocked in open() holding the lock; SIGINT
        // was ignored. Now the wait ends with a clear message and the lock is free.
        const QString fifo = path("nowriter.fifo");
        QCOMPARE(::mkfifo(fifo.toUtf8().constData(), 0600), 0);
        const QString db = path("fifo.db");
        QProcess p;
        p.start(QStringLiteral(ADCLICK_CLI), { "ingest", "--db", db, fifo });
        QVERIFY(p.waitForStarted());
        // The settings are stored just before the ingest starts reading (and handles SIGINT).
        QVERIFY(waitFor([&] {
            bool stored = false;
            queryText(db, "SELECT value FROM meta WHERE key = 'lateness_ms'").trimmed().toLongLong(&stored);
            return stored;
        }));
        QThread::msleep(500); // into the wait for a writer
        interrupt(p);
        const bool ended = p.waitForFinished(15'000);
        if (!ended) p.kill();
        QVERIFY2(ended, "ingest did not end on SIGINT while waiting for a FIFO writer");
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
        QVERIFY2(p.readAllStandardError().contains("interrupted"), "no message on the interrupt");
        writeFile(path("one.log"), bookLines(0, 1));
        const Run next = runCli({ "ingest", "--db", db, "--format", "book", path("one.log") });
        QVERIFY2(next.exitCode == 0, next.err.constData()); // the lock was released
    }

    void slowStreamIsCommittedAsItComesAndInterruptKeepsIt_data()
    {
        QTest::addColumn<bool>("stdinSource");
        QTest::newRow("FIFO") << false;
        QTest::newRow("stdin") << true;
    }

    void slowStreamIsCommittedAsItComesAndInterruptKeepsIt()
    {
        // A slow writer's lines are committed within seconds, not at the end of input; SIGINT
        // mid-stream commits what was read, and feeding the rest gives the uninterrupted result.
        QFETCH(bool, stdinSource);
        const QString tag = stdinSource ? "stdin" : "fifo";
        const QByteArray all = bookLines(0, 60);
        const QString reference = path("slow-ref-" + tag + ".db");
        writeFile(path("slow-all.log"), all);
        QCOMPARE(
            runCli({ "ingest", "--db", reference, "--format", "book", path("slow-all.log") }).exitCode, 0);

        const QString fifo = path("slow.fifo");
        if (!stdinSource) QCOMPARE(::mkfifo(fifo.toUtf8().constData(), 0600), 0);
        const QString db = path("slow-" + tag + ".db");
        QProcess p;
        p.start(QStringLiteral(ADCLICK_CLI),
            { "ingest", "--db", db, "--format", "book", stdinSource ? QStringLiteral("-") : fifo });
        QVERIFY(p.waitForStarted());
        QFile writer(fifo);
        if (!stdinSource)
            QVERIFY(writer.open(QIODevice::WriteOnly | QIODevice::Unbuffered)); // waits for the reader
        auto send = [&](const QByteArray& bytes) {
            if (stdinSource) {
                p.write(bytes);
                p.waitForBytesWritten(5000);
            } else {
                writer.write(bytes);
            }
        };
        const QByteArray first = bookLines(0, 20);
        send(first);
        QVERIFY(waitFor([&] { return statsValue(db, "lines") == 20; })); // while the writer is open
        send(all.mid(first.size(), 15)); // part of a line: not a click yet
        QThread::msleep(300);
        interrupt(p);
        const bool ended = p.waitForFinished(15'000);
        if (!ended) p.kill();
        QVERIFY2(ended, "ingest did not end on SIGINT while reading a slow stream");
        writer.close();
        QFile::remove(fifo);
        QCOMPARE(p.exitCode(), 0);
        const QJsonObject summary = json(p.readAllStandardOutput());
        QCOMPARE(summary["lines"].toInteger(), 20);
        const qint64 offset = summary["sources"].toArray()[0].toObject()["offset"].toInteger();
        QCOMPARE(offset, qint64(first.size()));
        writeFile(path("slow-rest.log"), all.mid(offset));
        QCOMPARE(runCli({ "ingest", "--db", db, "--format", "book", path("slow-rest.log") }).exitCode, 0);
        QCOMPARE(aggText(db), aggText(reference));
        QCOMPARE(countersText(db), countersText(reference));
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
