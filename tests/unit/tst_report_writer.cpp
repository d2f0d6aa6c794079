// The exact bytes of the CSV reports `adclick export` and the GUI write (core/query/report_writer).
#include "core/query/report_writer.h"

#include "core/base/click_event.h"

#include <QtTest>

#include <string>
#include <vector>

using namespace adclick::core;

namespace {

//! Compared as QByteArray, so a failure prints the bytes.
QByteArray bytes(const std::string& s)
{
    return QByteArray(s.data(), qsizetype(s.size()));
}

constexpr int64_t kJan1 = 1'609'459'200'000; // 2021-01-01T00:00:00Z
constexpr int64_t kJan1Minute = kJan1 / kMinuteMs;

} // namespace

class TestReportWriter : public QObject {
    Q_OBJECT
private slots:
    void minutesReportHasAHeaderAndTheParametersOnEveryRow()
    {
        const std::vector<SeriesRow> rows = {
            { kJan1Minute, "ad000001", 3 },
            { kJan1Minute, "ad000002", 1 },
            { kJan1Minute + 1, "ad000001", 12 },
        };
        QCOMPARE(bytes(minutesReportCsv(rows, kJan1, kJan1 + 30 * kMinuteMs, "country=US")),
            QByteArray(
                "minute_utc,ad_id,clicks,range_from,range_to,filter\n"
                "2021-01-01T00:00:00.000Z,ad000001,3,2021-01-01T00:00:00.000Z,2021-01-01T00:30:00.000Z,"
                "country=US\n"
                "2021-01-01T00:00:00.000Z,ad000002,1,2021-01-01T00:00:00.000Z,2021-01-01T00:30:00.000Z,"
                "country=US\n"
                "2021-01-01T00:01:00.000Z,ad000001,12,2021-01-01T00:00:00.000Z,2021-01-01T00:30:00.000Z,"
                "country=US\n"));
    }

    void minutesReportWithoutRowsIsTheHeader()
    {
        QCOMPARE(bytes(minutesReportCsv({}, kJan1, kJan1 + kMinuteMs, "")),
            QByteArray("minute_utc,ad_id,clicks,range_from,range_to,filter\n"));
    }

    void minutesReportQuotesAdIdsAndTheFilter()
    {
        const std::vector<SeriesRow> rows = {
            { kJan1Minute, "  sp  ", 1 },
            { kJan1Minute, "ad \"q\",x", 2 },
            { kJan1Minute, "caf\xC3\xA9", 3 },
            { kJan1Minute, "multi\nline", 4 },
            { kJan1Minute, "cr\rhere", 5 },
            { kJan1Minute, "\xE6\x9D\xB1\xE4\xBA\xAC", 6 },
        };
        QCOMPARE(bytes(minutesReportCsv(
                     rows, kJan1, kJan1 + kMinuteMs, "country in (KR,US) and user_id!=\"a,b\"")),
            QByteArray(
                "minute_utc,ad_id,clicks,range_from,range_to,filter\n"
                "2021-01-01T00:00:00.000Z,\"  sp  \",1,2021-01-01T00:00:00.000Z,2021-01-01T00:01:00.000Z,"
                "\"country in (KR,US) and user_id!=\"\"a,b\"\"\"\n"
                "2021-01-01T00:00:00.000Z,\"ad \"\"q\"\",x\",2,2021-01-01T00:00:00.000Z,"
                "2021-01-01T00:01:00.000Z,\"country in (KR,US) and user_id!=\"\"a,b\"\"\"\n"
                "2021-01-01T00:00:00.000Z,caf\xC3\xA9,3,2021-01-01T00:00:00.000Z,2021-01-01T00:01:00.000Z,"
                "\"country in (KR,US) and user_id!=\"\"a,b\"\"\"\n"
                "2021-01-01T00:00:00.000Z,\"multi\nline\",4,2021-01-01T00:00:00.000Z,"
                "2021-01-01T00:01:00.000Z,\"country in (KR,US) and user_id!=\"\"a,b\"\"\"\n"
                "2021-01-01T00:00:00.000Z,\"cr\rhere\",5,2021-01-01T00:00:00.000Z,"
                "2021-01-01T00:01:00.000Z,\"country in (KR,US) and user_id!=\"\"a,b\"\"\"\n"
                "2021-01-01T00:00:00.000Z,\xE6\x9D\xB1\xE4\xBA\xAC,6,2021-01-01T00:00:00.000Z,"
                "2021-01-01T00:01:00.000Z,\"country in (KR,US) and user_id!=\"\"a,b\"\"\"\n"));
    }

