// The sniffer (adclick sniff, the GUI's import preview): formats, header and column mapping, time
// formats, the out-of-order figures against hand-made files and the engine's truth, and the
// verdict of each sample line.
#include "core/base/timestamp.h"
#include "core/input/sniff_guess.h"
#include "core/input/sniffer.h"

#include "sim/click_generator.h"

#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <string>

using namespace adclick::core;

namespace {

constexpr int64_t T0 = 1609459200000; // 2021-01-01 00:00:00 UTC

std::string verdicts(const SniffResult& r)
{
    std::string out;
    for (const SniffLine& l : r.sample)
        out += (out.empty() ? "" : " ") + std::to_string(l.number) + ":" + sniffVerdictName(l);
    return out;
}

bool hasNote(const SniffResult& r, std::string_view part)
{
    for (const std::string& n : r.notes)
        if (n.find(part) != std::string::npos) return true;
    return false;
}

//! A book-format line at T0 + `seconds`.
std::string bookLine(const std::string& ad, int64_t seconds)
{
    std::string time = formatIsoUtc(T0 + seconds * 1000).substr(0, 19);
    time[10] = ' '; // ISO without a zone is read only with a space today
    return "[AdClickEvent] " + ad + ", " + time + ", u1, 1.2.3.4, US\n";
}

} // namespace

class TestSniffer : public QObject {
    Q_OBJECT

private slots:
    void bookFormat()
    {
        std::string text;
        for (int i = 0; i < 5; ++i)
            text += bookLine("ad" + std::to_string(i), i);
        const SniffResult r = sniffText(text);
        QCOMPARE(r.format, LineFormat::Book);
        QCOMPARE(r.events, 5);
        QCOMPARE(r.rejected, 0);
        QVERIFY(r.wholeFile);
        QCOMPARE(r.delimiter, ',');
        QCOMPARE(r.headerLine, 0u);
        QVERIFY(r.mapping.empty()); // positions, not columns
        QCOMPARE(r.timeFormat, std::string("iso"));
        QCOMPARE(r.timePattern, std::string("YYYY-MM-DD hh:mm:ss"));
        QCOMPARE(r.firstTimeMs, T0);
        QCOMPARE(r.maxTimeMs, T0 + 4000);
        QVERIFY(hasNote(r, "no zone"));
        QCOMPARE(r.behind, 0);
        QVERIFY(!r.suggestsAnyOrder());
    }

    // A CSV whose header names the columns in its own order with extra columns: the mapping is
    // the parser's, the extra columns are listed as ignored.
    void csvHeaderMapping()
    {
        const std::string text = "note,Country,IP,user_id,timestamp,ad_id,click_id\n"
                                 "x,us,10.0.0.1,u1,2021-01-01 00:00:01,ad1,c1\n"
                                 "y,kr,10.0.0.2,u2,2021-01-01 09:00:02.5+09:00,ad2,\n";
        const SniffResult r = sniffText(text);
        QCOMPARE(r.format, LineFormat::Csv);
        QCOMPARE(r.events, 2);
        QCOMPARE(r.headers, 1);
        QCOMPARE(r.headerLine, 1u);
        QCOMPARE(r.headerColumns.size(), std::size_t(7));
        QCOMPARE(r.mapping.size(), std::size_t(6));
        const std::pair<const char*, int> expected[] = { { "ad_id", 5 }, { "click_timestamp", 4 },
            { "user_id", 3 }, { "ip", 2 }, { "country", 1 }, { "click_id", 6 } };
        for (std::size_t i = 0; i < 6; ++i) {
            QCOMPARE(r.mapping[i].field, std::string(expected[i].first));
            QCOMPARE(r.mapping[i].column, expected[i].second);
            QCOMPARE(r.mapping[i].name, r.headerColumns[std::size_t(expected[i].second)]);
        }
        QCOMPARE(r.mapping[4].name, std::string("Country"));
        QCOMPARE(r.ignoredColumns, std::vector<std::string> { "note" });
        QCOMPARE(verdicts(r), std::string("1:header 2:accepted 3:accepted"));
    }

