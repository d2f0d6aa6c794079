// Timestamp parsing and formatting. Expected epoch values were computed independently with
// Python's datetime (datetime(..., tzinfo=...).timestamp()), not with the code under test.
#include "core/base/time_format.h"
#include "core/base/timestamp.h"
#include "core/input/line_parser.h"

#include <QtTest>

#include <string>

using namespace adclick::core;

class TestTimestamp : public QObject {
    Q_OBJECT

private slots:
    void parseValid_data();
    void parseValid();
    void parseInvalid_data();
    void parseInvalid();
    void daysFromCivilKnown_data();
    void daysFromCivilKnown();
    void formatIso_data();
    void formatIso();
    void roundTripEveryDay();
    void leavesOutputUntouchedOnFailure();
    void epochMagnitude_data();
    void epochMagnitude();
    void timeFormats_data();
    void timeFormats();
    void badSpecs_data();
    void badSpecs();
    void specRoundTrip();
    void lineParserKeepsTimeFormatOverRestore();
};

void TestTimestamp::parseValid_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<qint64>("expected");

    // Book form: space, no zone, UTC.
    QTest::newRow("book") << QByteArray("2021-01-01 00:00:01") << qint64(1609459201000);
    QTest::newRow("epoch start") << QByteArray("1970-01-01 00:00:00") << qint64(0);
    QTest::newRow("leap day 2000") << QByteArray("2000-02-29 00:00:00") << qint64(951782400000);
    QTest::newRow("leap day 2024") << QByteArray("2024-02-29 12:00:00") << qint64(1709208000000);
    QTest::newRow("2100-03-01") << QByteArray("2100-03-01 00:00:00") << qint64(4107542400000);
    QTest::newRow("year end") << QByteArray("2023-12-31 23:59:59") << qint64(1704067199000);
    QTest::newRow("last second") << QByteArray("9999-12-31 23:59:59") << qint64(253402300799000);
    QTest::newRow("last ms") << QByteArray("9999-12-31 23:59:59.999") << qint64(253402300799999);

    // Fractions: 1..9 digits, truncated (not rounded) to milliseconds.
    QTest::newRow("frac 1") << QByteArray("2021-01-01 00:00:01.5") << qint64(1609459201500);
    QTest::newRow("frac 2") << QByteArray("2021-01-01 00:00:01.25") << qint64(1609459201250);
    QTest::newRow("frac 3") << QByteArray("2021-01-01 00:00:01.123") << qint64(1609459201123);
    QTest::newRow("frac 6 truncated") << QByteArray("2021-01-01 00:00:01.123999") << qint64(1609459201123);
    QTest::newRow("frac 9") << QByteArray("2021-01-01 00:00:01.999999999") << qint64(1609459201999);
    QTest::newRow("frac zeros") << QByteArray("2021-01-01 00:00:01.000") << qint64(1609459201000);

    // ISO-8601.
    QTest::newRow("iso Z") << QByteArray("2021-01-01T00:00:01Z") << qint64(1609459201000);
    QTest::newRow("iso Z frac") << QByteArray("2021-01-01T00:00:01.123Z") << qint64(1609459201123);
    QTest::newRow("iso +02:00") << QByteArray("2021-01-01T00:00:01+02:00") << qint64(1609452001000);
    QTest::newRow("iso +0200") << QByteArray("2021-01-01T00:00:01+0200") << qint64(1609452001000);
    QTest::newRow("iso -05:30") << QByteArray("2021-01-01T00:00:01-05:30") << qint64(1609479001000);
    QTest::newRow("iso -0530") << QByteArray("2021-01-01T00:00:01-0530") << qint64(1609479001000);
    QTest::newRow("iso +00:00") << QByteArray("2021-01-01T00:00:01+00:00") << qint64(1609459201000);
    QTest::newRow("iso -00:00") << QByteArray("2021-01-01T00:00:01-00:00") << qint64(1609459201000);
    QTest::newRow("iso +18:00") << QByteArray("2021-01-01T00:00:01+18:00") << qint64(1609394401000);
    QTest::newRow("iso frac offset") << QByteArray("2021-01-01T00:00:01.5+02:00") << qint64(1609452001500);
    QTest::newRow("space Z") << QByteArray("2021-01-01 00:00:01Z") << qint64(1609459201000);
    QTest::newRow("space offset") << QByteArray("2021-01-01 00:00:01+02:00") << qint64(1609452001000);
    QTest::newRow("1970 +05 = 0") << QByteArray("1970-01-01T05:00:00+05:00") << qint64(0);
    QTest::newRow("1970 -01") << QByteArray("1970-01-01T00:00:00-01:00") << qint64(3600000);
    // Issue 10: ISO 8601 without a zone (T form) is UTC like the space form, no longer rejected.
    QTest::newRow("T no zone") << QByteArray("2017-11-07T09:30:38") << qint64(1510047038000);
    QTest::newRow("T frac no zone") << QByteArray("2017-11-07T09:30:38.5") << qint64(1510047038500);
    // Issue 10: epoch seconds are told from milliseconds by magnitude (was 1970-01-18).
    QTest::newRow("epoch seconds") << QByteArray("1510047038") << qint64(1510047038000);
    QTest::newRow("epoch seconds frac") << QByteArray("1510047038.25") << qint64(1510047038250);
    QTest::newRow("epoch micros") << QByteArray("1510047038123456") << qint64(1510047038123);
    QTest::newRow("epoch nanos") << QByteArray("1510047038123456789") << qint64(1510047038123);

    // Epoch milliseconds.
    QTest::newRow("epoch 0") << QByteArray("0") << qint64(0);
    QTest::newRow("epoch 1") << QByteArray("1") << qint64(1);
    QTest::newRow("epoch 4 digits") << QByteArray("2021") << qint64(2021);
    QTest::newRow("epoch typical") << QByteArray("1609459201000") << qint64(1609459201000);
    QTest::newRow("epoch leading zeros") << QByteArray("0001609459201000") << qint64(1609459201000);
    QTest::newRow("epoch max") << QByteArray("253402300799999") << qint64(253402300799999);
}

