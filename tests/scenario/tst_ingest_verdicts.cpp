// Issue 10, item 5 (CLI): say when something is wrong. A source whose lines are all rejected ends
// `adclick ingest` with exit 1 and the top reject reasons (it used to exit 0); an archive with more
// than 1 % late clicks ends with a warning giving the fraction and suggesting --order any; an
// empty file says so. And `adclick sniff` (item 6) prints how a file would be read, as JSON.
#include "test_support.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <random>

using namespace testsupport;

namespace {

//! The first line (the CSV header) stays first; the other lines are shuffled with a fixed seed.
QByteArray shuffledLog(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    QByteArrayList lines = f.readAll().split('\n');
    while (!lines.isEmpty() && lines.back().isEmpty())
        lines.removeLast();
    std::mt19937 random(10);
    std::shuffle(lines.begin() + 1, lines.end(), random);
    return lines.join('\n') + '\n';
}

// Rows of the public TalkingData click log without its header: eight fields, no click (with
// the header the ingest stops before reading: tst_column_map).
const QByteArray kForeignCsv = "83230,3,1,13,379,2017-11-06 14:32:21,,0\n"
                               "17357,3,1,19,379,2017-11-06 14:33:34,,0\n"
                               "35810,3,1,13,379,2017-11-06 14:34:12,,0\n"
                               "45745,3,1,13,379,2017-11-06 14:34:52,,0\n";

} // namespace