    // The public dataset: a header without an ad column is a bad header (the ingest
    // stops on it); the rows are rejected, and the sniff names the --map that would read them.
    void foreignHeaderAllRejected()
    {
        const std::string text = "ip,app,device,os,channel,click_time,attributed_time,is_attributed\n"
                                 "83230,3,1,13,379,2017-11-06 14:32:21,,0\n"
                                 "17357,3,1,19,379,2017-11-06 14:33:34,,0\n";
        const SniffResult r = sniffText(text);
        QCOMPARE(r.events, 0);
        QCOMPARE(r.format, LineFormat::Auto);
        QCOMPARE(r.rejected, 3);
        QCOMPARE(r.rejectedBy[std::size_t(RejectReason::TooManyFields)], 2);
        QCOMPARE(r.rejectedBy[std::size_t(RejectReason::BadCsvHeader)], 1);
        QVERIFY(hasNote(r, "--map ad_id=app"));
        QVERIFY(hasNote(r, "no line is read as a click"));
        QCOMPARE(verdicts(r), std::string("1:bad_csv_header 2:too_many_fields 3:too_many_fields"));
    }

    void jsonLinesEpochMs()
    {
        std::string text;
        for (int i = 0; i < 3; ++i)
            text += "{\"ad_id\":\"a\",\"timestamp\":" + std::to_string(T0 + i * 1000)
                + ",\"user_id\":\"u\",\"ip\":\"::1\",\"country\":\"DE\"}\n";
        text
            += "{\"ad_id\":\"a\",\"timestamp\":\"2021-01-01T00:00:03.250Z\",\"user_id\":\"u\",\"ip\":\"::1\","
               "\"country\":\"DE\"}\n";
        text += "{not json\n";
        const SniffResult r = sniffText(text);
        QCOMPARE(r.format, LineFormat::Jsonl);
        QCOMPARE(r.eventsByFormat[std::size_t(LineFormat::Jsonl)], 4);
        QCOMPARE(r.timeFormat, std::string("epoch-ms"));
        QCOMPARE(r.timePattern, std::string("13 digits"));
        QCOMPARE(r.lastTimeMs, T0 + 3250);
        QCOMPARE(verdicts(r), std::string("1:accepted 2:accepted 3:accepted 4:accepted 5:bad_json"));
    }

    void isoPatterns_data()
    {
        QTest::addColumn<QString>("time");
        QTest::addColumn<QString>("pattern");
        QTest::newRow("space") << "2021-01-01 00:00:01"
                               << "YYYY-MM-DD hh:mm:ss";
        QTest::newRow("T Z fraction") << "2021-01-01T00:00:01.125Z"
                                      << "YYYY-MM-DDThh:mm:ss.fffZ";
        QTest::newRow("offset") << "2021-01-01T09:00:01+09:00"
                                << "YYYY-MM-DDThh:mm:ss±hh:mm";
    }
    void isoPatterns()
    {
        QFETCH(QString, time);
        QFETCH(QString, pattern);
        const std::string text = "ad1, " + time.toStdString() + ", u1, 1.2.3.4, US\n";
        const SniffResult r = sniffText(text);
        QCOMPARE(r.events, 1);
        QCOMPARE(r.timeFormat, std::string("iso"));
        QCOMPARE(QString::fromStdString(r.timePattern), pattern);
        QCOMPARE(r.firstTimeMs, T0 + 1000 + (time.contains(QLatin1String(".125")) ? 125 : 0));
    }