void TestTimestamp::parseValid()
{
    QFETCH(QByteArray, text);
    QFETCH(qint64, expected);
    int64_t ms = -1;
    QVERIFY(parseTimestamp(std::string_view(text.constData(), size_t(text.size())), ms));
    QCOMPARE(qint64(ms), expected);
}

void TestTimestamp::parseInvalid_data()
{
    QTest::addColumn<QByteArray>("text");

    QTest::newRow("empty") << QByteArray("");
    QTest::newRow("space") << QByteArray(" ");
    QTest::newRow("junk") << QByteArray("yesterday");
    QTest::newRow("date only") << QByteArray("2021-01-01");
    QTest::newRow("no seconds") << QByteArray("2021-01-01 00:00");
    QTest::newRow("leading space") << QByteArray(" 2021-01-01 00:00:01");
    QTest::newRow("trailing space") << QByteArray("2021-01-01 00:00:01 ");
    QTest::newRow("slashes") << QByteArray("2021/01/01 00:00:01");
    QTest::newRow("1-digit month") << QByteArray("2021-1-01 00:00:01");
    QTest::newRow("1-digit hour") << QByteArray("2021-01-01 0:00:01x");
    QTest::newRow("two spaces") << QByteArray("2021-01-01  00:00:01");
    QTest::newRow("bad sep") << QByteArray("2021-01-01_00:00:01");
    QTest::newRow("lower t") << QByteArray("2021-01-01t00:00:01Z");
    QTest::newRow("lower z") << QByteArray("2021-01-01T00:00:01z");
    QTest::newRow("month 0") << QByteArray("2021-00-01 00:00:01");
    QTest::newRow("month 13") << QByteArray("2021-13-01 00:00:01");
    QTest::newRow("day 0") << QByteArray("2021-01-00 00:00:01");
    QTest::newRow("jan 32") << QByteArray("2021-01-32 00:00:01");
    QTest::newRow("apr 31") << QByteArray("2021-04-31 00:00:01");
    QTest::newRow("feb 30") << QByteArray("2024-02-30 00:00:01");
    QTest::newRow("feb 29 non-leap") << QByteArray("2021-02-29 00:00:01");
    QTest::newRow("feb 29 1900-rule") << QByteArray("2100-02-29 00:00:01");
    QTest::newRow("hour 24") << QByteArray("2021-01-01 24:00:00");
    QTest::newRow("minute 60") << QByteArray("2021-01-01 00:60:00");
    QTest::newRow("leap second") << QByteArray("2016-12-31 23:59:60");
    QTest::newRow("year 1969") << QByteArray("1969-12-31 23:59:59");
    QTest::newRow("year 0000") << QByteArray("0000-01-01 00:00:00");
    QTest::newRow("5-digit year") << QByteArray("10000-01-01 00:00:00");
    QTest::newRow("negative year") << QByteArray("-2021-01-01 00:00:01");
    QTest::newRow("dot no digits") << QByteArray("2021-01-01 00:00:01.");
    QTest::newRow("frac 10 digits") << QByteArray("2021-01-01 00:00:01.1234567890");
    QTest::newRow("frac comma") << QByteArray("2021-01-01 00:00:01,123");
    QTest::newRow("frac letters") << QByteArray("2021-01-01 00:00:01.12a");
    QTest::newRow("offset +19") << QByteArray("2021-01-01T00:00:01+19:00");
    QTest::newRow("offset +18:01") << QByteArray("2021-01-01T00:00:01+18:01");
    QTest::newRow("offset min 60") << QByteArray("2021-01-01T00:00:01+01:60");
    QTest::newRow("offset hh only") << QByteArray("2021-01-01T00:00:01+02");
    QTest::newRow("offset bad colon") << QByteArray("2021-01-01T00:00:01+02-00");
    QTest::newRow("offset 3 digits") << QByteArray("2021-01-01T00:00:01+020");
    QTest::newRow("Z then junk") << QByteArray("2021-01-01T00:00:01Zx");
    QTest::newRow("space before Z") << QByteArray("2021-01-01T00:00:01 Z");
    QTest::newRow("before 1970 by offset") << QByteArray("1970-01-01T00:00:00+00:01");
    QTest::newRow("after 9999 by offset") << QByteArray("9999-12-31T23:59:59-00:01");
    QTest::newRow("epoch over max") << QByteArray("253402300800000");
    QTest::newRow("epoch huge") << QByteArray("99999999999999999999999999");
    QTest::newRow("epoch negative") << QByteArray("-1");
    QTest::newRow("epoch plus") << QByteArray("+1");
    QTest::newRow("epoch float") << QByteArray("1609459201000.5");
    QTest::newRow("epoch exponent") << QByteArray("1e12");
    QTest::newRow("epoch hex") << QByteArray("0x10");
    QTest::newRow("epoch space") << QByteArray("1609459201000 ");
    QTest::newRow("full-width digits") << QByteArray("\xef\xbc\x92\xef\xbc\x90");
    QTest::newRow("nul inside") << QByteArray("2021-01-01 00:00:01\0", 20);
    QTest::newRow("epoch ms with fraction") << QByteArray("1510047038000.5");
    QTest::newRow("epoch over int64") << QByteArray("9223372036854775808");
    QTest::newRow("epoch 20 digits") << QByteArray("10000000000000000000");
    QTest::newRow("epoch seconds 10 frac digits") << QByteArray("1510047038.1234567890");
}

