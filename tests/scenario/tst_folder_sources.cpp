// Folder sources through the CLI (issue 9, defects 2 and 8): a folder of rotated logs is read
// oldest first whatever the names sort to (a wrong order turns clicks late, so the counts prove
// the order), the order is printed, a resumed run is exact, links leaving the folder are not
// read, and reject samples keep only a short prefix of a line.
#include "test_support.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <zlib.h>

#include <cstdlib>

#include <unistd.h>

using namespace testsupport;

namespace {

//! `perMinute` clicks in each of `minutes` minutes from `firstMinute` on (2021-01-01 00:00 UTC),
//! users unique per file so nothing is a duplicate.
QByteArray clicks(int firstMinute, int minutes, int perMinute, const QString& user)
{
    QByteArray out;
    for (int m = firstMinute; m < firstMinute + minutes; ++m)
        for (int i = 0; i < perMinute; ++i)
            out += QStringLiteral("[AdClickEvent] ad%1, 2021-01-01 %2:%3:%4, %5-%6, 10.0.0.1, USA\n")
                       .arg(i % 3)
                       .arg(m / 60, 2, 10, QChar('0'))
                       .arg(m % 60, 2, 10, QChar('0'))
                       .arg(i * 5, 2, 10, QChar('0'))
                       .arg(user)
                       .arg(m * 100 + i)
                       .toUtf8();
    return out;
}

QJsonObject stats(const QString& db)
{
    const Run r = runCli({ "stats", "--db", db });
    return r.exitCode == 0 ? json(r.out) : QJsonObject {};
}

//! "accepted/late/duplicates/rejected" of a database.
QString counts(const QString& db)
{
    const QJsonObject s = stats(db);
    return QStringLiteral("%1/%2/%3/%4")
        .arg(s["accepted"].toInteger())
        .arg(s["late"].toInteger())
        .arg(s["duplicates"].toInteger())
        .arg(s["rejected"].toInteger());
}

QString realPath(const QString& path)
{
    char* r = ::realpath(path.toUtf8().constData(), nullptr);
    const QString out = r ? QString::fromUtf8(r) : QString();
    std::free(r);
    return out;
}

} // namespace