    // Epoch seconds are told from milliseconds by their size (docs/semantics.md "Time stamps"):
    // no "1970" note; small epoch values (read as ms) still get one.
    void epochSecondsNoted()
    {
        const SniffResult r = sniffText("ad1, 1510047038, u1, 1.2.3.4, US\n");
        QCOMPARE(r.events, 1);
        QCOMPARE(r.timePattern, std::string("10 digits"));
        QCOMPARE(r.firstTimeMs, int64_t(1510047038000));
        QVERIFY(!hasNote(r, "epoch seconds"));
        const SniffResult small = sniffText("ad1, 151004703, u1, 1.2.3.4, US\n");
        QCOMPARE(small.firstTimeMs, int64_t(151004703));
        QVERIFY(hasNote(small, "epoch seconds"));
    }

    // The zone in use and the detected format are reported (issue 10 item 6): a stamp without a
    // zone is read in the zone given (Berlin is UTC+1 in January), an epoch needs none.
    void timeZoneAndFormatReported()
    {
        SniffOptions o;
        std::string error;
        QVERIFY(TimeFormat::make("auto", "Europe/Berlin", o.parser.time, error));
        const SniffResult r = sniffText("ad1, 2021-01-13 10:00:00, u1, 1.2.3.4, US\n", o);
        QCOMPARE(r.timeOption, std::string("auto"));
        QCOMPARE(r.timeZone, std::string("Europe/Berlin"));
        QCOMPARE(r.timeFormat, std::string("iso"));
        QVERIFY(r.zoneApplies);
        QCOMPARE(r.firstTimeMs, T0 + 12 * 86'400'000 + 9 * 3'600'000);
        QVERIFY(hasNote(r, "read as Europe/Berlin"));
        const SniffResult own = sniffText("ad1, 2021-01-13T10:00:00+02:00, u1, 1.2.3.4, US\n", o);
        QVERIFY(!own.zoneApplies); // its own zone wins
        QCOMPARE(own.firstTimeMs, T0 + 12 * 86'400'000 + 8 * 3'600'000);
        const SniffResult utc = sniffText("ad1, 2021-01-13 10:00:00, u1, 1.2.3.4, US\n");
        QCOMPARE(utc.timeZone, std::string("UTC"));
        QVERIFY(hasNote(utc, "read as UTC"));
    }

    void epochUnits_data()
    {
        QTest::addColumn<QString>("time");
        QTest::addColumn<QString>("format");
        QTest::addColumn<qint64>("ms");
        QTest::newRow("s") << "1510047038"
                           << "epoch-s" << qint64(1510047038000);
        QTest::newRow("s fraction") << "1510047038.25"
                                    << "epoch-s" << qint64(1510047038250);
        QTest::newRow("ms") << "1510047038123"
                            << "epoch-ms" << qint64(1510047038123);
        QTest::newRow("us") << "1510047038123456"
                            << "epoch-us" << qint64(1510047038123);
        QTest::newRow("ns") << "1510047038123456789"
                            << "epoch-ns" << qint64(1510047038123);
    }
    void epochUnits()
    {
        QFETCH(QString, time);
        QFETCH(QString, format);
        QFETCH(qint64, ms);
        const SniffResult r = sniffText("ad1, " + time.toStdString() + ", u1, 1.2.3.4, US\n");
        QCOMPARE(r.events, 1);
        QCOMPARE(QString::fromStdString(r.timeFormat), format);
        QCOMPARE(r.firstTimeMs, int64_t(ms));
        QVERIFY(!r.zoneApplies);
    }