    void topReportOfTheExport()
    {
        const std::vector<TopReportRow> rows = {
            { 1, "ad000011", 1588 },
            { 2, "a,b", 719 },
            { 3, "q\"uote", 466 },
        };
        QCOMPARE(bytes(topReportCsv(rows, kJan1 + 20 * kMinuteMs, 30, "", TopReportColumns::Export)),
            QByteArray("rank,ad_id,clicks,at,window_minutes,filter\n"
                       "1,ad000011,1588,2021-01-01T00:20:00.000Z,30,\n"
                       "2,\"a,b\",719,2021-01-01T00:20:00.000Z,30,\n"
                       "3,\"q\"\"uote\",466,2021-01-01T00:20:00.000Z,30,\n"));
    }

    // Issue 9 defect 14: an ad id a spreadsheet would run (`=cmd|x`) is written as text with a
    // leading apostrophe, in both reports; the numbers stay numbers.
    void reportsNeutraliseFormulasInTextColumnsOnly()
    {
        const std::vector<TopReportRow> rows = {
            { 1, "=cmd|' /C calc'!A0", 7 },
            { 2, "-5", 3 },
            { 3, "@x", 1 },
        };
        QCOMPARE(bytes(topReportCsv(rows, kJan1, 30, "", TopReportColumns::Export)),
            QByteArray("rank,ad_id,clicks,at,window_minutes,filter\n"
                       "1,'=cmd|' /C calc'!A0,7,2021-01-01T00:00:00.000Z,30,\n"
                       "2,'-5,3,2021-01-01T00:00:00.000Z,30,\n"
                       "3,'@x,1,2021-01-01T00:00:00.000Z,30,\n"));
        const std::vector<SeriesRow> series = { { kJan1Minute, "+1+1", 2 } };
        QCOMPARE(bytes(minutesReportCsv(series, kJan1, kJan1 + kMinuteMs, "")),
            QByteArray(
                "minute_utc,ad_id,clicks,range_from,range_to,filter\n"
                "2021-01-01T00:00:00.000Z,'+1+1,2,2021-01-01T00:00:00.000Z,2021-01-01T00:01:00.000Z,\n"));
    }

    void topReportWithoutAnEndLeavesAtEmpty()
    {
        const std::vector<TopReportRow> rows = { { 1, "ad1", 5 } };
        QCOMPARE(bytes(topReportCsv(rows, std::nullopt, 60, "country in (KR,US)", TopReportColumns::Export)),
            QByteArray("rank,ad_id,clicks,at,window_minutes,filter\n"
                       "1,ad1,5,,60,\"country in (KR,US)\"\n"));
        QCOMPARE(bytes(topReportCsv({}, std::nullopt, 60, "", TopReportColumns::Export)),
            QByteArray("rank,ad_id,clicks,at,window_minutes,filter\n"));
    }

    void topReportOfTheDashboardAddsShareAndPreviousWindow()
    {
        const std::vector<TopReportRow> rows = {
            { 1, "caf\xC3\xA9", 30, 0.75, 12 },
            { 2, " edge", 10, 0.25, 0 },
            { 3, "tiny", 1, 1.0 / 3.0, 7 },
        };
        QCOMPARE(bytes(topReportCsv(rows, kJan1, 5, "user_id!=\"user 1\"", TopReportColumns::Dashboard)),
            QByteArray("rank,ad_id,clicks,at,window_minutes,filter,share,previous_window_clicks\n"
                       "1,caf\xC3\xA9,30,2021-01-01T00:00:00.000Z,5,\"user_id!=\"\"user 1\"\"\",0.750000,12\n"
                       "2,\" edge\",10,2021-01-01T00:00:00.000Z,5,\"user_id!=\"\"user 1\"\"\",0.250000,0\n"
                       "3,tiny,1,2021-01-01T00:00:00.000Z,5,\"user_id!=\"\"user 1\"\"\",0.333333,7\n"));
    }
};

QTEST_GUILESS_MAIN(TestReportWriter)
#include "tst_report_writer.moc"