void TestTimestamp::parseInvalid()
{
    QFETCH(QByteArray, text);
    int64_t ms = 0;
    QVERIFY(!parseTimestamp(std::string_view(text.constData(), size_t(text.size())), ms));
}

void TestTimestamp::daysFromCivilKnown_data()
{
    QTest::addColumn<int>("y");
    QTest::addColumn<int>("m");
    QTest::addColumn<int>("d");
    QTest::addColumn<qint64>("days");
    QTest::newRow("epoch") << 1970 << 1 << 1 << qint64(0);
    QTest::newRow("day before") << 1969 << 12 << 31 << qint64(-1);
    QTest::newRow("2000-03-01") << 2000 << 3 << 1 << qint64(11017);
    QTest::newRow("9999-12-31") << 9999 << 12 << 31 << qint64(2932896);
    QTest::newRow("0001-01-01") << 1 << 1 << 1 << qint64(-719162);
}

void TestTimestamp::daysFromCivilKnown()
{
    QFETCH(int, y);
    QFETCH(int, m);
    QFETCH(int, d);
    QFETCH(qint64, days);
    QCOMPARE(qint64(daysFromCivil(y, unsigned(m), unsigned(d))), days);
}

void TestTimestamp::formatIso_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("zero") << qint64(0) << QByteArray("1970-01-01T00:00:00.000Z");
    QTest::newRow("book example") << qint64(1609459201000) << QByteArray("2021-01-01T00:00:01.000Z");
    QTest::newRow("ms") << qint64(1609459201123) << QByteArray("2021-01-01T00:00:01.123Z");
    QTest::newRow("leap day") << qint64(951782400000) << QByteArray("2000-02-29T00:00:00.000Z");
    QTest::newRow("max") << qint64(253402300799999) << QByteArray("9999-12-31T23:59:59.999Z");
    QTest::newRow("negative") << qint64(-1) << QByteArray("1969-12-31T23:59:59.999Z");
}

