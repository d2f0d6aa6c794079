// Issue 10 items 1, 2 and the header check of 5, through the CLI: logs with their own column
// names (--map and synonyms), nested JSON keys, absent optional fields (dedup and filters),
// country names, a header without a time column (exit 1 naming --map), and the column map kept
// with a resumed source (a different one refused). docs/semantics.md, "Columns and absent fields".
#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace testsupport;

namespace {

constexpr qint64 kT0 = 1'609'459'200'000; // 2021-01-01 00:00:00 UTC
const QString kMinute0 = QString::number(kT0 / 60'000);

} // namespace

class TestColumnMap : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString path(const QString& name) const { return m_dir.filePath(name); }

    QString write(const QString& name, const QByteArray& content)
    {
        QFile f(path(name));
        if (!f.open(QIODevice::WriteOnly)) return {};
        f.write(content);
        return f.fileName();
    }

    static QString counts(const QJsonObject& s)
    {
        QString out = QStringLiteral("lines %1 accepted %2 dup %3 rejected %4")
                          .arg(s["lines"].toInteger())
                          .arg(s["accepted"].toInteger())
                          .arg(s["duplicates"].toInteger())
                          .arg(s["rejected"].toInteger());
        return out + nonZeroRejects(s);
    }

    //! `adclick count` of one ad over the first hour of 2021 with `filter` (none when empty).
    static qint64 count(const QString& db, const QString& ad, const QString& filter = {})
    {
        QStringList args { "count", "--db", db, "--ad", ad, "--from", "2021-01-01T00:00:00Z", "--to",
            "2021-01-01T01:00:00Z" };
        if (!filter.isEmpty()) args << "--filter" << filter;
        const Run r = runCli(args);
        if (r.exitCode != 0) qWarning("%s", r.err.constData());
        return r.exitCode == 0 ? json(r.out)["count"].toInteger() : -1;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // The public TalkingData layout: no ad column by any name, an ip column of integer codes.
    void headerWithoutAdColumnStopsNamingMap()
    {
        const QByteArray log = "ip,app,device,os,channel,click_time,attributed_time,is_attributed\n"
                               "83230,3,1,13,379,2021-01-01 00:00:01,,0\n"
                               "17357,3,1,19,379,2021-01-01 00:00:02,,0\n"
                               "35810,12,1,13,478,2021-01-01 00:00:03,,0\n";
        const QString file = write("talking.csv", log);
        const QString db = path("talking.db");
        const Run bad = runCli({ "ingest", "--db", db, file });
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.contains("ad_id") && bad.err.contains("--map ad_id=")
                && bad.err.contains(
                    "ip, app, device, os, channel, click_time, attributed_time, is_attributed"),
            bad.err.constData());

        const Run ok = runCli({ "ingest", "--db", db, "--map", "ad_id=app", "--map", "ip=", file });
        QCOMPARE(ok.exitCode, 0);
        QCOMPARE(counts(json(ok.out)), QStringLiteral("lines 3 accepted 3 dup 0 rejected 0"));
        QCOMPARE(json(ok.out)["sources"].toArray()[0].toObject()["columns"].toString(),
            QStringLiteral(
                "ad_id=app, click_timestamp=click_time, user_id=(none), ip=(none), country=(none), "
                "click_id=(none)"));
        QCOMPARE(aggText(db), QStringLiteral("%1,12,,1,0\n%1,3,,2,0\n").arg(kMinute0));
        // Read in any order, the summary names the mapping in use the same way.
        const Run any = runCli({ "ingest", "--db", path("talking-any.db"), "--order", "any", "--map",
            "ad_id=app", "--map", "ip=", file });
        QCOMPARE(any.exitCode, 0);
        QCOMPARE(json(any.out)["sources"].toArray()[0].toObject()["columns"].toString(),
            json(ok.out)["sources"].toArray()[0].toObject()["columns"].toString());
        QCOMPARE(aggText(path("talking-any.db")), aggText(db));
        // Without ip= the integer codes are no addresses: counted rejects, not silently dropped.
        const Run codes = runCli({ "ingest", "--db", path("codes.db"), "--map", "ad_id=app", file });
        QCOMPARE(codes.exitCode, 1); // every line rejected: an error, with the reason
        QVERIFY2(codes.err.contains("bad_ip 3"), codes.err.constData());
        QCOMPARE(counts(json(codes.out)), QStringLiteral("lines 3 accepted 0 dup 0 rejected 3 bad_ip=3"));
    }

