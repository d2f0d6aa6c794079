// R3: differential oracle. The generator writes a log with duplicates, late, out-of-order and
// malformed lines plus its own ground truth (an independent model of docs/semantics.md); the
// engine's database must equal it in every (minute, ad, country) cell and every counter.
#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace testsupport;

class TestEndToEnd : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString path(const QString& name) const { return m_dir.filePath(name); }

    void generate(const QString& log, const QStringList& extra)
    {
        const Run g = runCli(QStringList { "gen", "--out", log } + extra);
        QVERIFY2(g.exitCode == 0 && !g.crashed, g.err.constData());
    }

    void compareWithTruth(const QString& db, const QString& truthPrefix)
    {
        QCOMPARE(integrity(db), QStringLiteral("ok"));
        const QString agg = aggText(db);
        const QString truth = truthAggText(truthPrefix);
        QVERIFY(truth.count('\n') > 10);
        QCOMPARE(agg, truth);
        const Run stats = runCli({ "stats", "--db", db });
        QCOMPARE(stats.exitCode, 0);
        const QJsonObject s = json(stats.out);
        const QJsonObject t = truthCounters(truthPrefix);
        QCOMPARE(countersAsTruth(s), countersAsTruth(t));
        // Every non-blank line lands in exactly one class.
        QCOMPARE(s["lines"].toInteger(),
            s["accepted"].toInteger() + s["duplicates"].toInteger() + s["late"].toInteger()
                + s["rejected"].toInteger());
        QVERIFY(t["duplicates"].toInteger() > 0);
        QVERIFY(t["late"].toInteger() > 0);
        QVERIFY(t["rejected"].toInteger() > 0);
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void formats_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("late");
        QTest::addColumn<QStringList>("genExtra");
        const QStringList none;
        for (const char* format : { "book", "csv", "jsonl" })
            QTest::newRow(format) << QString(format) << QStringLiteral("drop") << none;
        QTest::newRow("csv, late update") << QStringLiteral("csv") << QStringLiteral("update") << none;
        // Issue 14: duplicates and late clicks exactly on the rule boundaries (gen --boundary: W at
        // a pane end, W ± 1 ms, W − H ± 1 ms, repeats of clicks kept since W − H ± 1 ms), over 20
        // minutes of event time, so an off-by-one in the horizon, finality or
        // dedup-expiry rule changes a count.
        const QStringList boundary { "--boundary", "--rate", "50" };
        QTest::newRow("csv, boundary") << QStringLiteral("csv") << QStringLiteral("drop") << boundary;
        QTest::newRow("jsonl, boundary, late update")
            << QStringLiteral("jsonl") << QStringLiteral("update") << boundary;
    }
    void formats()
    {
        QFETCH(QString, format);
        QFETCH(QString, late);
        QFETCH(QStringList, genExtra);
        const QString tag = format + "-" + late + (genExtra.isEmpty() ? "" : "-boundary");
        const QString log = path(tag + ".log");
        generate(log,
            QStringList { "--events", genExtra.isEmpty() ? "120000" : "60000", "--format", format, "--seed",
                "11", "--late", late }
                + genExtra);
        const QString db = path(tag + ".db");
        const Run r = runCli({ "ingest", "--db", db, "--late", late, log });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        compareWithTruth(db, log);

        // Ingesting the same file again adds nothing: it resumes at its end.
        const Run again = runCli({ "ingest", "--db", db, log });
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(json(again.out)["run"].toObject()["lines"].toInteger(), 0);
        compareWithTruth(db, log);
    }

    void sampleLogGivesTheHandCountedResult()
    {
        // resources/sample-clicks.log, counted by hand: lines 1-3, 5, 7, 8 accepted; 4 repeats 1;
        // 6 repeats 5's click_id; 9 comes after line 8 closed minute 00:00 (late); 10 and 12 are
        // malformed; 11 is blank.
        const QString sample = QStringLiteral(ADCLICK_TEST_DATA "/../../resources/sample-clicks.log");
        const QString db = path("sample.db");
        const Run r = runCli({ "ingest", "--db", db, sample });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject s = json(r.out);
        QCOMPARE(s["lines"].toInteger(), 11);
        QCOMPARE(s["accepted"].toInteger(), 6);
        QCOMPARE(s["duplicates"].toInteger(), 2);
        QCOMPARE(s["late"].toInteger(), 1);
        QCOMPARE(s["rejected"].toInteger(), 2);
        QCOMPARE(s["rejected_by_reason"].toObject()["bad_timestamp"].toInteger(), 1);
        QCOMPARE(s["rejected_by_reason"].toObject()["bad_ip"].toInteger(), 1);
        const qint64 m0 = 1'609'459'200'000 / 60'000;
        QCOMPARE(aggText(db),
            QStringLiteral(
                "%1,ad001,USA,2,0\n%1,ad002,KOR,1,1\n%1,ad003,JPN,1,0\n%2,ad002,KOR,1,0\n%3,ad001,USA,1,0\n")
                .arg(m0)
                .arg(m0 + 1)
                .arg(m0 + 2));
    }

    // Issue 9 defect 12: spellings of one address are one address for the dedup identity (as
    // they are for filters): three spellings of one IPv6 address are 1 click and 2 duplicates,
    // and 1.2.3.4 / ::ffff:1.2.3.4 are 1 click and 1 duplicate.
    void ipSpellingsAreOneAddress()
    {
        const QString log = path("ips.csv");
        QFile f(log);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("ad_id,click_timestamp,user_id,ip,country\n"
                "ad1,2021-01-01T00:00:01Z,u1,2001:db8::1,US\n"
                "ad1,2021-01-01T00:00:01Z,u1,2001:0DB8:0:0:0:0:0:1,US\n"
                "ad1,2021-01-01T00:00:01Z,u1,2001:db8:0::1,US\n"
                "ad2,2021-01-01T00:00:02Z,u2,1.2.3.4,US\n"
                "ad2,2021-01-01T00:00:02Z,u2,::ffff:1.2.3.4,US\n"
                "ad2,2021-01-01T00:00:02Z,u2,::FFFF:102:304,US\n"
                "ad3,2021-01-01T00:00:03Z,u3,2001:db8::2,US\n");
        f.close();
        const QString db = path("ips.db");
        const Run r = runCli({ "ingest", "--db", db, log });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject s = json(r.out);
        QCOMPARE(s["lines"].toInteger(), 7);
        QCOMPARE(s["accepted"].toInteger(), 3);
        QCOMPARE(s["duplicates"].toInteger(), 4);
        for (const auto& [ad, ip] :
            { std::pair { "ad1", "2001:DB8::1" }, std::pair { "ad2", "::ffff:1.2.3.4" } }) {
            const Run c = runCli({ "count", "--db", db, "--ad", ad, "--from", "2021-01-01T00:00:00Z", "--to",
                "2021-01-01T00:01:00Z", "--filter", QStringLiteral("ip=%1").arg(ip) });
            QVERIFY2(c.exitCode == 0, c.err.constData());
            QCOMPARE(json(c.out)["count"].toInteger(), 1);
        }
    }

    void gzipStdinAndRotatedDirectoryGiveTheSameResult()
    {
        const QString log = path("parts.log");
        generate(log, { "--events", "60000", "--format", "csv", "--seed", "5" });
        const QString plainDb = path("plain.db");
        QCOMPARE(runCli({ "ingest", "--db", plainDb, log }).exitCode, 0);
        compareWithTruth(plainDb, log);

        // The same content gzip-compressed.
        const QString gz = path("parts.log.gz");
        QCOMPARE(QProcess::execute("sh", { "-c", QStringLiteral("gzip -c '%1' > '%2'").arg(log, gz) }), 0);
        const QString gzDb = path("gz.db");
        QCOMPARE(runCli({ "ingest", "--db", gzDb, gz }).exitCode, 0);
        QCOMPARE(aggText(gzDb), aggText(plainDb));

        // Through stdin.
        QProcess p;
        p.setStandardInputFile(log);
        const QString stdinDb = path("stdin.db");
        p.start(QStringLiteral(ADCLICK_CLI), { "ingest", "--db", stdinDb, "-" });
        QVERIFY(p.waitForFinished(120'000));
        QCOMPARE(p.exitCode(), 0);
        QCOMPARE(aggText(stdinDb), aggText(plainDb));

        // Split at a line boundary into a directory of rotated files, read oldest first: the
        // first half is the older rotation, .2, compressed with zstd as logrotate's compresscmd
        // does (docs/semantics.md, "Reading order of a folder").
        QFile in(log);
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QByteArray all = in.readAll();
        const qsizetype cut = all.indexOf('\n', all.size() / 2) + 1;
        QDir().mkpath(path("rotated"));
        QFile a(path("rotated/clicks.log.2")), b(path("rotated/clicks.log.1"));
        QVERIFY(a.open(QIODevice::WriteOnly) && b.open(QIODevice::WriteOnly));
        a.write(all.left(cut));
        const qsizetype headerEnd = all.indexOf('\n') + 1;
        b.write(all.left(headerEnd) + all.mid(cut)); // each rotated CSV file has its header
        a.close();
        b.close();
        QCOMPARE(QProcess::execute("zstd", { "-q", "--rm", path("rotated/clicks.log.2") }), 0);
        QVERIFY(QFile::exists(path("rotated/clicks.log.2.zst")));
        const QString dirDb = path("dir.db");
        const Run r = runCli({ "ingest", "--db", dirDb, path("rotated") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(aggText(dirDb), aggText(plainDb));
        QCOMPARE(countersText(dirDb), countersText(plainDb));
    }

    void queriesAnswerFromTheAggregates()
    {
        const QString log = path("q.log");
        generate(log, { "--events", "50000", "--format", "jsonl", "--seed", "3" });
        const QString db = path("q.db");
        QCOMPARE(runCli({ "ingest", "--db", db, log }).exitCode, 0);

        // Truth: per-ad clicks of the 10 minutes up to the newest minute with clicks.
        QMap<QString, qint64> perAd;
        qint64 lastMinute = 0;
        const QStringList rows = truthAggText(log).split('\n', Qt::SkipEmptyParts);
        for (const QString& row : rows) {
            const auto f = row.split(',');
            if (f[3].toLongLong() > 0) lastMinute = std::max(lastMinute, f[0].toLongLong());
        }
        const qint64 firstMinute = lastMinute - 9;
        for (const QString& row : rows) {
            const auto f = row.split(',');
            if (f[0].toLongLong() >= firstMinute) perAd[f[1]] += f[3].toLongLong();
        }
        QVERIFY(!perAd.isEmpty());
        const QString from = QString::number(firstMinute * 60'000);
        const QString to = QString::number((firstMinute + 10) * 60'000);
        const QString someAd = perAd.firstKey();
        const Run c = runCli({ "count", "--db", db, "--ad", someAd, "--from", from, "--to", to });
        QVERIFY2(c.exitCode == 0, c.err.constData());
        QCOMPARE(json(c.out)["count"].toInteger(), perAd[someAd]);

        // Top 5 of those 10 minutes, ties by ad_id.
        QList<QPair<qint64, QString>> ranked;
        for (auto it = perAd.begin(); it != perAd.end(); ++it)
            ranked.append({ -it.value(), it.key() });
        std::sort(ranked.begin(), ranked.end());
        const Run p = runCli({ "popular", "--db", db, "--count", "5", "--window", "10", "--at", to });
        QVERIFY2(p.exitCode == 0, p.err.constData());
        const QJsonObject o = json(p.out);
        QCOMPARE(o["ad_ids"].toArray().size(), 5);
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(o["ad_ids"].toArray()[i].toString(), ranked[i].second);
            QCOMPARE(o["counts"].toArray()[i].toInteger(), -ranked[i].first);
        }
    }
};

QTEST_GUILESS_MAIN(TestEndToEnd)
#include "tst_end_to_end.moc"