void TestTimestamp::formatIso()
{
    QFETCH(qint64, ms);
    QFETCH(QByteArray, expected);
    QCOMPARE(QByteArray::fromStdString(formatIsoUtc(ms)), expected);
}

// Every day 1970..9999 at a varying time of day: format, then parse back the same instant.
void TestTimestamp::roundTripEveryDay()
{
    const int64_t lastDay = 2932896;
    for (int64_t day = 0; day <= lastDay; ++day) {
        const int64_t ms = day * 86'400'000 + (day * 7'919'123) % 86'400'000;
        const std::string iso = formatIsoUtc(ms);
        int64_t back = -1;
        if (!parseTimestamp(iso, back) || back != ms)
            QFAIL(qPrintable(
                QStringLiteral("round trip failed for %1 (%2)").arg(ms).arg(QString::fromStdString(iso))));
    }
}

void TestTimestamp::leavesOutputUntouchedOnFailure()
{
    int64_t ms = 42;
    QVERIFY(!parseTimestamp("2021-02-29 00:00:00", ms));
    QCOMPARE(ms, int64_t(42));
}

// The magnitude rule of `auto` (docs/semantics.md, "Time stamps") at each edge. Expected values
// from Python: datetime.fromtimestamp(v / unit, timezone.utc).
void TestTimestamp::epochMagnitude_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<qint64>("expected"); // -1: rejected
    QTest::newRow("9 digits: ms") << QByteArray("999999999") << qint64(999999999);
    QTest::newRow("10 digits: s (2001-09-09)") << QByteArray("1000000000") << qint64(1000000000000);
    QTest::newRow("11 digits: s (5138)") << QByteArray("99999999999") << qint64(99999999999000);
    QTest::newRow("12 digits: ms (1973-03-03)") << QByteArray("100000000000") << qint64(100000000000);
    QTest::newRow("13 digits: ms") << QByteArray("1510047038123") << qint64(1510047038123);
    QTest::newRow("15 digits: ms, last") << QByteArray("253402300799999") << qint64(253402300799999);
    QTest::newRow("15 digits: ms, after 9999") << QByteArray("999999999999999") << qint64(-1);
    QTest::newRow("16 digits: us (2001-09-09)") << QByteArray("1000000000000000") << qint64(1000000000000);
    QTest::newRow("18 digits: us, last") << QByteArray("253402300799999999") << qint64(253402300799999);
    QTest::newRow("18 digits: us, after 9999") << QByteArray("253402300800000000") << qint64(-1);
    QTest::newRow("19 digits: ns (2001-09-09)") << QByteArray("1000000000000000000") << qint64(1000000000000);
    QTest::newRow("19 digits: ns, int64 max") << QByteArray("9223372036854775807") << qint64(9223372036854);
    QTest::newRow("leading zeros do not count") << QByteArray("0001510047038") << qint64(1510047038000);
    QTest::newRow("fraction on ms magnitude") << QByteArray("100000000000.5") << qint64(-1);
}