class TestFolderSources : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_n = 0;

    QString fresh(const QString& what)
    {
        return m_dir.filePath(QStringLiteral("%1-%2").arg(what).arg(++m_n));
    }

    //! app.log.10 … app.log.1 and the live app.log, each 5 minutes of 10 clicks a minute, older
    //! files earlier; .3 and older compressed (logrotate's compress + delaycompress).
    QString numberedFolder()
    {
        const QString d = fresh("numbered");
        if (!QDir().mkpath(d)) return {};
        for (int k = 10; k >= 0; --k) {
            const QString name = k == 0 ? QStringLiteral("app.log")
                                        : QStringLiteral("app.log.%1%2").arg(k).arg(k >= 3 ? ".gz" : "");
            if (!writeFile(d + "/" + name, clicks((10 - k) * 5, 5, 10, QStringLiteral("u%1").arg(k)), k >= 3))
                return {};
        }
        return d;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void numberedRotationIsReadOldestFirst()
    {
        const QString d = numberedFolder();
        QVERIFY(!d.isEmpty());
        const QString db = fresh("db");
        const Run r = runCli({ "ingest", "--db", db, d });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        // Newest first (by name: app.log, .1, .10, .2 …) made 500 of the 550 clicks late.
        QCOMPARE(counts(db), QStringLiteral("550/0/0/0"));
        QVERIFY2(r.err.contains(("adclick: reading 11 files of '" + d
                     + "' oldest first: app.log.10.gz, app.log.9.gz, app.log.8.gz, app.log.7.gz, "
                       "app.log.6.gz, app.log.5.gz, app.log.4.gz, app.log.3.gz, app.log.2, "
                       "app.log.1, app.log\n")
                                    .toUtf8()),
            r.err.constData());
        // Again: every file resumes at its end.
        const Run again = runCli({ "ingest", "--db", db, d });
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(json(again.out)["run"].toObject()["lines"].toInteger(), 0);
        QCOMPARE(counts(db), QStringLiteral("550/0/0/0"));

        // Named one by one (a shell glob's order) they are read as given, with a warning.
        QStringList glob = QDir(d).entryList(QDir::Files, QDir::Name);
        for (QString& f : glob)
            f = d + "/" + f;
        QCOMPARE(glob.first(), d + "/app.log");
        const QString globDb = fresh("db");
        const Run g = runCli(QStringList { "ingest", "--db", globDb } + glob);
        QCOMPARE(g.exitCode, 0);
        QVERIFY2(g.err.contains(("adclick: warning: '" + d + "/app.log' is named before the older '" + d
                     + "/app.log.1', and files named one by one are read in the order given")
                                    .toUtf8()),
            g.err.constData());
    }

    void dateStampedSetsAreMergedByTime()
    {
        const QString d = fresh("dated");
        QVERIFY(QDir().mkpath(d));
        // Two rotated sets (dateext, and a date inside the name), their periods interleaved.
        QVERIFY(writeFile(d + "/app.log-20261201.gz", clicks(0, 5, 10, "a1"), true));
        QVERIFY(writeFile(d + "/web-2026-12-01.log", clicks(5, 5, 10, "w1")));
        QVERIFY(writeFile(d + "/app.log-20261202", clicks(10, 5, 10, "a2")));
        QVERIFY(writeFile(d + "/web-2026-12-02.log.gz", clicks(15, 5, 10, "w2"), true));
        QVERIFY(writeFile(d + "/app.log", clicks(20, 5, 10, "a3")));
        QVERIFY(writeFile(d + "/web.log", clicks(25, 5, 10, "w3")));
        const QString db = fresh("db");
        const Run r = runCli({ "ingest", "--db", db, d });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(counts(db), QStringLiteral("300/0/0/0")); // by name: 200 late
        QVERIFY2(r.err.contains(("reading 6 files of '" + d
                     + "' oldest first: app.log-20261201.gz, web-2026-12-01.log, app.log-20261202, "
                       "web-2026-12-02.log.gz, app.log, web.log\n")
                                    .toUtf8()),
            r.err.constData());
    }

    void namesThatSayNothingGoByFirstEventTime()
    {
        const QString d = fresh("plain");
        QVERIFY(QDir().mkpath(d));
        QVERIFY(writeFile(d + "/zeta.log", "not a click\n" + clicks(0, 5, 10, "z")));
        QVERIFY(writeFile(d + "/alpha.log", clicks(10, 5, 10, "a")));
        QVERIFY(writeFile(d + "/mid.log.gz", clicks(5, 5, 10, "m"), true));
        QVERIFY(writeFile(d + "/notes.txt", "hello\nworld\n"));
        const QString db = fresh("db");
        const Run r = runCli({ "ingest", "--db", db, d });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(counts(db), QStringLiteral("150/0/0/3")); // by name: 100 late
        QVERIFY2(r.err.contains(("reading 4 files of '" + d
                     + "' oldest first: zeta.log, mid.log.gz, alpha.log, notes.txt\n")
                                    .toUtf8()),
            r.err.constData());
    }

    void resumedFolderIngestIsExact()
    {
        const QString d = numberedFolder();
        QVERIFY(!d.isEmpty());
        // A duplicate and a late click in the live file, so the order and the restored state matter.
        QVERIFY(writeFile(
            d + "/app.log", clicks(50, 5, 10, "u0") + clicks(50, 1, 1, "u0") + clicks(40, 1, 1, "x")));
        const QString reference = fresh("db");
        const Run r = runCli({ "ingest", "--db", reference, "--commit-every", "17", d });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(counts(reference), QStringLiteral("550/1/1/0"));

        const QString db = fresh("db");
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("ADCLICK_FAILPOINT", "commit.after_commit:4");
        int kills = 0;
        for (int i = 0; i < 100; ++i) {
            const Run k = runCli({ "ingest", "--db", db, "--commit-every", "17", d }, env);
            if (!k.crashed) {
                QVERIFY2(k.exitCode == 0, k.err.constData());
                break;
            }
            ++kills;
        }
        QVERIFY2(kills >= 5, qPrintable(QString::number(kills)));
        const Run last = runCli({ "ingest", "--db", db, d });
        QCOMPARE(last.exitCode, 0);
        QCOMPARE(fullState(db), fullState(reference));
    }

    void databaseInTheFolderIsNeverASource()
    {
        // The database kept in the folder of its logs: its files (and -wal, -shm, .lock) are
        // skipped with one warning, not read as logs full of binary lines; named, it is refused.
        const QString d = numberedFolder();
        QVERIFY(!d.isEmpty());
        const QString db = d + "/clicks.db";
        for (int run = 0; run < 2; ++run) { // the second run finds the database there already
            const Run r = runCli({ "ingest", "--db", db, d });
            QVERIFY2(r.exitCode == 0, r.err.constData());
            QVERIFY2(r.err.contains("clicks.db', '" + QFile::encodeName(d) + "/clicks.db-shm'"),
                r.err.constData());
            QVERIFY2(r.err.contains(": the database this ingest writes"), r.err.constData());
            QVERIFY2(r.err.contains("reading 11 files"), r.err.constData());
            QCOMPARE(counts(db), QStringLiteral("550/0/0/0"));
            QCOMPARE(stats(db)["lines"].toInteger(), 550);
        }
        const Run named = runCli({ "ingest", "--db", db, db + "-wal" });
        QCOMPARE(named.exitCode, 1);
        QVERIFY2(named.err.contains("is the database this ingest writes"), named.err.constData());
        QCOMPARE(stats(db)["lines"].toInteger(), 550);
    }

    void linksLeavingTheFolderAreSkipped()
    {
        const QString base = fresh("links");
        const QString d = base + "/logs";
        QVERIFY(QDir().mkpath(d + "/sub"));
        QVERIFY(writeFile(d + "/a.log", clicks(0, 2, 10, "a")));
        QVERIFY(writeFile(d + "/sub/b.log", clicks(2, 2, 10, "b")));
        QVERIFY(::symlink("sub/b.log", (d + "/b.log").toUtf8().constData()) == 0); // inside: read
        const QByteArray secret
            = "root:$6$saltsaltsalt$0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH:19000:0:99999:7:::\n";
        QVERIFY(writeFile(base + "/shadow", secret + secret + secret));
        QVERIFY(::symlink("../shadow", (d + "/shadow.log").toUtf8().constData()) == 0);

        const QString db = fresh("db");
        const Run r = runCli({ "ingest", "--db", db, d });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(counts(db), QStringLiteral("40/0/0/0"));
        QVERIFY2(r.err.contains(("adclick: warning: skipped '" + d + "/shadow.log': a symbolic link to '"
                     + realPath(base + "/shadow") + "', outside the folder (--follow-symlinks reads it)\n")
                                    .toUtf8()),
            r.err.constData());
        QVERIFY2(r.err.contains(("reading 2 files of '" + d + "' oldest first: a.log, b.log\n").toUtf8()),
            r.err.constData());
        QCOMPARE(stats(db)["rejected_samples"].toArray().size(), 0);

        // On request the link is read; the file is no click log, so its samples keep 32 bytes.
        const QString followed = fresh("db");
        const Run f = runCli({ "ingest", "--db", followed, "--follow-symlinks", d });
        QVERIFY2(f.exitCode == 0, f.err.constData());
        QCOMPARE(counts(followed), QStringLiteral("40/0/0/3"));
        QVERIFY(!f.err.contains("skipped"));
        const QJsonArray samples = stats(followed)["rejected_samples"].toArray();
        QCOMPARE(samples.size(), 3);
        for (const auto& s : samples)
            QCOMPARE(s.toObject()["line"].toString(), QString::fromUtf8(secret.left(32)));
    }

    void rejectSamplesKeepAShortPrefix()
    {
        const QString d = fresh("samples");
        QVERIFY(QDir().mkpath(d));
        // A click log with bad lines: 200 bytes of each, never cutting a UTF-8 character.
        const QByteArray longBad = "[AdClickEvent] ad1, not a time, " + QByteArray(600, 'x');
        QByteArray utf8Bad = "a";
        for (int i = 0; i < 300; ++i)
            utf8Bad += "\xc3\xa9"; // é: the 200-byte cut falls inside the 100th
        QVERIFY(writeFile(d + "/clicks.log", clicks(0, 1, 2, "c") + longBad + "\n" + utf8Bad + "\n"));
        // No click at all: 32 bytes a line.
        QVERIFY(writeFile(d + "/other.txt", QByteArray(100, 'k') + "\n"));
        const QString db = fresh("db");
        const Run r = runCli({ "ingest", "--db", db, d });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(counts(db), QStringLiteral("2/0/0/3"));
        QCOMPARE(queryText(db, "SELECT length(CAST(line AS BLOB)) FROM rejects ORDER BY id"),
            QStringLiteral("200\n199\n32\n"));
        const QJsonArray samples = stats(db)["rejected_samples"].toArray();
        QCOMPARE(samples.size(), 3);
        QCOMPARE(samples[0].toObject()["line"].toString().toUtf8(), longBad.left(200));
        QCOMPARE(samples[1].toObject()["line"].toString().toUtf8(), utf8Bad.left(199));
        QCOMPARE(samples[2].toObject()["line"].toString().toUtf8(), QByteArray(32, 'k'));
    }
};

QTEST_GUILESS_MAIN(TestFolderSources)
#include "tst_folder_sources.moc"