    void headerWithoutTimeColumnStops()
    {
        const QString file = write("notime.csv", "ad_id,user_id,ip\nad1,u1,10.0.0.1\n");
        const Run r = runCli({ "ingest", "--db", path("notime.db"), file });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(
            r.err.contains("click_timestamp") && r.err.contains("--map click_timestamp="), r.err.constData());
    }

    void foreignNamesMappedAndBySynonym()
    {
        // The same three clicks (one a duplicate) under the log's own names, with extra columns.
        const QByteArray mapped = "when,campaign,visitor,addr,land,device\n"
                                  "2021-01-01 00:00:01,ad1,alice,10.0.0.1,Germany,ios\n"
                                  "2021-01-01 00:00:02,ad2,bob,10.0.0.2,FRA,android\n"
                                  "2021-01-01 00:00:01,ad1,alice,10.0.0.1,DE,web\n";
        const QString db1 = path("mapped.db");
        const Run r1 = runCli({ "ingest", "--db", db1, "--map", "click_timestamp=when", "--map",
            "ad_id=campaign", "--map", "user_id=visitor", "--map", "ip=addr", "--map", "country=land",
            write("mapped.csv", mapped) });
        QCOMPARE(r1.exitCode, 0);
        QCOMPARE(counts(json(r1.out)), QStringLiteral("lines 3 accepted 2 dup 1 rejected 0"));
        QCOMPARE(aggText(db1), QStringLiteral("%1,ad1,DE,1,0\n%1,ad2,FRA,1,0\n").arg(kMinute0));

        const QByteArray synonyms = "clickTs,adId,userId,Client_IP,countryCode,channel\n"
                                    "2021-01-01 00:00:01,ad1,alice,10.0.0.1,Germany,7\n"
                                    "2021-01-01 00:00:02,ad2,bob,10.0.0.2,FRA,8\n"
                                    "2021-01-01 00:00:01,ad1,alice,10.0.0.1,DE,9\n";
        const QString db2 = path("synonyms.db");
        const Run r2 = runCli({ "ingest", "--db", db2, write("synonyms.csv", synonyms) });
        QCOMPARE(r2.exitCode, 0);
        QCOMPARE(counts(json(r2.out)), QStringLiteral("lines 3 accepted 2 dup 1 rejected 0"));
        QCOMPARE(aggText(db2), aggText(db1));
    }

    void nestedJsonKeys()
    {
        const QByteArray log = R"({"ad":{"id":"ad1"},"meta":{"ts":"2021-01-01 00:00:01"},"net":{"ip":"::1"}})"
                               "\n"
                               R"({"ad":{"id":"ad1"},"meta":{"ts":"2021-01-01 00:00:02"},"net":{"ip":"::1"}})"
                               "\n"
                               R"({"ad":{"name":"x"},"meta":{"ts":"2021-01-01 00:00:03"}})"
                               "\n";
        const QString db = path("nested.db");
        const Run r = runCli({ "ingest", "--db", db, "--map", "ad_id=ad.id", "--map",
            "click_timestamp=meta.ts", "--map", "ip=net.ip", write("nested.jsonl", log) });
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(counts(json(r.out)), QStringLiteral("lines 3 accepted 2 dup 0 rejected 1 missing_field=1"));
        QCOMPARE(count(db, "ad1"), 2);
        QCOMPARE(count(db, "ad1", "ip=::1"), 2);
    }

