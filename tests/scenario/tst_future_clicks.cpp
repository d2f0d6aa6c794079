// Issue 9, defect 5: clicks dated in the future (docs/semantics.md step 0). One click dated
// 9999-12-31 used to move the stored watermark to year 9999 and make every later click late.
#include "test_support.h"

#include <QDateTime>
#include <QTemporaryDir>
#include <QtTest>

using namespace testsupport;

namespace {

QByteArray jsonClick(const QString& ad, const QString& time, const QString& user)
{
    return QStringLiteral(
        R"({"ad_id":"%1","click_timestamp":"%2","user_id":"%3","ip":"10.9.9.9","country":"US"})")
        .arg(ad, time, user)
        .toUtf8();
}

QString isoUtc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString("yyyy-MM-dd HH:mm:ss.zzz");
}

//! `lines` written to `path`; false when it cannot be written.
bool writeLines(const QString& path, const QByteArrayList& lines)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
    for (const QByteArray& line : lines)
        f.write(line + '\n');
    return true;
}

//! The lines of a file as bytes (generated logs hold invalid UTF-8 on purpose).
QByteArrayList readLines(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll().split('\n');
}

QString watermarkOf(const QString& db)
{
    return queryText(
        db, "SELECT key, value FROM meta WHERE key IN ('max_event_ms', 'watermark_ms') ORDER BY key");
}

} // namespace

class TestFutureClicks : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_dbs = 0;

    QString freshDb() { return m_dir.filePath(QStringLiteral("f%1.db").arg(++m_dbs)); }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void outliersInAnArchiveAreRejectedAndLeaveTheWatermark()
    {
        const QString log = m_dir.filePath("clicks.jsonl");
        const Run g
            = runCli({ "gen", "--out", log, "--events", "6000", "--seed", "17", "--format", "jsonl" });
        QCOMPARE(g.exitCode, 0);
        // The same archive with two outliers in the middle: one dated 9999-12-31 (beyond the wall
        // clock) and one from 2025 in this 2021 log (a jump of years, not confirmed by the next click).
        QByteArrayList lines = readLines(log);
        QVERIFY(lines.size() > 4000);
        lines.insert(3000, jsonClick("ad-future", "2025-06-01 12:00:00", "u-2025"));
        lines.insert(2000, jsonClick("ad-future", "9999-12-31 23:59:59", "u-9999"));
        const QString withOutliers = m_dir.filePath("outliers.jsonl");
        QVERIFY(writeLines(withOutliers, lines));

        const QString plain = freshDb(), db = freshDb();
        QCOMPARE(runCli({ "ingest", "--db", plain, log }).exitCode, 0);
        const Run r = runCli({ "ingest", "--db", db, withOutliers });
        QVERIFY2(r.exitCode == 0, r.err.constData());

        // Exact: the aggregates are the generator's truth, the counters the truth's plus 2 rejects.
        QCOMPARE(aggText(db), truthAggText(log));
        QJsonObject expected = truthCounters(log);
        expected["lines"] = expected["lines"].toInteger() + 2;
        expected["rejected"] = expected["rejected"].toInteger() + 2;
        QJsonObject byReason = expected["rejected_by_reason"].toObject();
        byReason["future"] = 2;
        expected["rejected_by_reason"] = byReason;
        const QJsonObject stats = json(runCli({ "stats", "--db", db }).out);
        QCOMPARE(countersAsTruth(stats), countersAsTruth(expected));
        QCOMPARE(json(r.out)["rejected_by_reason"].toObject()["future"].toInteger(), 2);
        // The stored watermark is the one without the outliers.
        QCOMPARE(watermarkOf(db), watermarkOf(plain));
        QCOMPARE(queryText(db, "SELECT count(*) FROM ads WHERE name = 'ad-future'").trimmed(),
            QStringLiteral("0"));
        QCOMPARE(queryText(db, "SELECT reason FROM rejects WHERE CAST(line AS TEXT) LIKE '%ad-future%'"),
            QStringLiteral("future\nfuture\n"));
    }

    void aRealGapCostsOneClickAndTheRestCounts()
    {
        // Two days without clicks between two rotated files: the first click after the gap is
        // rejected (nothing can tell it from an outlier yet), the next one confirms the jump.
        const QString a = m_dir.filePath("day1.jsonl"), b = m_dir.filePath("day3.jsonl");
        QVERIFY(writeLines(a,
            { jsonClick("ad1", "2021-03-01 10:00:00", "u1"),
                jsonClick("ad1", "2021-03-01 22:00:00", "u2") }));
        QVERIFY(writeLines(b,
            { jsonClick("ad1", "2021-03-04 08:00:00", "u3"), jsonClick("ad1", "2021-03-04 08:00:05", "u4"),
                jsonClick("ad1", "2021-03-04 08:00:10", "u5") }));
        const QString db = freshDb();
        const Run r = runCli({ "ingest", "--db", db, a, b });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject s = json(r.out);
        QCOMPARE(s["accepted"].toInteger(), 4);
        QCOMPARE(s["rejected_by_reason"].toObject()["future"].toInteger(), 1);
        // A quiet night (12 h) is no jump; --max-jump 0 turns the check off.
        const QString off = freshDb();
        QCOMPARE(
            json(runCli({ "ingest", "--db", off, "--max-jump", "0", a, b }).out)["accepted"].toInteger(), 5);
    }

    void maxFutureBoundsTheWallClock()
    {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const QString log = m_dir.filePath("live.jsonl");
        QVERIFY(writeLines(log,
            { jsonClick("ad1", isoUtc(now - 1000), "u1"), jsonClick("ad1", isoUtc(now + 600'000), "u2") }));
        const QString strict = freshDb(), loose = freshDb();
        const QJsonObject s1 = json(runCli({ "ingest", "--db", strict, log }).out); // default 300 s
        QCOMPARE(s1["accepted"].toInteger(), 1);
        QCOMPARE(s1["rejected_by_reason"].toObject()["future"].toInteger(), 1);
        const QJsonObject s2 = json(runCli({ "ingest", "--db", loose, "--max-future", "1h", log }).out);
        QCOMPARE(s2["accepted"].toInteger(), 2);
        for (const char* bad : { "9223372036854775807", "-5", "soon" }) {
            const Run r = runCli({ "ingest", "--db", freshDb(), "--max-future", bad, log });
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains("--max-future"), r.err.constData());
        }
    }
};

QTEST_GUILESS_MAIN(TestFutureClicks)
#include "tst_future_clicks.moc"
