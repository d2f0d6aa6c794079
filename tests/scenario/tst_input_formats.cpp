// Issue 9, defects 1 and 13 through the CLI: how `adclick ingest --format auto` reads files whose
// format is not one clean block (docs/semantics.md, step 1): junk before the first click, a
// comment before the CSV header, CSV files concatenated with different column orders, a quoted
// field holding a line break; and that a resume mid-file reads on under the header it was under.
#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <tuple>

using namespace testsupport;

namespace {

constexpr qint64 kT0 = 1'609'459'200'000; // 2021-01-01 00:00:00 UTC
const QString kMinute0 = QString::number(kT0 / 60'000);

} // namespace

class TestInputFormats : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString path(const QString& name) const { return m_dir.filePath(name); }

    QString write(const QString& name, const QByteArray& content, bool append = false)
    {
        QFile f(path(name));
        if (!f.open(append ? QIODevice::Append : QIODevice::WriteOnly)) return {};
        f.write(content);
        return f.fileName();
    }

    //! Ingests `log` into `db` (auto format); the summary (counters of the database, `run`).
    QJsonObject ingest(const QString& db, const QString& log)
    {
        const Run r = runCli({ "ingest", "--db", db, log });
        if (r.exitCode != 0) qWarning("%s", r.err.constData());
        return r.exitCode == 0 ? json(r.out) : QJsonObject {};
    }

    static QString counts(const QJsonObject& s)
    {
        QString out = QStringLiteral("lines %1 accepted %2 rejected %3")
                          .arg(s["lines"].toInteger())
                          .arg(s["accepted"].toInteger())
                          .arg(s["rejected"].toInteger());
        return out + nonZeroRejects(s);
    }

    static bool deleteParserStates(const QString& db)
    {
        sqlite3* conn = nullptr;
        bool ok = sqlite3_open(db.toUtf8().constData(), &conn) == SQLITE_OK
            && sqlite3_exec(conn, "DELETE FROM source_parsers", nullptr, nullptr, nullptr) == SQLITE_OK
            && sqlite3_changes(conn) == 1;
        sqlite3_close(conn);
        return ok;
    }

    static QString stats(const QString& db) { return counts(json(runCli({ "stats", "--db", db }).out)); }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void jsonLinesAfterAJunkFirstLine()
    {
        QByteArray log = "hello world\n";
        for (int i = 0; i < 1000; ++i)
            log += QStringLiteral(
                       R"({"ad_id":"ad%1","timestamp":%2,"user_id":"u%3","ip":"10.0.0.1","country":"US"})")
                       .arg(i % 4)
                       .arg(kT0 + i)
                       .arg(i)
                       .toUtf8()
                + '\n';
        const QString db = path("junk-json.db");
        QCOMPARE(counts(ingest(db, write("junk.jsonl", log))),
            QStringLiteral("lines 1001 accepted 1000 rejected 1 missing_field=1"));
        QCOMPARE(aggText(db),
            QStringLiteral("%1,ad0,US,250,0\n%1,ad1,US,250,0\n%1,ad2,US,250,0\n%1,ad3,US,250,0\n")
                .arg(kMinute0));
    }