void TestTimestamp::epochMagnitude()
{
    QFETCH(QByteArray, text);
    QFETCH(qint64, expected);
    int64_t ms = -1;
    const bool ok = parseTimestamp(std::string_view(text.constData(), size_t(text.size())), ms);
    QCOMPARE(ok, expected >= 0);
    if (ok) QCOMPARE(qint64(ms), expected);
    // The default TimeFormat is the same reading.
    int64_t viaFormat = -1;
    QCOMPARE(TimeFormat().parse(std::string_view(text.constData(), size_t(text.size())), viaFormat), ok);
    if (ok) QCOMPARE(qint64(viaFormat), expected);
}

// Every --time-format with and without --time-zone. Expected values from Python's datetime and
// zoneinfo (fold=0 for the earlier instant of an overlap), not from the code under test.
void TestTimestamp::timeFormats_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("zone");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<qint64>("expected"); // -1: rejected (bad_timestamp)
    auto row = [](const char* name, const char* f, const char* z, const char* t, qint64 e) {
        QTest::newRow(name) << QString::fromUtf8(f) << QString::fromUtf8(z) << QByteArray(t) << e;
    };
    // auto and iso, with and without zone, T or space, fraction.
    row("auto T UTC", "auto", "UTC", "2017-11-07T09:30:38", 1510047038000);
    row("auto space Berlin", "auto", "Europe/Berlin", "2017-11-07 09:30:38", 1510043438000);
    row("auto T Berlin summer", "auto", "Europe/Berlin", "2017-07-07T09:30:38", 1499412638000);
    row("auto own zone wins", "auto", "Europe/Berlin", "2017-11-07T09:30:38Z", 1510047038000);
    row("auto own offset wins", "auto", "Asia/Tokyo", "2017-11-07T09:30:38+01:00", 1510043438000);
    row("auto epoch ignores zone", "auto", "Europe/Berlin", "1510047038", 1510047038000);
    row("auto frac Tokyo", "auto", "Asia/Tokyo", "2017-11-07T09:30:38.123", 1510014638123);
    row("auto +05:30", "auto", "+05:30", "2017-11-07T09:30:38", 1510027238000);
    row("auto -0800", "auto", "-0800", "2017-11-07 09:30:38", 1510075838000);
    row("iso no zone", "iso", "UTC", "2017-11-07T09:30:38", 1510047038000);
    row("iso frac offset", "iso", "UTC", "2017-11-07T09:30:38.5+01:00", 1510043438500);
    row("iso refuses epoch", "iso", "UTC", "1510047038", -1);
    // Explicit epoch units: no guessing, fractions truncated.
    row("epoch-s", "epoch-s", "UTC", "1510047038", 1510047038000);
    row("epoch-s small", "epoch-s", "UTC", "5", 5000);
    row("epoch-s frac", "epoch-s", "UTC", "1510047038.123456", 1510047038123);
    row("epoch-ms", "epoch-ms", "UTC", "1510047038123", 1510047038123);
    row("epoch-ms small", "epoch-ms", "UTC", "1510047038", 1510047038);
    row("epoch-us", "epoch-us", "UTC", "1510047038123456", 1510047038123);
    row("epoch-ns", "epoch-ns", "UTC", "1510047038123456789", 1510047038123);
    row("epoch-ns ignores zone", "epoch-ns", "Europe/Berlin", "1510047038123456789", 1510047038123);
    row("epoch-s refuses iso", "epoch-s", "UTC", "2017-11-07T09:30:38Z", -1);
    row("epoch-s after 9999", "epoch-s", "UTC", "253402300800", -1);
    row("epoch-ms negative", "epoch-ms", "UTC", "-1", -1);
    // strftime patterns.
    row("d/m/Y H:M", "%d/%m/%Y %H:%M", "UTC", "07/11/2017 09:30", 1510047000000);
    row("d/m/Y H:M one digit", "%d/%m/%Y %H:%M", "UTC", "7/11/2017 9:30", 1510047000000);
    row("d/m/Y H:M Berlin", "%d/%m/%Y %H:%M", "Europe/Berlin", "07/11/2017 10:30", 1510047000000);
    row("apache %b %z", "%d/%b/%Y:%H:%M:%S %z", "UTC", "07/Nov/2017:09:30:38 +0100", 1510043438000);
    row("%B full month", "%B %d, %Y %H:%M:%S", "UTC", "November 07, 2017 09:30:38", 1510047038000);
    row("%b lower case", "%d-%b-%Y %T", "UTC", "07-nov-2017 09:30:38", 1510047038000);
    row("%a %e %I %p %f", "%a %b %e %I:%M:%S.%f %p %Y", "UTC", "Tue Nov  7 09:30:38.25 PM 2017",
        1510090238250);
    row("%a wrong weekday", "%a %b %e %I:%M:%S.%f %p %Y", "UTC", "Wed Nov  7 09:30:38.25 PM 2017", -1);
    row("12 AM", "%Y-%m-%d %I:%M %p", "UTC", "2017-11-07 12:05 AM", 1510013100000);
    row("12 PM", "%Y-%m-%d %I:%M %p", "UTC", "2017-11-07 12:05 pm", 1510056300000);
    row("%I 13", "%Y-%m-%d %I:%M %p", "UTC", "2017-11-07 13:05 PM", -1);
    row("%y 99", "%y%m%d %H%M%S", "UTC", "990102 000000", 915235200000);
    row("%y 68", "%y%m%d %H%M%S", "UTC", "680102 000000", 3092688000000);
    row("%F %T.%f", "%F %T.%f", "UTC", "2017-11-07 09:30:38.123456", 1510047038123);
    row("%f 10 digits", "%F %T.%f", "UTC", "2017-11-07 09:30:38.1234567890", -1);
    row("%z Z", "%FT%T%z", "Europe/Berlin", "2017-11-07T09:30:38Z", 1510047038000);
    row("%z -08:00", "%FT%T%z", "UTC", "2017-11-07T09:30:38-08:00", 1510075838000);
    row("%Z UTC", "%F %T %Z", "Europe/Berlin", "2017-11-07 09:30:38 UTC", 1510047038000);
    row("%Z ambiguous", "%F %T %Z", "UTC", "2017-11-07 09:30:38 CST", -1);
    row("%s", "%s", "Europe/Berlin", "1510047038", 1510047038000);
    row("%s.%f", "%s.%f", "UTC", "1510047038.5", 1510047038500);
    row("%D %R", "%D %R", "UTC", "11/07/17 09:30", 1510047000000);
    row("%% literal", "%Y-%m-%d %H:%M:%S%%", "UTC", "2017-11-07 09:30:38%", 1510047038000);
    row("pattern trailing text", "%d/%m/%Y %H:%M", "UTC", "07/11/2017 09:30x", -1);
    row("pattern feb 29 2017", "%d/%m/%Y %H:%M", "UTC", "29/02/2017 09:30", -1);
    row("pattern month name unknown", "%d %b %Y", "UTC", "07 Nox 2017", -1);
    row("pattern before 1970", "%d/%m/%Y %H:%M", "UTC", "31/12/1969 23:59", -1);
    // DST in Europe/Berlin (2021-03-28 02:00 → 03:00; 2021-10-31 03:00 → 02:00).
    row("Berlin before gap", "auto", "Europe/Berlin", "2021-03-28 01:59:59", 1616893199000);
    row("Berlin in gap: rejected", "auto", "Europe/Berlin", "2021-03-28 02:30:00", -1);
    row("Berlin gap start: rejected", "auto", "Europe/Berlin", "2021-03-28 02:00:00", -1);
    row("Berlin after gap", "auto", "Europe/Berlin", "2021-03-28 03:00:00", 1616893200000);
    row("Berlin overlap: earlier", "auto", "Europe/Berlin", "2021-10-31 02:30:00", 1635640200000);
    row("Berlin after overlap", "auto", "Europe/Berlin", "2021-10-31 03:00:00", 1635645600000);
    // After the table of the zone file (2037): the footer's POSIX rule.
    row("Berlin 2050 summer", "auto", "Europe/Berlin", "2050-07-01 12:00:00", 2540282400000);
    row("Berlin 2050 winter", "auto", "Europe/Berlin", "2050-12-01 12:00:00", 2553505200000);
    row("Sydney 2023 January (DST)", "iso", "Australia/Sydney", "2023-01-15T12:00:00", 1673744400000);
    row("Sydney 2060 January (DST)", "iso", "Australia/Sydney", "2060-01-15T12:00:00", 2841354000000);
    row("Sydney 2060 July", "iso", "Australia/Sydney", "2060-07-15T12:00:00", 2857082400000);
    // America/New_York (2023-03-12 02:00 → 03:00; 2023-11-05 02:00 → 01:00).
    row("New York before gap", "%m/%d/%Y %I:%M:%S %p", "America/New_York", "03/12/2023 01:59:59 AM",
        1678604399000);
    row("New York in gap: rejected", "%m/%d/%Y %I:%M:%S %p", "America/New_York", "03/12/2023 02:30:00 AM",
        -1);
    row("New York after gap", "%m/%d/%Y %I:%M:%S %p", "America/New_York", "03/12/2023 03:00:00 AM",
        1678604400000);
    row("New York overlap: earlier", "%m/%d/%Y %I:%M:%S %p", "America/New_York", "11/05/2023 01:30:00 AM",
        1699162200000);
    row("New York summer", "iso", "America/New_York", "2023-07-04T12:00:00", 1688486400000);
}