    // Stamps the time format rejects: the sniffer names the strftime pattern that reads them
    // all, both readings when day and month cannot be told apart (and picks none), or says it
    // does not know the shape.
    void timePatternGuess_data()
    {
        QTest::addColumn<QStringList>("times");
        QTest::addColumn<QStringList>("patterns");
        QTest::newRow("day first") << QStringList { "02/01/2021 10:00", "13/01/2021 11:30" }
                                   << QStringList { "%d/%m/%Y %H:%M" };
        QTest::newRow("month first") << QStringList { "01/02/2021 10:00", "01/13/2021 11:30" }
                                     << QStringList { "%m/%d/%Y %H:%M" };
        QTest::newRow("cannot tell") << QStringList { "02/01/2021 10:00", "03/01/2021 11:30" }
                                     << QStringList { "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M" };
        QTest::newRow("12 h, seconds")
            << QStringList { "1/13/2021 10:00:05 PM" } << QStringList { "%m/%d/%Y %I:%M:%S %p" };
        QTest::newRow("month name") << QStringList { "13-Jan-2021 10:00" }
                                    << QStringList { "%d-%b-%Y %H:%M" };
        QTest::newRow("dots, 2-digit year")
            << QStringList { "13.01.21 10:00:00" } << QStringList { "%d.%m.%y %H:%M:%S" };
        QTest::newRow("ISO without seconds")
            << QStringList { "2021-01-13T10:00+01:00" } << QStringList { "%Y-%m-%dT%H:%M%z" };
        QTest::newRow("unknown") << QStringList { "yesterday noon" } << QStringList {};
    }
    void timePatternGuess()
    {
        QFETCH(QStringList, times);
        QFETCH(QStringList, patterns);
        std::string text = "ad_id,click_timestamp,user_id,ip,country\n";
        for (const QString& t : times)
            text += "ad1," + t.toStdString() + ",u1,1.2.3.4,US\n";
        const SniffResult r = sniffText(text);
        QCOMPARE(r.events, 0);
        QCOMPARE(r.rejectedBy[std::size_t(RejectReason::BadTimestamp)], int64_t(times.size()));
        QStringList got;
        for (const std::string& p : r.suggestedTimeFormats)
            got << QString::fromStdString(p);
        QCOMPARE(got, patterns);
        QCOMPARE(r.badTimeExample, times.front().toStdString());
        if (patterns.size() == 1)
            QVERIFY(hasNote(r, "give --time-format '" + patterns.front().toStdString() + "'"));
        else if (patterns.size() == 2)
            QVERIFY(hasNote(r, "cannot be told"));
        else
            QVERIFY(hasNote(r, "not one the sniffer knows"));
        // The pattern found reads every line, at the instant worked out by hand (the first text).
        if (patterns.size() != 1) return;
        SniffOptions o;
        std::string error;
        QVERIFY(TimeFormat::make(patterns.front().toStdString(), "UTC", o.parser.time, error));
        const SniffResult read = sniffText(text, o);
        QCOMPARE(read.events, int64_t(times.size()));
        QCOMPARE(read.timeFormat, std::string("strftime"));
        QCOMPARE(QString::fromStdString(read.timePattern), patterns.front());
        QVERIFY(read.suggestedTimeFormats.empty());
    }

