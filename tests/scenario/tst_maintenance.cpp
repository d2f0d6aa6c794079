// Saved filters (the design's filter_id) and recalculation from raw events.
#include "test_support.h"

#include "core/store/store_schema.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

using namespace testsupport;

class TestMaintenance : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_log;
    QString m_db;

    QString path(const QString& n) const { return m_dir.filePath(n); }

    //! Aggregates of one saved filter as text, like aggText().
    static QString filterAgg(const QString& db, const QString& name)
    {
        const QString sqlText = QStringLiteral(
            "SELECT a.minute, ads.name, a.country, a.clicks, a.late FROM agg a JOIN ads ON ads.id = a.ad "
            "JOIN saved_filters f ON f.id = a.filter_id WHERE f.name = '%1' ORDER BY a.minute, ads.name, "
            "a.country")
                                    .arg(name);
        return queryText(db, sqlText.toUtf8().constData());
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_log = path("clicks.log");
        QCOMPARE(
            runCli({ "gen", "--out", m_log, "--events", "40000", "--format", "csv", "--seed", "9" }).exitCode,
            0);
        m_db = path("clicks.db");
        QCOMPARE(runCli({ "ingest", "--db", m_db, m_log }).exitCode, 0);
    }

    void savedCountryFilterEqualsTheCountryRowsAndAnswersTheSame()
    {
        const QStringList popular { "popular", "--db", m_db, "--count", "10", "--window", "30", "--filter",
            "country in (US,KR)" };
        const Run before = runCli(popular);
        QVERIFY2(before.exitCode == 0, before.err.constData());
        const Run saved
            = runCli({ "filter", "save", "--db", m_db, "--name", "uskr", "--expr", "country in (us, KR)" });
        QVERIFY2(saved.exitCode == 0, saved.err.constData());
        const QJsonObject s = json(saved.out);
        QCOMPARE(s["state"].toString(), QStringLiteral("ready"));
        const qint64 expected
            = queryText(m_db, "SELECT total(clicks) FROM agg WHERE filter_id = 0 AND country IN ('US','KR')")
                  .trimmed()
                  .toDouble();
        QVERIFY(expected > 0);
        QCOMPARE(s["backfilled_clicks"].toInteger(), expected);
        const QString countryRows = queryText(m_db,
            "SELECT a.minute, ads.name, a.country, a.clicks, a.late FROM agg a JOIN ads ON ads.id = a.ad "
            "WHERE a.filter_id = 0 AND a.country IN ('US','KR') ORDER BY a.minute, ads.name, a.country");
        QCOMPARE(filterAgg(m_db, "uskr"), countryRows);
        const Run after = runCli(popular);
        QCOMPARE(after.out, before.out);
        QCOMPARE(rollupCheck(m_db), QStringLiteral("rollups = agg"));
        const Run byName
            = runCli({ "popular", "--db", m_db, "--count", "10", "--window", "30", "--filter", "@uskr" });
        QCOMPARE(byName.exitCode, 0);
        QCOMPARE(json(byName.out)["ad_ids"], json(before.out)["ad_ids"]);
    }

    void savedUserFilterAnswersLikeTheRawScan()
    {
        // The most frequent user in the raw events.
        QMap<QString, int> users;
        for (const QString& line : rawEventLines(m_db)) {
            const auto f = line.split('\t');
            if (f.size() > 4 && f[0] == "A") ++users[f[4]];
        }
        const QString top = std::max_element(users.begin(), users.end()).key();
        const QString expr = QStringLiteral("user_id=%1").arg(top);
        const QStringList popular { "popular", "--db", m_db, "--count", "5", "--window", "600", "--filter",
            expr };
        const Run before = runCli(popular);
        QVERIFY2(before.exitCode == 0, before.err.constData());
        QCOMPARE(runCli({ "filter", "save", "--db", m_db, "--name", "topuser", "--expr", expr }).exitCode, 0);
        const Run after = runCli(popular);
        QCOMPARE(after.out, before.out);
        QCOMPARE(runCli({ "filter", "list", "--db", m_db }).exitCode, 0);
    }

    void filterSavedMidwayEqualsFilterSavedFirst()
    {
        // Split the log into two rotated files; save the filter before everything in one
        // database, between the two files in the other.
        QFile in(m_log);
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QByteArray all = in.readAll();
        const qsizetype cut = all.indexOf('\n', all.size() / 2) + 1;
        const qsizetype headerEnd = all.indexOf('\n') + 1;
        QFile a(path("part1.csv")), b(path("part2.csv")), empty(path("empty.csv"));
        QVERIFY(
            a.open(QIODevice::WriteOnly) && b.open(QIODevice::WriteOnly) && empty.open(QIODevice::WriteOnly));
        a.write(all.left(cut));
        b.write(all.left(headerEnd) + all.mid(cut));
        a.close();
        b.close();
        empty.close();
        const QString expr = "country!=US and ip=10.0.0.0/8";
        const QString first = path("first.db"), midway = path("midway.db");
        QCOMPARE(runCli({ "ingest", "--db", first, path("empty.csv") }).exitCode, 0);
        QCOMPARE(runCli({ "filter", "save", "--db", first, "--name", "f", "--expr", expr }).exitCode, 0);
        QCOMPARE(runCli({ "ingest", "--db", first, path("part1.csv"), path("part2.csv") }).exitCode, 0);
        QCOMPARE(runCli({ "ingest", "--db", midway, path("part1.csv") }).exitCode, 0);
        QCOMPARE(runCli({ "filter", "save", "--db", midway, "--name", "f", "--expr", expr }).exitCode, 0);
        QCOMPARE(runCli({ "ingest", "--db", midway, path("part1.csv"), path("part2.csv") }).exitCode, 0);
        const QString f1 = filterAgg(first, "f");
        QVERIFY(f1.count('\n') > 10);
        QCOMPARE(filterAgg(midway, "f"), f1);
        QCOMPARE(aggText(midway), aggText(first));
        QCOMPARE(rollupCheck(first), QStringLiteral("rollups = agg"));
        QCOMPARE(rollupCheck(midway), QStringLiteral("rollups = agg"));
        QCOMPARE(rollupText(midway), rollupText(first));
    }

    void filterSavedWhileAnIngestRunsIsBackfilledByIt()
    {
        const QString live = path("live.csv");
        QFile::copy(m_log, live);
        const QString db = path("live.db");
        QProcess p;
        p.start(QStringLiteral(ADCLICK_CLI), { "ingest", "--db", db, "--follow", live });
        QVERIFY(p.waitForStarted());
        QElapsedTimer t;
        t.start();
        const qint64 total = truthCounters(m_log)["lines"].toInteger();
        QVERIFY(total >= 40000);
        while (json(runCli({ "stats", "--db", db }).out)["lines"].toInteger() < total && t.elapsed() < 20'000)
            QThread::msleep(50);
        // The whole log is in before the filter is saved: the backfill, not the ingest's own
        // filtering of new lines, must fill it.
        QCOMPARE(json(runCli({ "stats", "--db", db }).out)["lines"].toInteger(), total);
        const Run saved = runCli({ "filter", "save", "--db", db, "--name", "kr", "--expr", "country=KR" });
        QVERIFY2(saved.exitCode == 0, saved.err.constData());
        QCOMPARE(json(saved.out)["state"].toString(), QStringLiteral("pending"));
        t.restart();
        while (!runCli({ "filter", "list", "--db", db }).out.contains("\"ready\"") && t.elapsed() < 20'000)
            QThread::msleep(50);
        QVERIFY(runCli({ "filter", "list", "--db", db }).out.contains("\"ready\""));
        p.terminate();
        QVERIFY(p.waitForFinished(10'000));
        const QString krRows = queryText(db,
            "SELECT a.minute, ads.name, a.country, a.clicks, a.late FROM agg a JOIN ads ON ads.id = a.ad "
            "WHERE a.filter_id = 0 AND a.country = 'KR' ORDER BY a.minute, ads.name, a.country");
        QVERIFY(!krRows.isEmpty());
        QCOMPARE(filterAgg(db, "kr"), krRows);
        QCOMPARE(rollupCheck(db), QStringLiteral("rollups = agg"));
        const Run dropped = runCli({ "filter", "drop", "--db", db, "--name", "kr" });
        QCOMPARE(dropped.exitCode, 0);
        QCOMPARE(
            queryText(db, "SELECT count(*) FROM agg WHERE filter_id != 0").trimmed(), QStringLiteral("0"));
        QCOMPARE(rollupCheck(db), QStringLiteral("rollups = agg"));
    }

    void recomputeRepairsDamagedAggregates()
    {
        const QString db = path("repair.db");
        QCOMPARE(runCli({ "ingest", "--db", db, m_log }).exitCode, 0);
        const QString truth = truthAggText(m_log);
        QCOMPARE(aggText(db), truth);
        // Damage three cells behind the engine's back.
        sqlite3* conn = nullptr;
        QCOMPARE(sqlite3_open(db.toUtf8().constData(), &conn), SQLITE_OK);
        QCOMPARE(
            sqlite3_exec(conn,
                "UPDATE agg SET clicks = clicks + 1 WHERE (minute, ad, country) = "
                "(SELECT minute, ad, country FROM agg WHERE filter_id = 0 ORDER BY minute LIMIT 1 OFFSET 5);"
                "DELETE FROM agg WHERE (minute, ad, country) = "
                "(SELECT minute, ad, country FROM agg WHERE filter_id = 0 ORDER BY minute LIMIT 1 OFFSET 50);"
                "INSERT INTO agg VALUES (0, (SELECT min(minute) FROM agg) + 2, 1, 'ZZ', 7, 0);",
                nullptr, nullptr, nullptr),
            SQLITE_OK);
        sqlite3_close(conn);
        QVERIFY(aggText(db) != truth);
        const Run r = runCli(
            { "recompute", "--db", db, "--from", "2020-12-31T00:00:00Z", "--to", "2021-01-03T00:00:00Z" });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(json(r.out)["corrected"].toInteger(), 3);
        QCOMPARE(aggText(db), truth);
        QCOMPARE(rollupCheck(db), QStringLiteral("rollups = agg"));
        const Run again = runCli(
            { "recompute", "--db", db, "--from", "2020-12-31T00:00:00Z", "--to", "2021-01-03T00:00:00Z" });
        QCOMPARE(json(again.out)["corrected"].toInteger(), 0);
    }

    // The rollups (agg_rollup) must equal a GROUP BY over agg after everything that writes agg:
    // ingests with late updates in several runs, a saved filter back-filled between them,
    // recompute after damage, and a drop.
    void rollupsFollowAggThroughLateUpdatesRecomputeAndFilters()
    {
        const QString log = path("late.csv");
        QCOMPARE(runCli({ "gen", "--out", log, "--events", "30000", "--seed", "12", "--late-rate", "0.05",
                            "--late", "update", "--ads", "50" })
                     .exitCode,
            0);
        QFile in(log);
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QByteArray all = in.readAll();
        const qsizetype cut = all.indexOf('\n', all.size() / 2) + 1;
        QFile a(path("late1.csv"));
        QVERIFY(a.open(QIODevice::WriteOnly));
        a.write(all.left(cut));
        a.close();
        const QString db = path("late.db");
        QCOMPARE(runCli({ "ingest", "--db", db, "--late", "update", path("late1.csv") }).exitCode, 0);
        QCOMPARE(rollupCheck(db), QStringLiteral("rollups = agg"));
        QCOMPARE(
            runCli({ "filter", "save", "--db", db, "--name", "us", "--expr", "country=US" }).exitCode, 0);
        QCOMPARE(
            runCli({ "filter", "save", "--db", db, "--name", "net", "--expr", "ip=10.0.0.0/8" }).exitCode, 0);
        QCOMPARE(rollupCheck(db), QStringLiteral("rollups = agg"));
        QCOMPARE(runCli({ "ingest", "--db", db, "--late", "update", log }).exitCode, 0);
        QVERIFY(queryText(db, "SELECT value FROM counters WHERE name = 'late_applied'").toInt() > 100);
        QCOMPARE(aggText(db), truthAggText(log));
        QCOMPARE(rollupCheck(db), QStringLiteral("rollups = agg"));
        // popular (from the rollups) equals the ranking computed here from agg's rows.
        const QStringList aggRows = aggText(db).split('\n', Qt::SkipEmptyParts);
        for (const int window : { 1, 7, 10, 23, 60, 61, 600 }) {
            const Run r = runCli({ "popular", "--db", db, "--count", "40", "--window",
                QString::number(window), "--at", "2021-01-01T00:25:59Z" });
            QCOMPARE(r.exitCode, 0);
            const qint64 end = 26'824'320 + 25; // epoch minute of the --at
            QMap<QString, qint64> clicks;
            for (const QString& row : aggRows) {
                const QStringList f = row.split(','); // minute,ad,country,clicks,late
                if (f[0].toLongLong() >= end - window && f[0].toLongLong() < end)
                    clicks[f[1]] += f[3].toLongLong();
            }
            QList<QPair<qint64, QString>> ranked;
            for (auto it = clicks.begin(); it != clicks.end(); ++it)
                if (it.value() > 0) ranked.append({ -it.value(), it.key() });
            std::sort(ranked.begin(), ranked.end());
            QJsonArray ids, counts;
            for (qsizetype i = 0; i < std::min<qsizetype>(40, ranked.size()); ++i) {
                ids.append(ranked[i].second);
                counts.append(-ranked[i].first);
            }
            QCOMPARE(json(r.out)["ad_ids"].toArray(), ids);
            QCOMPARE(json(r.out)["counts"].toArray(), counts);
        }
        sqlite3* conn = nullptr;
        QCOMPARE(sqlite3_open(db.toUtf8().constData(), &conn), SQLITE_OK);
        QCOMPARE(sqlite3_exec(conn,
                     "UPDATE agg SET clicks = clicks + 5 WHERE (filter_id, minute, ad, country) = "
                     "(SELECT filter_id, minute, ad, country FROM agg ORDER BY minute LIMIT 1 OFFSET 70);"
                     "DELETE FROM agg WHERE (filter_id, minute, ad, country) = "
                     "(SELECT filter_id, minute, ad, country FROM agg ORDER BY filter_id DESC, minute LIMIT "
                     "1 OFFSET 9);",
                     nullptr, nullptr, nullptr),
            SQLITE_OK);
        sqlite3_close(conn);
        QVERIFY(rollupCheck(db) != QStringLiteral("rollups = agg"));
        const Run r = runCli(
            { "recompute", "--db", db, "--from", "2020-12-31T00:00:00Z", "--to", "2021-01-03T00:00:00Z" });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(json(r.out)["corrected"].toInteger(), 2);
        QCOMPARE(rollupCheck(db), QStringLiteral("rollups = agg"));
        QCOMPARE(runCli({ "filter", "drop", "--db", db, "--name", "us" }).exitCode, 0);
        QCOMPARE(rollupCheck(db), QStringLiteral("rollups = agg"));
        QCOMPARE(queryText(db,
                     "SELECT count(*) FROM agg_rollup WHERE filter_id NOT IN "
                     "(SELECT 0 UNION SELECT id FROM saved_filters)")
                     .trimmed(),
            QStringLiteral("0"));
    }

    // A database of schema version 2 (no rollups) answers as it is, and the next ingest moves
    // it to the current version with rollups equal to agg; the answers stay the same.
    void versionTwoDatabaseAnswersTheSameAndIsMigrated()
    {
        answersTheSameAndIsMigrated(
            "v2.db", "DROP TABLE agg_rollup; UPDATE meta SET value = 2 WHERE key = 'schema_version'", "2");
    }

    // A database of schema version 4 (rollups without rank, no agg_rollup_rank) answers as it is
    // (every rollup row summed), and the next ingest adds both; the answers stay the same.
    void versionFourDatabaseAnswersTheSameAndIsMigrated()
    {
        answersTheSameAndIsMigrated("v4.db",
            "DROP INDEX agg_rollup_rank; ALTER TABLE agg_rollup DROP COLUMN rank; UPDATE meta SET value = 4 "
            "WHERE key "
            "= 'schema_version'",
            "4");
    }

    // A database of schema version 6 (rollups without their bucket totals) answers as it is, and
    // the next ingest adds agg_rollup_total equal to agg (rollupCheck); the answers stay the same.
    void versionSixDatabaseAnswersTheSameAndIsMigrated()
    {
        answersTheSameAndIsMigrated("v6.db",
            "DROP TABLE agg_rollup_total; UPDATE meta SET value = 6 WHERE key = 'schema_version'", "6");
        QCOMPARE(
            queryText(path("v6.db"), "SELECT count(*) > 10 FROM agg_rollup_total"), QStringLiteral("1\n"));
    }

    // A database of schema version 2 (tests/data/raw_v2: made by the previous release from a.csv,
    // its raw events in a text segment) goes on with b.csv: the text segment stays and is read
    // (the restart restores the dedup keys of a.csv's last minutes from it: b.csv repeats some of
    // them), new events go to a binary segment, the database moves to the current version, and everything —
    // counts, partial-minute and ad-hoc raw queries, exports, recompute — equals a database the
    // new version made from both files.
    void versionTwoDatabaseGoesOnExactly()
    {
        const QString data = QStringLiteral(ADCLICK_TEST_DATA "/raw_v2/");
        const QString old = path("raw_v2.db"), fresh = path("fresh.db");
        QVERIFY(QDir().mkpath(old + ".raw"));
        QVERIFY(QFile::copy(data + "v2.db", old));
        QVERIFY(QFile::copy(data + "v2.db.raw/seg-000001.tsv", old + ".raw/seg-000001.tsv"));
        for (const char* f : { "a.csv", "b.csv" })
            QVERIFY(QFile::copy(data + f, path(f)));
        QVERIFY(QFile::setPermissions(old, QFile::ReadOwner | QFile::WriteOwner));
        QVERIFY(QFile::setPermissions(old + ".raw/seg-000001.tsv", QFile::ReadOwner | QFile::WriteOwner));
        QCOMPARE(runCli({ "ingest", "--db", fresh, path("a.csv") }).exitCode, 0);
        const QList<QStringList> queries {
            { "count", "--ad", "ad000037", "--from", "2020-12-31T23:59:12.3Z", "--to",
                "2021-01-01T00:01:37.9Z" },
            { "popular", "--count", "5", "--window", "30", "--filter", "ip!=128.0.0.0/1" },
            { "count", "--ad", "ad000037", "--from", "2020-12-31T00:00:00Z", "--to", "2021-01-02T00:00:00Z",
                "--filter", "user_id=user484" },
        };
        QString codes; // exit codes of the last answers()
        auto answers = [&](const QString& db) {
            QString out;
            codes.clear();
            for (QStringList q : queries) {
                q.insert(1, db);
                q.insert(1, "--db");
                const Run r = runCli(q);
                out += QString::number(r.exitCode) + " " + r.out + r.err;
                codes += QString::number(r.exitCode);
            }
            const Run e = runCli({ "export", "--db", db, "--out", db + ".csv", "--minutes", "--from",
                "2020-12-31T00:00:00Z", "--to", "2021-01-02T00:00:00Z" });
            QFile f(db + ".csv");
            out += QString::number(e.exitCode) + (f.open(QIODevice::ReadOnly) ? f.readAll() : "<no export>");
            codes += QString::number(e.exitCode);
            return out;
        };
        const QString before = answers(fresh);
        QCOMPARE(codes, QStringLiteral("0000"));
        QCOMPARE(answers(old), before); // read as it is, text segment and all

        QCOMPARE(runCli({ "ingest", "--db", fresh, path("b.csv") }).exitCode, 0);
        const Run r = runCli({ "ingest", "--db", old, path("b.csv") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(queryText(old, "SELECT file FROM segments ORDER BY id"),
            QStringLiteral("seg-000001.tsv\nseg-000002.acr\n"));
        QCOMPARE(queryText(old, "SELECT value FROM meta WHERE key = 'schema_version'").trimmed(),
            QString::number(adclick::core::kSchemaVersion));
        const auto state = [](const QString& db) {
            return aggText(db) + countersText(db)
                + queryText(db, "SELECT * FROM minute_stats ORDER BY minute")
                + queryText(db, "SELECT key, value FROM meta ORDER BY key")
                + queryText(db, "SELECT offset FROM sources ORDER BY id")
                + rawDigest(db, true); // the previous release stored a.csv's clicks beyond the horizon as L
        };
        QVERIFY(countersText(fresh).contains("duplicates"));
        QCOMPARE(state(old), state(fresh));
        QCOMPARE(answers(old), answers(fresh));
        const QStringList all { "recompute", "--from", "2020-12-31T00:00:00Z", "--to",
            "2021-01-02T00:00:00Z" };
        const Run rec = runCli(QStringList(all) << "--db" << old);
        QVERIFY2(rec.exitCode == 0, rec.err.constData());
        QCOMPARE(json(rec.out)["corrected"].toInteger(), 0);
        QCOMPARE(state(old), state(fresh));
    }

    void badArgumentsAreUsageErrors()
    {
        QCOMPARE(
            runCli({ "filter", "save", "--db", m_db, "--name", "x", "--expr", "country==US" }).exitCode, 1);
        QCOMPARE(runCli({ "filter", "drop", "--db", m_db, "--name", "nope" }).exitCode, 1);
        QCOMPARE(
            runCli({ "recompute", "--db", m_db, "--from", "2021-01-02", "--to", "2021-01-01" }).exitCode, 2);
        QCOMPARE(runCli({ "filter", "list", "--db", path("missing.db") }).exitCode, 1);
    }

private:
    // Queries a database before and after `downgrade` turns it into schema `version`, and after
    // the next ingest migrates it: the same answers each time, and the migration is complete.
    void answersTheSameAndIsMigrated(const char* name, const char* downgrade, const char* version)
    {
        const QString db = path(name);
        QCOMPARE(runCli({ "ingest", "--db", db, m_log }).exitCode, 0);
        QCOMPARE(
            runCli({ "filter", "save", "--db", db, "--name", "us", "--expr", "country=US" }).exitCode, 0);
        // The log holds 40 s of clicks from 2021-01-01T00:00:00Z (minute 0).
        const QList<QStringList> queries {
            { "popular", "--count", "10", "--window", "60", "--at", "2021-01-01T00:01:00Z" },
            { "popular", "--count", "7", "--window", "13", "--at", "2021-01-01T00:01:30Z" },
            { "popular", "--count", "7", "--window", "1", "--at", "2021-01-01T00:01:00Z", "--filter", "@us" },
            { "count", "--ad", "ad000003", "--from", "2021-01-01T00:00:10.5Z", "--to",
                "2021-01-01T00:31:00Z" },
        };
        auto answers = [&] {
            QByteArray out;
            for (QStringList q : queries) {
                q << "--db" << db;
                const Run r = runCli(q);
                out += QByteArray::number(r.exitCode) + " " + r.out + r.err;
            }
            return out;
        };
        const QByteArray before = answers();
        QVERIFY(before.contains("\"ad_ids\":[\"ad"));
        sqlite3* conn = nullptr;
        QCOMPARE(sqlite3_open(db.toUtf8().constData(), &conn), SQLITE_OK);
        QCOMPARE(sqlite3_exec(conn, downgrade, nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(conn);
        const char* rankIndex = "SELECT count(*) FROM sqlite_master WHERE name = 'agg_rollup_rank'";
        QCOMPARE(queryText(db, rankIndex), QString::number(QByteArray(version).toInt() >= 6) + "\n");
        QCOMPARE(answers(), before); // read as it is
        QCOMPARE(queryText(db, "SELECT value FROM meta WHERE key = 'schema_version'"),
            QString::fromLatin1(version) + "\n");
        QCOMPARE(runCli({ "ingest", "--db", db, m_log }).exitCode, 0); // nothing new: only the migration
        QCOMPARE(queryText(db, "SELECT value FROM meta WHERE key = 'schema_version'"),
            QString::number(adclick::core::kSchemaVersion) + "\n");
        QCOMPARE(queryText(db, rankIndex), QStringLiteral("1\n"));
        QCOMPARE(rollupCheck(db), QStringLiteral("rollups = agg"));
        QVERIFY(rollupText(db).count('\n') > 100);
        QCOMPARE(answers(), before);
    }
};

QTEST_GUILESS_MAIN(TestMaintenance)
#include "tst_maintenance.moc"