void TestTimestamp::timeFormats()
{
    QFETCH(QString, format);
    QFETCH(QString, zone);
    QFETCH(QByteArray, text);
    QFETCH(qint64, expected);
    TimeFormat f;
    std::string error;
    QVERIFY2(TimeFormat::make(format.toStdString(), zone.toStdString(), f, error), error.c_str());
    int64_t ms = 42;
    const bool ok = f.parse(std::string_view(text.constData(), size_t(text.size())), ms);
    QCOMPARE(ok, expected >= 0);
    QCOMPARE(qint64(ms), ok ? expected : qint64(42));
}

void TestTimestamp::badSpecs_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("zone");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("unknown name") << "epoch"
                                  << "UTC"
                                  << "expected auto, iso";
    QTest::newRow("no date") << "%H:%M:%S"
                             << "UTC"
                             << "needs a year";
    QTest::newRow("no day") << "%Y-%m %H:%M"
                            << "UTC"
                            << "needs a year";
    QTest::newRow("unknown directive") << "%Y-%m-%d %Q"
                                       << "UTC"
                                       << "%Q";
    QTest::newRow("%j unsupported") << "%Y %j"
                                    << "UTC"
                                    << "%j";
    QTest::newRow("lone %") << "%Y-%m-%d %"
                            << "UTC"
                            << "lone '%'";
    QTest::newRow("%I without %p") << "%Y-%m-%d %I:%M"
                                   << "UTC"
                                   << "%I and %p";
    QTest::newRow("unknown zone") << "auto"
                                  << "Mars/Olympus"
                                  << "unknown time zone";
    QTest::newRow("zone path escape") << "auto"
                                      << "../../etc/passwd"
                                      << "unknown time zone";
    QTest::newRow("zone absolute") << "auto"
                                   << "/etc/localtime"
                                   << "unknown time zone";
    QTest::newRow("zone directory") << "auto"
                                    << "Europe"
                                    << "time zone";
    QTest::newRow("offset too big") << "auto"
                                    << "+19:00"
                                    << "18 hours";
    QTest::newRow("offset bad minutes") << "auto"
                                        << "+01:75"
                                        << "18 hours";
    QTest::newRow("not a TZif file") << "auto"
                                     << "leapseconds"
                                     << "not a TZif file";
    QTest::newRow("leap-second zone") << "auto"
                                      << "right/Europe/Berlin"
                                      << "leap seconds";
}