class TestIngestVerdicts : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_dbs = 0;

    QString freshDb() { return m_dir.filePath(QStringLiteral("v%1.db").arg(++m_dbs)); }
    QString file(const QString& name, const QByteArray& content)
    {
        const QString path = m_dir.filePath(name);
        if (!writeFile(path, content)) qFatal("cannot write %s", qPrintable(path));
        return path;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // The public dataset header: every line rejected → exit 1, the reasons, a hint; the
    // summary is still printed.
    void allRejectedIsAnError()
    {
        const QString log = file("foreign.csv", kForeignCsv);
        const Run r = runCli({ "ingest", "--db", freshDb(), log });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("adclick: error: every line of '" + log.toUtf8()
                     + "' was rejected (4 lines: "
                       "too_many_fields 4), so nothing was counted."),
            r.err.constData());
        QVERIFY2(r.err.contains("a CSV needs a header naming its columns"), r.err.constData());
        QVERIFY2(r.err.contains("adclick sniff"), r.err.constData());
        const QJsonObject summary = json(r.out);
        QCOMPARE(summary.value("rejected").toInt(), 4);
        QCOMPARE(summary.value("accepted").toInt(), 0);
    }

    void binaryFileIsAnError()
    {
        const QString bin = file(
            "picture.png", QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\x02", 18) + "\n\x03\x04\n");
        const Run r = runCli({ "ingest", "--db", freshDb(), bin });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("binary_bytes"), r.err.constData());
        QVERIFY2(r.err.contains("This is not a text click log"), r.err.constData());
    }

    // One good file and one junk file: the run counted clicks, but the junk file is still an error
    // that names it; some rejected lines in a good file are not.
    void oneSourceAllRejectedAmongGoodOnes()
    {
        const QString good = file("good.log",
            "ad1, 2021-01-01 00:00:01, u1, 1.2.3.4, US\n"
            "ad2, 2021-01-01 00:00:02, u2, 1.2.3.4, US\n"
            "ad3, 2021-01-01 00:00:03, u3, not-an-ip, US\n");
        const Run ok = runCli({ "ingest", "--db", freshDb(), good });
        QCOMPARE(ok.exitCode, 0);
        QVERIFY2(!ok.err.contains("error:"), ok.err.constData());
        QCOMPARE(json(ok.out).value("rejected").toInt(), 1);

        const QString junk = file("junk.csv", kForeignCsv);
        const Run r = runCli({ "ingest", "--db", freshDb(), good, junk });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("every line of '" + junk.toUtf8() + "' was rejected"), r.err.constData());
        QVERIFY2(!r.err.contains("every line of '" + good.toUtf8()), r.err.constData());
        QCOMPARE(json(r.out).value("accepted").toInt(), 2);
    }

    // A folder is one source: a junk file beside the logs is a warning; a folder of junk an error.
    void foldersAreJudgedAsAWhole()
    {
        QVERIFY(QDir().mkpath(m_dir.filePath("mixed")));
        file("mixed/app.log", "ad1, 2021-01-01 00:00:01, u1, 1.2.3.4, US\n");
        file("mixed/notes.csv", kForeignCsv);
        const Run mixed = runCli({ "ingest", "--db", freshDb(), m_dir.filePath("mixed") });
        QCOMPARE(mixed.exitCode, 0);
        QVERIFY2(mixed.err.contains("adclick: warning: every line of '"
                     + m_dir.filePath("mixed/notes.csv").toUtf8() + "' was rejected"),
            mixed.err.constData());

        QVERIFY(QDir().mkpath(m_dir.filePath("junk")));
        file("junk/a.csv", kForeignCsv);
        file("junk/b.csv", kForeignCsv);
        const Run junk = runCli({ "ingest", "--db", freshDb(), m_dir.filePath("junk") });
        QCOMPARE(junk.exitCode, 1);
        QVERIFY2(junk.err.contains("adclick: error: every line of the files of '"
                     + m_dir.filePath("junk").toUtf8() + "' was rejected (8 lines: too_many_fields 8)"),
            junk.err.constData());
    }

    // An empty file is no error (a quiet hour's rotated log is empty) but says so; a file read to
    // its end before says nothing when the next run finds nothing new.
    void emptyAndNothingNew()
    {
        const QString empty = file("empty.log", "");
        const Run e = runCli({ "ingest", "--db", freshDb(), empty });
        QCOMPARE(e.exitCode, 0);
        QVERIFY2(e.err.contains("adclick: warning: '" + empty.toUtf8() + "' is empty: nothing to count"),
            e.err.constData());
        const QString headerOnly = file("header.csv", "ad_id,click_timestamp,user_id,ip,country\n\n");
        const Run h = runCli({ "ingest", "--db", freshDb(), headerOnly });
        QCOMPARE(h.exitCode, 0);
        QVERIFY2(h.err.contains("holds no click line"), h.err.constData());

        const QString log = file("once.log", "ad1, 2021-01-01 00:00:01, u1, 1.2.3.4, US\n");
        const QString db = freshDb();
        QCOMPARE(runCli({ "ingest", "--db", db, log }).exitCode, 0);
        const Run again = runCli({ "ingest", "--db", db, log });
        QCOMPARE(again.exitCode, 0);
        QVERIFY2(again.err.isEmpty(), again.err.constData());
    }

    // A shuffled archive: most clicks are late with the default lateness. The warning gives the
    // fraction (as the summary's counters say) and suggests --order any; the generator's own
    // order (0.5 % late by design) gives no warning.
    void lateWarningForArchivesOutOfOrder()
    {
        const QString sorted = m_dir.filePath("sorted.csv");
        QCOMPARE(
            runCli({ "gen", "--out", sorted, "--events", "20000", "--rate", "100", "--seed", "4" }).exitCode,
            0);
        const Run inOrder = runCli({ "ingest", "--db", freshDb(), sorted });
        QCOMPARE(inOrder.exitCode, 0);
        QVERIFY2(!inOrder.err.contains("late"), inOrder.err.constData());
        QVERIFY(json(inOrder.out).value("late").toInt() > 0); // some, under 1 %

        const QString shuffled = file("shuffled.csv", shuffledLog(sorted));
        const Run r = runCli({ "ingest", "--db", freshDb(), shuffled });
        QCOMPARE(r.exitCode, 0);
        const QJsonObject s = json(r.out);
        const qint64 late = s.value("late").toInteger();
        const qint64 clicks = s.value("accepted").toInteger() + s.value("duplicates").toInteger() + late;
        QVERIFY(late * 100 > clicks);
        const QByteArray expected = "adclick: warning: " + QByteArray::number(late) + " of "
            + QByteArray::number(clicks) + " clicks ("
            + QByteArray::number(100.0 * double(late) / double(clicks), 'f', 1) + "%) were late";
        QVERIFY2(r.err.contains(expected), r.err.constData());
        QVERIFY2(r.err.contains("--order any"), r.err.constData());
        QVERIFY2(r.err.contains("--lateness"), r.err.constData());
    }

    // adclick sniff: the JSON of a shuffled generated log and of the foreign header.
    void sniffPrintsJson()
    {
        const QString sorted = m_dir.filePath("sniff.csv");
        QCOMPARE(
            runCli({ "gen", "--out", sorted, "--events", "3000", "--rate", "20", "--seed", "5" }).exitCode,
            0);
        const QString shuffled = file("sniff-shuffled.csv", shuffledLog(sorted));
        const Run r = runCli({ "sniff", "--lines", "3", shuffled });
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = json(r.out);
        QCOMPARE(o.value("format").toString(), QStringLiteral("csv"));
        QCOMPARE(o.value("delimiter").toString(), QStringLiteral(","));
        QCOMPARE(o.value("header").toObject().value("line").toInt(), 1);
        QCOMPARE(o.value("mapping").toObject().value("ad_id").toObject().value("name").toString(),
            QStringLiteral("ad_id"));
        QCOMPARE(o.value("time").toObject().value("format").toString(), QStringLiteral("iso"));
        const QJsonObject order = o.value("order").toObject();
        QCOMPARE(order.value("suggested_order").toString(), QStringLiteral("any"));
        QVERIFY(order.value("behind_fraction").toDouble() > 0.3);
        QVERIFY(order.value("lateness_for_all_on_time_s").toDouble() > 60);
        const QJsonArray lines = o.value("lines").toArray();
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0].toObject().value("verdict").toString(), QStringLiteral("header"));
        QVERIFY(o.value("whole_file").toBool());

        const Run foreign = runCli({ "sniff", file("sniff-foreign.csv", kForeignCsv) });
        QCOMPARE(foreign.exitCode, 0);
        const QJsonObject f = json(foreign.out);
        QVERIFY(f.value("format").isNull());
        QCOMPARE(f.value("verdicts")
                     .toObject()
                     .value("rejected_by_reason")
                     .toObject()
                     .value("too_many_fields")
                     .toInt(),
            4);
        QVERIFY(!f.value("notes").toArray().isEmpty());

        QCOMPARE(runCli({ "sniff", m_dir.filePath("missing.csv") }).exitCode, 1);
        QCOMPARE(runCli({ "sniff" }).exitCode, 2);
    }

    // adclick sniff reports the time zone in use and the detected time format, takes
    // --time-format/--time-zone like ingest, and names the strftime pattern of stamps it cannot
    // read (both readings, and none chosen, when day and month cannot be told apart).
    void sniffReportsTimeFormatAndZone()
    {
        const QString dayFirst = file("sniff-day-first.csv",
            "ad_id,click_timestamp,user_id,ip,country\n"
            "ad1,13/01/2021 10:00,u1,1.2.3.4,US\n"
            "ad2,14/01/2021 11:30,u2,1.2.3.4,US\n");
        Run r = runCli({ "sniff", dayFirst });
        QCOMPARE(r.exitCode, 0);
        QJsonObject t = json(r.out).value("time").toObject();
        QCOMPARE(t.value("time_format").toString(), QStringLiteral("auto"));
        QCOMPARE(t.value("time_zone").toString(), QStringLiteral("UTC"));
        QVERIFY(t.value("format").isNull()); // nothing read
        QCOMPARE(t.value("suggested_time_formats").toArray(), QJsonArray({ "%d/%m/%Y %H:%M" }));
        QCOMPARE(t.value("day_month_order_unknown").toBool(), false);

        r = runCli({ "sniff", "--time-format", "%d/%m/%Y %H:%M", "--time-zone", "Europe/Berlin", dayFirst });
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = json(r.out);
        t = o.value("time").toObject();
        QCOMPARE(o.value("verdicts").toObject().value("accepted").toInt(), 2);
        QCOMPARE(t.value("time_format").toString(), QStringLiteral("%d/%m/%Y %H:%M"));
        QCOMPARE(t.value("time_zone").toString(), QStringLiteral("Europe/Berlin"));
        QCOMPARE(t.value("format").toString(), QStringLiteral("strftime"));
        QCOMPARE(t.value("pattern").toString(), QStringLiteral("%d/%m/%Y %H:%M"));
        QVERIFY(t.value("zone_applies").toBool());
        // 10:00 in Berlin (UTC+1 in winter) is 09:00 UTC.
        QCOMPARE(t.value("min").toString(), QStringLiteral("2021-01-13T09:00:00.000Z"));
        QCOMPARE(t.value("max").toString(), QStringLiteral("2021-01-14T10:30:00.000Z"));
        QCOMPARE(t.value("suggested_time_formats").toArray(), QJsonArray());

        const QString ambiguous = file("sniff-ambiguous.csv",
            "ad_id,click_timestamp,user_id,ip,country\nad1,02/01/2021 10:00,u1,1.2.3.4,US\n");
        t = json(runCli({ "sniff", ambiguous }).out).value("time").toObject();
        QCOMPARE(
            t.value("suggested_time_formats").toArray(), QJsonArray({ "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M" }));
        QCOMPARE(t.value("day_month_order_unknown").toBool(), true);

        const QString epoch = file(
            "sniff-epoch.csv", "ad_id,click_timestamp,user_id,ip,country\nad1,1510047038,u1,1.2.3.4,US\n");
        t = json(runCli({ "sniff", "--time-zone", "+05:30", epoch }).out).value("time").toObject();
        QCOMPARE(t.value("format").toString(), QStringLiteral("epoch-s"));
        QCOMPARE(t.value("time_zone").toString(), QStringLiteral("+05:30"));
        QCOMPARE(t.value("zone_applies").toBool(), false); // an epoch is an instant
        QCOMPARE(t.value("min").toString(), QStringLiteral("2017-11-07T09:30:38.000Z"));

        QCOMPARE(runCli({ "sniff", "--time-zone", "Mars/Olympus", epoch }).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestIngestVerdicts)
#include "tst_ingest_verdicts.moc"