    // Absent fields: the dedup identity is what is there; a filter on an absent field matches
    // nothing, negated or not.
    void absentOptionalFields()
    {
        const QByteArray log = "ad_id,click_timestamp\n"
                               "ad1,2021-01-01 00:00:01\n"
                               "ad1,2021-01-01 00:00:01\n" // the same identity: a duplicate
                               "ad1,2021-01-01 00:00:02\n"
                               "ad2,2021-01-01 00:00:01\n";
        const QString db = path("absent.db");
        const Run r = runCli({ "ingest", "--db", db, write("absent.csv", log) });
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(counts(json(r.out)), QStringLiteral("lines 4 accepted 3 dup 1 rejected 0"));
        QCOMPARE(count(db, "ad1"), 2);
        for (const char* filter : { "country=US", "country!=US", "country not in (US,KR)", "user_id=u1",
                 "user_id!=u1", "ip=10.0.0.0/8", "ip!=10.0.0.0/8" })
            QVERIFY2(count(db, "ad1", filter) == 0, filter);
        const Run top = runCli({ "popular", "--db", db, "--count", "5", "--window", "1", "--at",
            QString::number(kT0 + 60'000), "--filter", "country!=US" });
        QCOMPARE(top.exitCode, 0);
        QCOMPARE(json(top.out)["ad_ids"].toArray(), QJsonArray());
    }

    void countryNamesAndCodes()
    {
        const QByteArray log
            = R"({"ad_id":"a","ts":"2021-01-01 00:00:01","user_id":"u1","ip":"10.0.0.1","country":"Canada"})"
              "\n"
              R"({"ad_id":"a","ts":"2021-01-01 00:00:02","user_id":"u2","ip":"10.0.0.1","country":"ca"})"
              "\n"
              R"({"ad_id":"a","ts":"2021-01-01 00:00:03","user_id":"u3","ip":"10.0.0.1","country":"Viet Nam"})"
              "\n"
              R"({"ad_id":"a","ts":"2021-01-01 00:00:04","user_id":"u4","ip":"10.0.0.1","country":"Atlantis"})"
              "\n";
        const QString db = path("countries.db");
        const Run r = runCli({ "ingest", "--db", db, write("countries.jsonl", log) });
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(counts(json(r.out)), QStringLiteral("lines 4 accepted 3 dup 0 rejected 1 bad_country=1"));
        QCOMPARE(aggText(db), QStringLiteral("%1,a,CA,2,0\n%1,a,VN,1,0\n").arg(kMinute0));
    }

    // The map is stored with the source: a resume without --map keeps it, a different one is refused.
    void mapStoredWithTheSource()
    {
        const QByteArray head = "app,when,addr\n"
                                "ad1,2021-01-01 00:00:01,10.0.0.1\n";
        const QString file = write("resume.csv", head);
        const QString db = path("resume.db");
        const QStringList map { "--map", "ad_id=app", "--map", "click_timestamp=when", "--map", "ip=" };
        Run r = runCli(QStringList { "ingest", "--db", db } + map + QStringList { file });
        QCOMPARE(r.exitCode, 0);
        QFile f(file);
        QVERIFY(f.open(QIODevice::Append));
        f.write("ad2,2021-01-01 00:00:02,10.0.0.2\n");
        f.close();
        r = runCli({ "ingest", "--db", db, "--map", "ad_id=addr", "--map", "click_timestamp=when", file });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("--map ad_id=app, click_timestamp=when, ip=")
                && r.err.contains("--map ad_id=addr"),
            r.err.constData());
        r = runCli({ "ingest", "--db", db, file }); // no --map: the stored one
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(counts(json(r.out)), QStringLiteral("lines 2 accepted 2 dup 0 rejected 0"));
        QCOMPARE(json(r.out)["sources"].toArray()[0].toObject()["resumed_from"].toInteger(), head.size());
        QCOMPARE(aggText(db), QStringLiteral("%1,ad1,,1,0\n%1,ad2,,1,0\n").arg(kMinute0));
    }
};

QTEST_GUILESS_MAIN(TestColumnMap)
#include "tst_column_map.moc"