void TestTimestamp::badSpecs()
{
    QFETCH(QString, format);
    QFETCH(QString, zone);
    QFETCH(QString, messagePart);
    TimeFormat f;
    std::string error;
    QVERIFY(!TimeFormat::make(format.toStdString(), zone.toStdString(), f, error));
    QVERIFY2(QString::fromStdString(error).contains(messagePart), error.c_str());
}

// spec() is what the lead stores with a source: it must give back the same reading.
void TestTimestamp::specRoundTrip()
{
    const std::pair<const char*, const char*> cases[] = { { "auto", "UTC" }, { "auto", "Europe/Berlin" },
        { "epoch-us", "UTC" }, { "%d/%m/%Y %H:%M", "+05:30" }, { "%Y|%m|%d", "UTC" }, { "iso", "-0800" } };
    for (const auto& [format, zone] : cases) {
        TimeFormat a, b;
        std::string error;
        QVERIFY2(TimeFormat::make(format, zone, a, error), error.c_str());
        QVERIFY2(TimeFormat::fromSpec(a.spec(), b, error), error.c_str());
        QCOMPARE(QString::fromStdString(b.spec()), QString::fromStdString(a.spec()));
        QCOMPARE(QString::fromStdString(b.format()), QString::fromUtf8(format));
        QCOMPARE(b.zone().name(), a.zone().name());
    }
    QCOMPARE(QString::fromStdString(TimeFormat().spec()), QStringLiteral("auto"));
    TimeFormat f;
    std::string error;
    QVERIFY(TimeFormat::make("auto", "+05:30", f, error));
    QCOMPARE(QString::fromStdString(f.spec()), QStringLiteral("+05:30|auto"));
    QVERIFY(TimeFormat::make("auto", "-0800", f, error));
    QCOMPARE(QString::fromStdString(f.spec()), QStringLiteral("-08:00|auto"));
    QVERIFY(TimeFormat::fromSpec("", f, error));
    QVERIFY(f.isDefault());
}