    void commentLineBeforeTheCsvHeader()
    {
        const QByteArray log = "# clicks exported 2021-01-02\n"
                               "user_id,ad_id,click_timestamp,ip,country\n"
                               "alice,ad1,2021-01-01 00:00:01,10.0.0.1,US\n"
                               "bob,ad2,2021-01-01 00:00:02,10.0.0.2,DE\n"
                               "carol,ad1,2021-01-01 00:00:03,10.0.0.3,US\n";
        const QString db = path("comment.db");
        QCOMPARE(counts(ingest(db, write("comment.csv", log))),
            QStringLiteral("lines 4 accepted 3 rejected 1 missing_field=1"));
        QCOMPARE(aggText(db), QStringLiteral("%1,ad1,US,2,0\n%1,ad2,DE,1,0\n").arg(kMinute0));
        const Run top = runCli({ "popular", "--db", db, "--count", "5", "--window", "1", "--at",
            QString::number(kT0 + 60'000) });
        QCOMPARE(top.exitCode, 0);
        QCOMPARE(json(top.out)["ad_ids"].toArray(), QJsonArray({ "ad1", "ad2" }));
    }

    void csvFilesConcatenatedWithOtherColumnOrders()
    {
        const QByteArray a = "ad_id,click_timestamp,user_id,ip,country\n"
                             "ad1,2021-01-01 00:00:01,alice,10.0.0.1,US\n"
                             "ad2,2021-01-01 00:00:02,alice,10.0.0.1,US\n";
        const QByteArray b = "user_id,country,ip,click_timestamp,ad_id,click_id\n"
                             "bob,fr,10.0.0.9,2021-01-01 00:00:03,ad3,k1\n"
                             "bob,fr,10.0.0.9,2021-01-01 00:00:04,ad1,k2\n";
        const QString db = path("concat.db");
        QCOMPARE(counts(ingest(db, write("concat.csv", a + b + a + b))),
            QStringLiteral("lines 8 accepted 4 rejected 0")); // the repeats are duplicates
        QCOMPARE(stats(db), QStringLiteral("lines 8 accepted 4 rejected 0"));
        QCOMPARE(queryText(db, "SELECT name FROM ads ORDER BY name"), QStringLiteral("ad1\nad2\nad3\n"));
        QCOMPARE(aggText(db),
            QStringLiteral("%1,ad1,FR,1,0\n%1,ad1,US,1,0\n%1,ad2,US,1,0\n%1,ad3,FR,1,0\n").arg(kMinute0));
    }

    void quotedFieldWithALineBreak()
    {
        const QByteArray log = "ad_id,click_timestamp,user_id,ip,country,note\n"
                               "\"ad\n1\",2021-01-01 00:00:01,alice,10.0.0.1,US,x\n"
                               "ad2,2021-01-01 00:00:02,bob,10.0.0.2,US,\"first line\r\nsecond line\"\n"
                               "ad3,2021-01-01 00:00:03,carol,10.0.0.3,US,\n";
        const QString db = path("quoted.db");
        QCOMPARE(counts(ingest(db, write("quoted.csv", log))),
            QStringLiteral("lines 3 accepted 2 rejected 1 bad_field=1"));
        QCOMPARE(aggText(db), QStringLiteral("%1,ad2,US,1,0\n%1,ad3,US,1,0\n").arg(kMinute0));
        // The reject sample is the whole record, at its first byte.
        QCOMPARE(queryText(db, "SELECT offset, reason, hex(line) FROM rejects"),
            QStringLiteral("46,bad_field,%1\n")
                .arg(QString::fromLatin1(
                    QByteArray("\"ad\n1\",2021-01-01 00:00:01,alice,10.0.0.1,US,x").toHex().toUpper())));
    }

    // A header read before a restart still applies after it: the second run resumes mid-file
    // under the second header (stored with the position) and ends with the database of a single
    // run over the whole file.
    void resumeMidFileKeepsTheHeader()
    {
        const QByteArray part1 = "ad_id,click_timestamp,user_id,ip,country\n"
                                 "ad1,2021-01-01 00:00:01,alice,10.0.0.1,US\n"
                                 "# a second export follows\n"
                                 "country,user_id,ip,ad_id,click_timestamp\n"
                                 "de,bob,10.0.0.2,ad2,2021-01-01 00:00:02\n";
        const QByteArray part2 = "de,bob,10.0.0.2,ad3,2021-01-01 00:00:03\n"
                                 "ad_id,click_timestamp,user_id,ip,country,note\n"
                                 "ad4,2021-01-01 00:00:04,carol,10.0.0.3,US,\"two\nlines\"\n";
        const QString log = write("growing.csv", part1);
        const QString db = path("growing.db");
        QCOMPARE(counts(ingest(db, log)), QStringLiteral("lines 3 accepted 2 rejected 1 missing_field=1"));
        write("growing.csv", part2, true);
        const QJsonObject second = ingest(db, log);
        QCOMPARE(second["run"].toObject()["lines"].toInteger(), 2);
        QCOMPARE(counts(second), QStringLiteral("lines 5 accepted 4 rejected 1 missing_field=1"));
        QCOMPARE(
            second["sources"].toArray().at(0).toObject()["resumed_from"].toInteger(), qint64(part1.size()));

        // A database of an older version stored no parser state: the head of the file is read
        // again for the header (here it is there).
        const QString legacy = path("legacy.db");
        const QString legacyLog = write("legacy.csv", part1);
        QCOMPARE(counts(ingest(legacy, legacyLog)),
            QStringLiteral("lines 3 accepted 2 rejected 1 missing_field=1"));
        QVERIFY(deleteParserStates(legacy));
        write("legacy.csv", part2, true);
        QCOMPARE(counts(ingest(legacy, legacyLog)),
            QStringLiteral("lines 5 accepted 4 rejected 1 missing_field=1"));

        const QString once = path("once.db");
        QCOMPARE(counts(ingest(once, write("whole.csv", part1 + part2))),
            QStringLiteral("lines 5 accepted 4 rejected 1 missing_field=1"));
        const QString want
            = QStringLiteral("%1,ad1,US,1,0\n%1,ad2,DE,1,0\n%1,ad3,DE,1,0\n%1,ad4,US,1,0\n").arg(kMinute0);
        QCOMPARE(aggText(once), want);
        QCOMPARE(aggText(db), want);
        QCOMPARE(aggText(legacy), want);
        QCOMPARE(stats(db), stats(once));
    }

    // Killed after commits again and again, an ingest of a file full of header changes, comment
    // lines, multi-line records and stray quotes ends equal to an uninterrupted one: positions are
    // record boundaries and the header in force (often not in the file's first 4 KiB) is restored.
    void killedRunsEndEqual()
    {
        const QStringList orders = { "ad_id,click_timestamp,user_id,ip,country,note",
            "note,country,ip,user_id,click_timestamp,ad_id",
            "user_id,note,ad_id,ip,click_timestamp,country" };
        QByteArray log;
        for (int i = 0; i < 3000; ++i) {
            const QStringList columns = orders[(i / 200) % orders.size()].split(',');
            if (i % 200 == 0) log += columns.join(',').toUtf8() + '\n';
            if (i % 37 == 0) log += "# comment " + QByteArray::number(i) + '\n';
            if (i % 211 == 0) log += "ad0,2021-01-01 00:00:00,u,10.0.0.1,US,\"stray\n";
            QStringList row;
            for (const QString& c : columns) {
                if (c == "ad_id") row << QStringLiteral("ad%1").arg(i % 7);
                if (c == "click_timestamp") row << QString::number(kT0 + qint64(i) * 100);
                if (c == "user_id") row << QStringLiteral("u%1").arg(i);
                if (c == "ip") row << QStringLiteral("10.0.%1.%2").arg(i / 250).arg(i % 250);
                if (c == "country") row << (i % 3 ? "US" : "de");
                if (c == "note") row << (i % 13 == 0 ? "\"line one\nline, two\"" : "n");
            }
            log += row.join(',').toUtf8() + '\n';
        }
        const QString file = write("kills.csv", log);
        const QStringList args = { "--commit-every", "7" };
        const QString reference = path("kills-reference.db");
        QCOMPARE(
            runCli(QStringList { "ingest", "--db", reference } + args + QStringList { file }).exitCode, 0);
        const QJsonObject s = json(runCli({ "stats", "--db", reference }).out);
        QVERIFY(s["accepted"].toInteger() > 2900);

        const QString db = path("kills.db");
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("ADCLICK_FAILPOINT", "commit.after_commit:3");
        int kills = 0;
        for (int i = 0; i < 400; ++i) {
            const Run r = runCli(QStringList { "ingest", "--db", db } + args + QStringList { file }, env);
            if (!r.crashed) break;
            ++kills;
        }
        QVERIFY2(kills >= 30, qPrintable(QString::number(kills)));
        QCOMPARE(runCli({ "ingest", "--db", db, file }).exitCode, 0);
        QCOMPARE(fullState(db), fullState(reference));
    }
    // Issue 10, item 3: the same four clicks written in several time formats and zones give the
    // same per-minute counts with --time-format / --time-zone; bad options are usage errors; a
    // duration takes days.
    void timeFormatsAndZones()
    {
        const QByteArray header = "ad_id,click_timestamp,user_id,ip,country\n";
        auto csv = [&](const QStringList& times) {
            QByteArray out = header;
            const char* rows[4] = { "ad1,%1,u1,10.0.0.1,US", "ad2,%1,u2,10.0.0.2,DE", "ad1,%1,u3,10.0.0.3,US",
                "ad1,%1,u4,10.0.0.4,US" };
            for (int i = 0; i < 4; ++i)
                out += QString::fromUtf8(rows[i]).arg(times[i]).toUtf8() + '\n';
            return out;
        };
        // 2017-11-07 09:30:38, 09:30:59.9, 09:31:05, 09:32:00 UTC (Python: datetime(...).timestamp()).
        struct Case {
            const char* name;
            QStringList args;
            QByteArray content;
        };
        const QList<Case> cases = {
            { "iso-t-no-zone", {},
                csv({ "2017-11-07T09:30:38", "2017-11-07T09:30:59.9", "2017-11-07T09:31:05",
                    "2017-11-07T09:32:00" }) },
            { "epoch-s", {}, csv({ "1510047038", "1510047059.9", "1510047065", "1510047120" }) },
            { "epoch-us", {},
                csv({ "1510047038000000", "1510047059900000", "1510047065000000", "1510047120000000" }) },
            { "epoch-ns-json", {},
                QByteArray(
                    R"({"ad_id":"ad1","timestamp":1510047038000000000,"user_id":"u1","ip":"10.0.0.1","country":"US"})"
                    "\n"
                    R"({"ad_id":"ad2","timestamp":1510047059900000000,"user_id":"u2","ip":"10.0.0.2","country":"DE"})"
                    "\n"
                    R"({"ad_id":"ad1","timestamp":1510047065000000000,"user_id":"u3","ip":"10.0.0.3","country":"US"})"
                    "\n"
                    R"({"ad_id":"ad1","timestamp":1510047120000000000,"user_id":"u4","ip":"10.0.0.4","country":"US"})"
                    "\n") },
            { "apache-berlin", { "--time-format", "%d/%b/%Y:%H:%M:%S", "--time-zone", "Europe/Berlin" },
                csv({ "07/Nov/2017:10:30:38", "07/Nov/2017:10:30:59", "07/Nov/2017:10:31:05",
                    "07/Nov/2017:10:32:00" }) },
            { "space-new-york", { "--time-zone", "America/New_York" },
                csv({ "2017-11-07 04:30:38", "2017-11-07 04:30:59.9", "2017-11-07 04:31:05",
                    "2017-11-07 04:32:00" }) },
            { "us-12h-offset", { "--time-format", "%m/%d/%Y %I:%M:%S %p", "--time-zone", "+05:30" },
                csv({ "11/07/2017 03:00:38 PM", "11/07/2017 03:00:59 PM", "11/07/2017 03:01:05 PM",
                    "11/07/2017 03:02:00 PM" }) },
            { "epoch-ms-forced", { "--time-format", "epoch-ms" },
                csv({ "1510047038000", "1510047059900", "1510047065000", "1510047120000" }) },
        };
        const QString expected = QStringLiteral("25167450,ad1,US,1,0\n25167450,ad2,DE,1,0\n"
                                                "25167451,ad1,US,1,0\n25167452,ad1,US,1,0\n");
        for (const Case& c : cases) {
            const QString name = QString::fromUtf8(c.name);
            const QString db = path("time-" + name + ".db");
            const Run r = runCli(QStringList { "ingest", "--db", db } + c.args
                + QStringList { write("time-" + name + ".log", c.content) });
            QVERIFY2(r.exitCode == 0, qPrintable(name + ": " + r.err));
            QCOMPARE(counts(json(r.out)), QStringLiteral("lines 4 accepted 4 rejected 0"));
            QVERIFY2(aggText(db) == expected, qPrintable(name + ":\n" + aggText(db)));
        }

        // A wall time in the spring-forward gap never happened: a counted reject, not a guess.
        const QString gapDb = path("time-gap.db");
        const Run gap = runCli({ "ingest", "--db", gapDb, "--time-zone", "Europe/Berlin",
            write("time-gap.log",
                csv({ "2021-03-28 01:59:59", "2021-03-28 02:30:00", "2021-03-28 03:00:00",
                    "2021-03-28 03:00:01" })) });
        QVERIFY2(gap.exitCode == 0, gap.err.constData());
        QCOMPARE(counts(json(gap.out)), QStringLiteral("lines 4 accepted 3 rejected 1 bad_timestamp=1"));

        // Usage errors name the option; nothing is read.
        const QString log = path("time-iso-t-no-zone.log");
        const Run badFormat
            = runCli({ "ingest", "--db", path("time-bad.db"), "--time-format", "%Y-%m", log });
        QCOMPARE(badFormat.exitCode, 2);
        QVERIFY2(
            badFormat.err.contains("--time-format: the time format needs a year"), badFormat.err.constData());
        const Run badName = runCli({ "ingest", "--db", path("time-bad.db"), "--time-format", "epoch", log });
        QCOMPARE(badName.exitCode, 2);
        QVERIFY2(badName.err.contains("--time-format: expected auto, iso"), badName.err.constData());
        const Run badZone
            = runCli({ "ingest", "--db", path("time-bad.db"), "--time-zone", "Mars/Olympus", log });
        QCOMPARE(badZone.exitCode, 2);
        QVERIFY2(
            badZone.err.contains("--time-zone: unknown time zone 'Mars/Olympus'"), badZone.err.constData());
        const Run badProduce = runCli(
            { "produce", "--brokers", "127.0.0.1:1", "--topic", "t", "--time-zone", "Nowhere/Land", log });
        QCOMPARE(badProduce.exitCode, 2);
        QVERIFY2(badProduce.err.contains("--time-zone: unknown time zone"), badProduce.err.constData());
        QVERIFY(!QFile::exists(path("time-bad.db")));

        // Durations take days: 3d is 72 h.
        const QString daysDb = path("time-days.db");
        const Run days
            = runCli({ "ingest", "--db", daysDb, "--lateness", "3d", "--dedup-horizon", "3d", log });
        QVERIFY2(days.exitCode == 0, days.err.constData());
        QCOMPARE(queryText(daysDb, "SELECT value FROM meta WHERE key = 'lateness_ms'"),
            QStringLiteral("259200000\n"));
        QCOMPARE(runCli({ "ingest", "--db", path("time-weeks.db"), "--lateness", "3w", log }).exitCode, 2);
    }

    // --delimiter: the same clicks as ';', '|' and tab rows count exactly as the comma rows (quoted
    // fields holding the delimiter, duplicates, a bad row); without it the rows are refused with
    // the option that reads them; a resumed source keeps its delimiter and refuses another.
    void delimiters()
    {
        const QList<QByteArrayList> rows = {
            { "click_id", "ad_id", "click_timestamp", "user_id", "ip", "country" },
            { "c1", "ad1", "2017-11-07T09:30:38Z", "u1", "10.0.0.1", "US" },
            { "c2", "ad 2", "2017-11-07T09:30:59Z", "u2", "10.0.0.2", "DE" },
            { "c1", "ad1", "2017-11-07T09:30:38Z", "u1", "10.0.0.1", "US" }, // a duplicate
            { "c3", "ad,3;|", "2017-11-07T09:31:05Z", "u3", "10.0.0.3", "fr" }, // quoted where needed
            { "c4", "ad1", "2017-11-07T09:32:00Z", "u4", "not-an-ip", "US" }, // bad_ip
            { "c5", "ad1", "2017-11-07T09:32:01Z", "u5", "10.0.0.5", "US" },
        };
        auto text = [&](char d, qsizetype from, qsizetype to) {
            QByteArray out;
            for (qsizetype i = from; i < to; ++i) {
                QByteArrayList fields = rows[i];
                for (QByteArray& f : fields)
                    if (f.contains(d) || f.contains(',')) f = '"' + f + '"';
                out += fields.join(d) + '\n';
            }
            return out;
        };
        const QString reference = path("delim-comma.db");
        const Run comma = runCli({ "ingest", "--db", reference, write("delim-comma.csv", text(',', 0, 7)) });
        QVERIFY2(comma.exitCode == 0, comma.err.constData());
        QCOMPARE(counts(json(comma.out)), QStringLiteral("lines 6 accepted 4 rejected 1 bad_ip=1"));
        const QString expected = aggText(reference);
        QVERIFY(expected.contains(QStringLiteral("ad,3;|")));
        for (const auto& [d, name, option] :
            { std::tuple { ';', "semicolon", ";" }, { '|', "bar", "|" }, { '\t', "tab", "tab" } }) {
            const QString log = write(QStringLiteral("delim-%1.csv").arg(name), text(d, 0, 7));
            const QString db = path(QStringLiteral("delim-%1.db").arg(name));
            const Run r = runCli({ "ingest", "--db", db, "--delimiter", option, log });
            QVERIFY2(r.exitCode == 0, qPrintable(QString(name) + ": " + r.err));
            QCOMPARE(counts(json(r.out)), counts(json(comma.out)));
            QVERIFY2(aggText(db) == expected, qPrintable(QString(name) + ":\n" + aggText(db)));
        }
        // Without the option: nothing counted, exit 1, and sniff names the option.
        const QString semi = write("delim-semi.csv", text(';', 0, 5));
        const Run plain = runCli({ "ingest", "--db", path("delim-plain.db"), semi });
        QCOMPARE(plain.exitCode, 1);
        QVERIFY2(
            plain.err.contains("every line of") && plain.err.contains("--delimiter"), plain.err.constData());
        const Run sniffed = runCli({ "sniff", semi });
        QVERIFY2(sniffed.out.contains("read them with --delimiter ';'"), sniffed.out.constData());
        // Resumed: the stored delimiter reads the appended rows; another one is refused.
        const QString db = path("delim-resume.db");
        QCOMPARE(runCli({ "ingest", "--db", db, "--delimiter", ";", semi }).exitCode, 0);
        write("delim-semi.csv", text(';', 5, 7), true);
        const Run resumed = runCli({ "ingest", "--db", db, semi });
        QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
        QCOMPARE(aggText(db), expected);
        write("delim-semi.csv", text(';', 1, 2), true);
        const Run other = runCli({ "ingest", "--db", db, "--delimiter", "|", semi });
        QCOMPARE(other.exitCode, 1);
        QVERIFY2(other.err.contains("was read with --delimiter ';'"), other.err.constData());
        // Usage errors.
        const Run badChar = runCli({ "ingest", "--db", path("delim-bad.db"), "--delimiter", ":", semi });
        QCOMPARE(badChar.exitCode, 2);
        QVERIFY2(badChar.err.contains("--delimiter must be"), badChar.err.constData());
        const Run badFormat = runCli(
            { "ingest", "--db", path("delim-bad.db"), "--format", "jsonl", "--delimiter", ";", semi });
        QCOMPARE(badFormat.exitCode, 2);
        QVERIFY(!QFile::exists(path("delim-bad.db")));
    }
};

QTEST_GUILESS_MAIN(TestInputFormats)
#include "tst_input_formats.moc"