    // A given pattern: the instants are the pattern's, in the zone given.
    void givenPatternAndZone()
    {
        SniffOptions o;
        std::string error;
        QVERIFY(TimeFormat::make("%d/%m/%Y %H:%M", "+05:30", o.parser.time, error));
        const SniffResult r = sniffText("ad_id,click_timestamp,user_id,ip,country\n"
                                        "ad1,13/01/2021 10:00,u1,1.2.3.4,US\n"
                                        "ad1,02/01/2021 08:15,u1,1.2.3.4,US\n",
            o);
        QCOMPARE(r.events, 2);
        QCOMPARE(r.timeZone, std::string("+05:30"));
        QCOMPARE(r.timeOption, std::string("%d/%m/%Y %H:%M"));
        QVERIFY(r.zoneApplies);
        QCOMPARE(r.minTimeMs, T0 + 86'400'000 + (8 * 60 + 15 - 330) * 60'000);
        QCOMPARE(r.maxTimeMs, T0 + 12 * 86'400'000 + (10 * 60 - 330) * 60'000);
    }

    // A first line of names none of which is known is no header (the rows are read by
    // position), but its names are what a column map can name: they are listed.
    void firstLineColumns()
    {
        const SniffResult r = sniffText("creative,when,visitor\nad1,2021-01-01 00:00:00,u1\n");
        QCOMPARE(r.headerLine, uint64_t(0));
        QCOMPARE(r.firstLineColumns, std::vector<std::string>({ "creative", "when", "visitor" }));
        QVERIFY(sniffText("ad1, 2021-01-01 00:00:00, u1, 1.2.3.4, US\n").firstLineColumns.empty());
        QVERIFY(sniffText("1,2,3\n").firstLineColumns.empty()); // numbers are no names
        // Mapped, the line is the header: its columns as written (not the parser's stored state).
        SniffOptions o;
        std::string error;
        QVERIFY(addColumnMapping("ad_id=creative", o.parser.map, error));
        QVERIFY(addColumnMapping("click_timestamp=when", o.parser.map, error));
        const SniffResult mapped = sniffText("creative,when,visitor\nad1,2021-01-01 00:00:00,u1\n", o);
        QCOMPARE(mapped.headerLine, uint64_t(1));
        QCOMPARE(mapped.header, std::string("creative,when,visitor"));
        QCOMPARE(mapped.headerColumns, std::vector<std::string>({ "creative", "when", "visitor" }));
        QCOMPARE(mapped.events, 1);
    }

    // JSON lines: the key paths a column map can name, nested ones dotted.
    void jsonKeys()
    {
        const SniffResult r
            = sniffText("{\"ad\":{\"id\":\"a\"},\"ts\":\"2021-01-01T00:00:00Z\",\"tags\":[1,{\"x\":2}],"
                        "\"geo\":{\"cc\":\"DE\",\"city\":null}}\n"
                        "{\"ad\":{\"id\":\"b\"},\"ts\":1609459200000,\"user\":\"u \\\"q\\\"\"}\n");
        QCOMPARE(
            r.jsonKeys, std::vector<std::string>({ "ad.id", "ts", "tags", "geo.cc", "geo.city", "user" }));
        std::vector<std::string> keys;
        addJsonKeyPaths("{\"a\":1,\"b\":", keys); // broken: what was read before the break
        QCOMPARE(keys, std::vector<std::string>({ "a", "b" }));
    }

    // A hand-made file out of order: every figure worked out by hand (the comments).
    void outOfOrderFigures()
    {
        std::string text;
        // seconds after T0, in line order; the running maximum before each: -, 0, 130, 130, 200, 200
        for (int64_t s : { 0, 130, 10, 200, 65, 201 })
            text += bookLine("ad", s);
        SniffOptions o;
        const SniffResult r = sniffText(text, o);
        QCOMPARE(r.events, 6);
        QCOMPARE(r.behind, 2); // 10 (behind 130) and 65 (behind 200)
        QCOMPARE(r.maxStepBackMs, 135'000); // 200 - 65
        // 10 s is in the minute ending at 60 s: on time while 130 s - lateness < 60 s, i.e. lateness
        // > 70 s; 65 s ends at 120 s: lateness > 80 s. The smallest lateness for both: 80.001 s.
        QCOMPARE(r.latenessForAllOnTimeMs, 80'001);
        QCOMPARE(r.lateAtLateness, 2); // with the default 60 s both are late
        QVERIFY(r.suggestsAnyOrder());
        QVERIFY(hasNote(r, "not in time order"));
        QVERIFY(hasNote(r, "--lateness 81s")); // 80.001 s, rounded up to whole seconds
        QCOMPARE(verdicts(r), std::string("1:accepted 2:accepted 3:late 4:accepted 5:late 6:accepted"));
        o.latenessMs = 80'000;
        QCOMPARE(sniffText(text, o).lateAtLateness, 1); // 65 s: 200 - 80 = 120, its minute's end
        o.latenessMs = 80'001;
        QCOMPARE(sniffText(text, o).lateAtLateness, 0);
    }

    // The late figure is the engine's: over a generated log with no duplicates, it equals the
    // generator's truth (0.5 % late: time order is right), and a log with 3 % late suggests any order.
    void lateFigureMatchesTruth_data()
    {
        QTest::addColumn<double>("lateRate");
        QTest::addColumn<bool>("anyOrder");
        QTest::newRow("0.5% late") << 0.005 << false;
        QTest::newRow("3% late") << 0.03 << true;
    }
    void lateFigureMatchesTruth()
    {
        QFETCH(double, lateRate);
        QFETCH(bool, anyOrder);
        QTemporaryDir dir;
        GenOptions g;
        g.out = dir.filePath(QStringLiteral("clicks.csv")).toStdString();
        g.events = 20'000;
        g.dupRate = 0;
        g.malformedRate = 0;
        g.lateRate = lateRate;
        auto gen = generateClicks(g);
        QVERIFY2(gen, gen.message().c_str());
        auto r = sniffFile(g.out);
        QVERIFY2(r, r.message().c_str());
        QVERIFY(r->wholeFile);
        QCOMPARE(r->events, gen->truth.counter("accepted") + gen->truth.counter("late"));
        QCOMPARE(r->lateAtLateness, gen->truth.counter("late"));
        QVERIFY(r->lateAtLateness > 0);
        QCOMPARE(r->suggestsAnyOrder(), anyOrder);
        QCOMPARE(r->format, LineFormat::Csv);
        QCOMPARE(r->headerLine, 1u);
    }

    void sampleVerdictsAndLineNumbers()
    {
        const std::string text = "ad_id,click_timestamp,user_id,ip,country,note\n"
                                 "a1,2021-01-01 00:00:01,u1,1.2.3.4,US,\"two\nlines\"\n"
                                 "\n"
                                 "a2,2021-01-01 00:00:02,u2,not-an-ip,US,\n"
                                 "a3,2021-01-01 00:00:03,u3,1.2.3.4,USA1,\n"
                                 ",2021-01-01 00:00:03,u3,1.2.3.4,US,\n";
        SniffOptions o;
        o.sampleLines = 5;
        const SniffResult r = sniffText(text, o);
        // The quoted line break makes line 2 and 3 one record; the next record starts at line 4.
        QCOMPARE(verdicts(r), std::string("1:header 2:accepted 4:blank 5:bad_ip 6:bad_country"));
        QCOMPARE(r.sample[1].text, std::string("a1,2021-01-01 00:00:01,u1,1.2.3.4,US,\"two?lines\""));
        QCOMPARE(r.records, 6u);
        QCOMPARE(r.rejectedBy[std::size_t(RejectReason::EmptyAdId)], 1);
        QCOMPARE(r.sample.size(), std::size_t(5));
    }

    void emptyBinaryAndDelimiter()
    {
        const SniffResult empty = sniffText("");
        QVERIFY(empty.empty);
        QCOMPARE(empty.events, 0);
        QVERIFY(hasNote(empty, "empty"));

        const SniffResult binary
            = sniffText(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0", 18) + "\n\x01\x02\x03\n");
        QVERIFY(binary.binary);
        QCOMPARE(binary.events, 0);
        QVERIFY(hasNote(binary, "not a text file"));

        const std::string tsvText = "ad_id\tclick_timestamp\tuser_id\tip\tcountry\n"
                                    "a1\t2021-01-01 00:00:01\tu1\t1.2.3.4\tUS\n"
                                    "a2\t2021-01-01 00:00:02\tu2\t1.2.3.4\tUS\n";
        const SniffResult tsv = sniffText(tsvText);
        QCOMPARE(tsv.delimiter, '\t');
        QCOMPARE(tsv.events, 0);
        QVERIFY(hasNote(tsv, "read them with --delimiter tab"));
        // Read with that delimiter: every row a click, and no note about it.
        SniffOptions tab;
        tab.parser.delimiter = '\t';
        const SniffResult read = sniffText(tsvText, tab);
        QCOMPARE(read.delimiter, '\t');
        QCOMPARE(read.events, 2);
        QVERIFY(!hasNote(read, "--delimiter"));
        // ';' rows read with ',' are told which option reads them (quoted for a shell). A ';' inside
        // a quoted field is no separator: the rows still count four each.
        const SniffResult semicolon = sniffText("ad_id;click_timestamp;user_id;ip;country\n"
                                                "a1;2021-01-01 00:00:01;u1;1.2.3.4;US\n"
                                                "\"a;2\";2021-01-01 00:00:02;u2;1.2.3.4;US\n"
                                                "a3;2021-01-01 00:00:03;u3;1.2.3.4;US\n");
        QCOMPARE(semicolon.delimiter, ';');
        QVERIFY(hasNote(semicolon, "read them with --delimiter ';'"));
        // A first line of names none of which is known, after a byte order mark: its columns are
        // split at the delimiter in use (what a --map, or the import dialog's combos, can name).
        SniffOptions semi;
        semi.parser.delimiter = ';';
        const SniffResult foreign = sniffText("\xEF\xBB\xBF"
                                              "Advertiser Ad;When;Who\r\n"
                                              "a1;05/12/2026 01:00:01;u1\r\n",
            semi);
        QCOMPARE(foreign.firstLineColumns, std::vector<std::string>({ "Advertiser Ad", "When", "Who" }));
    }

    void limits()
    {
        std::string text;
        for (int i = 0; i < 100; ++i)
            text += bookLine("ad", i);
        SniffOptions o;
        o.maxLines = 10;
        const SniffResult r = sniffText(text, o);
        QCOMPARE(r.records, 10u);
        QVERIFY(!r.wholeFile);
        QVERIFY(hasNote(r, "only the first 10 lines"));
        QCOMPARE(r.sample.size(), std::size_t(10));
    }

    void filesGzipAndFolders()
    {
        QTemporaryDir dir;
        GenOptions g;
        g.out = dir.filePath(QStringLiteral("logs/app.log.gz")).toStdString();
        g.gzip = true;
        g.events = 500;
        g.truth = false;
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("logs"))));
        QVERIFY(generateClicks(g));
        auto gz = sniffFile(g.out);
        QVERIFY2(gz, gz.message().c_str());
        QCOMPARE(gz->format, LineFormat::Csv);
        QVERIFY(gz->wholeFile);
        auto folder = sniffFile(dir.filePath(QStringLiteral("logs")).toStdString());
        QVERIFY2(folder, folder.message().c_str());
        QCOMPARE(folder->path, g.out);
        QCOMPARE(folder->events, gz->events);
        QVERIFY(!sniffFile(dir.filePath(QStringLiteral("missing.log")).toStdString()));
        // The window's own database kept in that folder is never read, not even to sniff.
        const std::string db = dir.filePath(QStringLiteral("logs/0.db")).toStdString();
        QFile dbFile(QString::fromStdString(db));
        QVERIFY(dbFile.open(QIODevice::WriteOnly));
        dbFile.write(QByteArray("SQLite format 3\0\x10\0", 19));
        dbFile.close();
        SniffOptions own;
        own.own = OwnFiles::ofDatabase(db);
        auto beside = sniffFile(dir.filePath(QStringLiteral("logs")).toStdString(), own);
        QVERIFY2(beside, beside.message().c_str());
        QCOMPARE(beside->path, g.out);
        auto named = sniffFile(db, own);
        QVERIFY(!named);
        QVERIFY2(
            named.message().find("is a database open here") != std::string::npos, named.message().c_str());
    }
};

QTEST_APPLESS_MAIN(TestSniffer)
#include "tst_sniffer.moc"