// The parser's hook: its time format reads the rows, and a restore (resume) keeps it.
void TestTimestamp::lineParserKeepsTimeFormatOverRestore()
{
    TimeFormat berlin;
    std::string error;
    QVERIFY2(TimeFormat::make("%d/%m/%Y %H:%M:%S", "Europe/Berlin", berlin, error), error.c_str());
    LineParser parser(LineFormat::Csv);
    parser.setTimeFormat(berlin);
    ClickEvent e;
    QCOMPARE(int(parser.parse("ad_id,click_timestamp,user_id,ip,country", e).kind), int(LineKind::Header));
    QCOMPARE(int(parser.parse("ad1,07/11/2017 10:30:38,u1,10.0.0.1,US", e).kind), int(LineKind::Event));
    QCOMPARE(e.timeMs, int64_t(1510047038000));
    const std::string state = parser.state();
    parser.restore(state);
    QCOMPARE(QString::fromStdString(parser.timeFormat().spec()),
        QStringLiteral("Europe/Berlin|%d/%m/%Y %H:%M:%S"));
    QCOMPARE(int(parser.parse("ad1,07/11/2017 10:31:00,u2,10.0.0.1,US", e).kind), int(LineKind::Event));
    QCOMPARE(e.timeMs, int64_t(1510047060000));
    // The time format is stored in the state, like the column map: any parser restored from it
    // reads on as this one did; a state without one (a bare header) keeps the parser's own.
    LineParser restored(LineFormat::Csv);
    restored.restore(state);
    QCOMPARE(int(restored.parse("ad1,07/11/2017 10:31:00,u2,10.0.0.1,US", e).kind), int(LineKind::Event));
    QCOMPARE(e.timeMs, int64_t(1510047060000));
    LineParser plain(LineFormat::Csv);
    plain.restore("ad_id,click_timestamp,user_id,ip,country");
    QCOMPARE(int(plain.parse("ad1,07/11/2017 10:31:00,u2,10.0.0.1,US", e).kind), int(LineKind::Rejected));
}

QTEST_APPLESS_MAIN(TestTimestamp)
#include "tst_timestamp.moc"
